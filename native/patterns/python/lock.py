import asyncio

from _params import params

P = params(workers=3, increments=3, delay=0.1)

counter = 0


async def add_one():
    """Read, await, write back: another task may write in between."""
    global counter
    value = counter
    await asyncio.sleep(P["delay"])  # e.g. a round trip to a database
    counter = value + 1


async def worker(lock: asyncio.Lock | None):
    for _ in range(P["increments"]):
        if lock is None:
            await add_one()
        else:
            async with lock:
                await add_one()


async def count(lock: asyncio.Lock | None):
    global counter
    counter = 0
    await asyncio.gather(*(worker(lock) for _ in range(P["workers"])))
    expected = P["workers"] * P["increments"]
    print(f"{'without' if lock is None else 'with'} a lock: counter = {counter}, expected {expected}")


async def main():
    await count(None)  # updates get lost
    await count(asyncio.Lock())  # one add_one() at a time


asyncio.run(main())
