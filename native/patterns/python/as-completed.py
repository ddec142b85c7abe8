import asyncio

from _params import params

P = params(tasks=5)


async def task_with_varying_delays(n: int):
    """Task with a delay that shrinks as n grows."""
    delay = P["tasks"] - n  # Task 1: 4s, Task 2: 3s, Task 3: 2s, etc.
    await asyncio.sleep(delay)
    return f"Task {n} completed (delay: {delay}s)"


async def process_as_completed():
    """Process tasks as they complete."""
    tasks = [task_with_varying_delays(i) for i in range(1, P["tasks"] + 1)]

    for coro in asyncio.as_completed(tasks):
        result = await coro
        print(result)  # Prints in completion order (5, 4, 3, 2, 1)


asyncio.run(process_as_completed())
