import asyncio

from _params import params

P = params(values=[1, 2, 3], delay=1)


async def task(n: int):
    await asyncio.sleep(P["delay"])
    return n * 2


async def task_group_example():
    """Use task groups for automatic cleanup."""
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(task(n)) for n in P["values"]]

    # All tasks completed here
    print(*(t.result() for t in tasks))


asyncio.run(task_group_example())
