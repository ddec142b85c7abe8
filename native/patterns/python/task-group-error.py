import asyncio

from _params import params

P = params(delays=[1, 2, 3], fail=2)


async def work(n: int, delay: float):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"task {n} cancelled")
        raise
    if n == P["fail"]:
        raise ValueError(f"task {n} failed")
    print(f"task {n} done")


async def main():
    """One task fails: the group cancels the others and raises an ExceptionGroup."""
    try:
        async with asyncio.TaskGroup() as tg:
            for n, delay in enumerate(P["delays"], start=1):
                tg.create_task(work(n, delay))
        print("all tasks done")
    except* ValueError as eg:
        print(f"caught {eg!r}")


asyncio.run(main())
