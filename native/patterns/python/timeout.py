import asyncio

from _params import params

P = params(work=2, timeout=1)


async def slow_operation(name: str) -> str:
    print(f"{name}: started, needs {P['work']}s")
    try:
        await asyncio.sleep(P["work"])
        print(f"{name}: finished")
        return f"{name} result"
    finally:
        # Runs whether the work finished or was cancelled by the timeout
        print(f"{name}: cleanup")


async def main():
    # asyncio.timeout(): a deadline for a block of code
    try:
        async with asyncio.timeout(P["timeout"]):
            result = await slow_operation("A")
        print(f"Got {result}")
    except TimeoutError:
        print(f"A: timed out after {P['timeout']}s")

    # asyncio.wait_for(): a deadline for one awaitable
    try:
        result = await asyncio.wait_for(slow_operation("B"), timeout=P["timeout"])
        print(f"Got {result}")
    except TimeoutError:
        print(f"B: timed out after {P['timeout']}s")


asyncio.run(main())
