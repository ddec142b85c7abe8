"""CPython asyncio peer for spawn + gather: N tasks created with asyncio.create_task, each
awaits asyncio.sleep(0) once (one loop turn) and returns its index; one parent gathers them.
Usage: python3 python_spawn_gather.py [N]"""
import asyncio
import sys
import time


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


async def child(i):
    await asyncio.sleep(0)
    return i


async def parent(n):
    tasks = [asyncio.create_task(child(i)) for i in range(n)]
    r = await asyncio.gather(*tasks)
    return sum(r)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    reset_peak_rss()
    rss0 = peak_rss_bytes()
    t0 = time.perf_counter()
    s = asyncio.run(parent(n))
    t1 = time.perf_counter()
    rss1 = peak_rss_bytes()
    if s != n * (n - 1) // 2:
        sys.exit(f"python: wrong sum {s}")
    print(f"RESULT spawn_gather python n={n} ns_per_task={(t1 - t0) * 1e9 / n:.1f} "
          f"bytes_per_task={(rss1 - rss0) / n:.1f}")


if __name__ == "__main__":
    main()
