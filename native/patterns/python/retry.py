import asyncio

from _params import params

P = params(failures=2, max_attempts=5, base_delay=0.1, max_delay=30)

attempts = 0


async def flaky_call():
    """Fails its first `failures` attempts, then succeeds."""
    global attempts
    attempts += 1
    if attempts <= P["failures"]:
        raise ConnectionError("service unavailable")
    return f"ok after {attempts} attempt(s)"


async def retry_with_backoff(call, max_attempts, base_delay, max_delay):
    """Exponential backoff: wait base_delay, then twice as long each time, at most max_delay."""
    for attempt in range(1, max_attempts):
        try:
            return await call()
        except ConnectionError as e:
            delay = min(base_delay * 2 ** (attempt - 1), max_delay)  # no jitter: reproducible
            print(f"attempt {attempt} failed: {e}; retrying in {delay}s")
            await asyncio.sleep(delay)
    return await call()  # the last attempt: its error propagates


async def main():
    try:
        print(await retry_with_backoff(
            flaky_call, P["max_attempts"], P["base_delay"], P["max_delay"]))
    except ConnectionError as e:
        print(f"gave up after {attempts} attempt(s): {e}")


asyncio.run(main())
