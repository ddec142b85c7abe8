import asyncio

from _params import params

P = params(work=1, save=2, cancel_at=2, shield="on")


async def save():
    """The critical step: stopping it halfway would lose data."""
    print("save: started")
    await asyncio.sleep(P["save"])
    print("save: done")


async def worker(saves: list):
    try:
        print("worker: working")
        await asyncio.sleep(P["work"])
        saves.append(asyncio.create_task(save()))
        if P["shield"] == "on":
            await asyncio.shield(saves[0])  # cancelling the worker leaves the save running
        else:
            await saves[0]  # cancelling the worker cancels the save too
        print("worker: finished")
    except asyncio.CancelledError:
        print("worker: cancelled, cleaning up")
        raise  # re-raise, so that the task ends cancelled


async def main():
    saves = []  # the save task, once the worker has started it
    task = asyncio.create_task(worker(saves))
    await asyncio.sleep(P["cancel_at"])
    print("main: cancel() returned", task.cancel())
    try:
        await task
    except asyncio.CancelledError:
        print("main: the worker was cancelled")
    if saves:  # the worker got as far as starting the save
        await asyncio.wait(saves)  # a shielded save runs on: wait for it
        print("main: the save was", "cancelled" if saves[0].cancelled() else "completed")


asyncio.run(main())
