import asyncio

from _params import params

P = params(requests=5, limit=2, delay=1)

in_flight = 0  # requests holding the semaphore right now


async def request(n: int, sem: asyncio.Semaphore):
    """One request: at most `limit` of them run at a time."""
    global in_flight
    if sem.locked():
        print(f"Request {n}: waiting")
    async with sem:
        in_flight += 1
        print(f"Request {n}: started ({in_flight} in flight)")
        await asyncio.sleep(P["delay"])
        in_flight -= 1
        print(f"Request {n}: done")


async def main():
    sem = asyncio.Semaphore(P["limit"])
    await asyncio.gather(*(request(n, sem) for n in range(1, P["requests"] + 1)))
    print(f"All {P['requests']} requests done")


asyncio.run(main())
