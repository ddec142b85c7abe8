"""CPython asyncio peer for timers: N tasks, task i sleeps until i/N seconds after the start
(asyncio.sleep(deadline - loop.time())), gathered.
Figure: total wall time (ideal: 1 s). Usage: python3 python_timers.py [N]"""
import asyncio
import sys
import time


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


async def sleeper(deadline, i):
    await asyncio.sleep(deadline - asyncio.get_running_loop().time())
    return i


async def parent(n):
    start = asyncio.get_running_loop().time()
    return sum(await asyncio.gather(*[asyncio.create_task(sleeper(start + i / n, i)) for i in range(n)]))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    rss0 = peak_rss_bytes()
    t0 = time.perf_counter()
    s = asyncio.run(parent(n))
    t1 = time.perf_counter()
    if s != n * (n - 1) // 2:
        sys.exit(f"python timers: wrong sum {s}")
    print(f"RESULT timers python n={n} wall_s={t1 - t0:.3f} "
          f"bytes_per_timer={(peak_rss_bytes() - rss0) / n:.1f}")


if __name__ == "__main__":
    main()
