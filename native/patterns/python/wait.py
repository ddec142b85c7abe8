import asyncio

from _params import params

P = params(delays=[1, 2, 3], return_when="FIRST_COMPLETED", timeout=None)


async def task(n: int):
    await asyncio.sleep(n)
    return f"Task {n}"


async def wait_example():
    """Wait for tasks with different strategies."""
    # A list rather than the seed's set, so that the done tasks print in a fixed order (and `t` rather
    # than the seed's `task` as the loop variable, which would shadow the coroutine function).
    tasks = [asyncio.create_task(task(i)) for i in P["delays"]]

    done, pending = await asyncio.wait(
        tasks,
        return_when=getattr(asyncio, P["return_when"]),
        timeout=P["timeout"],
    )

    for t in (t for t in tasks if t in done):
        print(f"First completed: {t.result()}")

    # Cancel remaining
    for t in pending:
        t.cancel()


asyncio.run(wait_example())
