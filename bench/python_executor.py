"""CPython asyncio peer for the executor benchmarks.
 1. round trips: `rt` trivial jobs awaited one after another through
    loop.run_in_executor(ThreadPoolExecutor(1), fn, x), and through asyncio.to_thread.
 2. speed-up: `jobs` CPU-bound pure-Python jobs gathered, 1 worker vs N = os.cpu_count()
    workers. The GIL serialises them, so expect about 1x: that is the point of comparison.
Usage: python3 python_executor.py [rt=20000] [jobs=32] [iters=100000]"""
import asyncio
import concurrent.futures
import os
import sys
import time


def trivial(x):
    return x + 1


def spin(iters):
    x = 88172645463325252 + iters
    m = (1 << 64) - 1
    for _ in range(iters):
        x ^= (x << 13) & m
        x ^= x >> 7
        x ^= (x << 17) & m
    return x & 0xFFFF


async def round_trips(ex, rt):
    loop = asyncio.get_running_loop()
    s = 0
    for i in range(rt):
        s += await loop.run_in_executor(ex, trivial, i)
    return s


async def round_trips_to_thread(rt):
    s = 0
    for i in range(rt):
        s += await asyncio.to_thread(trivial, i)
    return s


async def cpu_jobs(ex, jobs, iters):
    loop = asyncio.get_running_loop()
    return sum(await asyncio.gather(*[loop.run_in_executor(ex, spin, iters) for _ in range(jobs)]))


def main():
    rt = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    iters = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    expect = rt * (rt + 1) // 2

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        assert asyncio.run(round_trips(ex, rt)) == expect
    pool_rt = rt / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    assert asyncio.run(round_trips_to_thread(rt)) == expect
    to_thread_rt = rt / (time.perf_counter() - t0)

    hw = max(2, os.cpu_count() or 2)
    t = []
    for w in (1, hw):
        with concurrent.futures.ThreadPoolExecutor(w) as ex:
            t0 = time.perf_counter()
            asyncio.run(cpu_jobs(ex, jobs, iters))
            t.append(time.perf_counter() - t0)
    print(f"RESULT executor python rt={rt} run_in_executor_rt_per_s={pool_rt:.0f} "
          f"to_thread_rt_per_s={to_thread_rt:.0f} jobs={jobs} workers={hw} "
          f"t1_s={t[0]:.3f} tN_s={t[1]:.3f} speedup={t[0] / t[1]:.2f}")


if __name__ == "__main__":
    main()
