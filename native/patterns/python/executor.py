import asyncio
import concurrent.futures

from _params import params

P = params(delay=1, workers=5)


def blocking_io():
    """Blocking I/O operation."""
    import time
    time.sleep(P["delay"])
    return "Result"


async def run_blocking_in_executor():
    """Run blocking code in executor."""
    loop = asyncio.get_event_loop()

    # Run in default executor (ThreadPoolExecutor)
    result = await loop.run_in_executor(None, blocking_io)
    return result


async def run_with_custom_executor():
    """Use custom executor."""
    loop = asyncio.get_event_loop()

    with concurrent.futures.ThreadPoolExecutor(max_workers=P["workers"]) as executor:
        result = await loop.run_in_executor(executor, blocking_io)
        return result


print(asyncio.run(run_blocking_in_executor()))
print(asyncio.run(run_with_custom_executor()))
