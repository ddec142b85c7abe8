import asyncio

from _params import params

P = params(delay1=2, delay2=1, work=0.5)


async def background_task(name: str, delay: int):
    """Long-running background task."""
    print(f"{name} started")
    await asyncio.sleep(delay)
    print(f"{name} completed")
    return f"Result from {name}"


async def main():
    # Create tasks
    task1 = asyncio.create_task(background_task("Task 1", P["delay1"]))
    task2 = asyncio.create_task(background_task("Task 2", P["delay2"]))

    # Do other work
    print("Main: doing other work")
    await asyncio.sleep(P["work"])

    # Wait for tasks
    result1 = await task1
    result2 = await task2

    print(f"Results: {result1}, {result2}")


asyncio.run(main())
