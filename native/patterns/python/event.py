import asyncio

from _params import params

P = params(workers=3, delay=1)


async def waiter(event: asyncio.Event, n: int):
    print(f"worker {n} waiting")
    await event.wait()
    print(f"worker {n} released")


async def main():
    # Create an Event object.
    event = asyncio.Event()

    # Spawn the tasks that wait until 'event' is set.
    tasks = [asyncio.create_task(waiter(event, n)) for n in range(1, P["workers"] + 1)]

    # Sleep, then set the event: one set() releases every waiter.
    await asyncio.sleep(P["delay"])
    print("setting the event")
    event.set()

    # Wait until the waiter tasks are finished.
    await asyncio.gather(*tasks)


asyncio.run(main())
