import asyncio
import time

from _params import params

P = params(tasks=3, delay=1)


async def task(n: int):
    await asyncio.sleep(P["delay"])
    return n


async def compare_timing():
    # Sequential: ~tasks * delay seconds
    start = time.time()
    for n in range(1, P["tasks"] + 1):
        await task(n)
    print(f"Sequential: {time.time() - start:.2f}s")

    # Concurrent: ~delay seconds
    start = time.time()
    results = await asyncio.gather(*(task(n) for n in range(1, P["tasks"] + 1)))
    print(f"Concurrent: {time.time() - start:.2f}s")


asyncio.run(compare_timing())
