// aio (ours) executor benchmarks.
//  1. round trips: `rt` trivial jobs awaited one after another, through
//     aio::run_in_executor(&pool, fn, x) on a 1-worker ThreadPoolExecutor, and through
//     aio::to_thread(fn, x) (the default executor). Figure: round trips per second.
//  2. speed-up: `jobs` CPU-bound jobs (~`iters` ns each) started together and gathered, on a
//     ThreadPoolExecutor with 1 worker, then with N = hardware threads. Figure: t(1) / t(N).
// Usage: aio_executor [rt=20000] [jobs=32] [iters=10000000]
#include <aio/aio.hpp>

#include <cstdio>
#include <thread>
#include <vector>

#include "bench_jobs.hpp"
#include "bench_util.hpp"

static aio::Coro<long> round_trips_pool(aio::ThreadPoolExecutor* ex, int rt) {
    long s = 0;
    for (int i = 0; i < rt; ++i) s += co_await aio::run_in_executor(ex, &bench::trivial, i);
    co_return s;
}

static aio::Coro<long> round_trips_to_thread(int rt) {
    long s = 0;
    for (int i = 0; i < rt; ++i) s += co_await aio::to_thread(&bench::trivial, i);
    co_return s;
}

static aio::Coro<long> one_job(aio::ThreadPoolExecutor* ex, long iters) {
    co_return co_await aio::run_in_executor(ex, &bench::spin, iters);
}

static aio::Coro<long> cpu_jobs(aio::ThreadPoolExecutor* ex, int jobs, long iters) {
    std::vector<aio::Task<long>> tasks;
    for (int i = 0; i < jobs; ++i) tasks.push_back(aio::create_task(one_job(ex, iters)));
    std::vector<long> r = co_await aio::gather(std::move(tasks));
    long s = 0;
    for (long v : r) s += v;
    co_return s;
}

int main(int argc, char** argv) {
    const int rt = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int jobs = argc > 2 ? std::atoi(argv[2]) : 32;
    const long iters = argc > 3 ? std::atol(argv[3]) : 10000000;
    const long expect_rt = static_cast<long>(rt) * (rt + 1) / 2;

    double t0 = bench::now_s();
    long s;
    {
        aio::ThreadPoolExecutor ex(1);
        s = aio::run(round_trips_pool(&ex, rt));
    }
    const double pool_rt_s = rt / (bench::now_s() - t0);
    if (s != expect_rt) return std::fprintf(stderr, "aio executor: wrong sum\n"), 1;

    t0 = bench::now_s();
    s = aio::run(round_trips_to_thread(rt));
    const double to_thread_rt_s = rt / (bench::now_s() - t0);
    if (s != expect_rt) return std::fprintf(stderr, "aio to_thread: wrong sum\n"), 1;

    const int hw = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    double t_by_workers[2];
    long sums[2];
    const int workers[2] = {1, hw};
    for (int k = 0; k < 2; ++k) {
        aio::ThreadPoolExecutor ex(workers[k]);
        t0 = bench::now_s();
        sums[k] = aio::run(cpu_jobs(&ex, jobs, iters));
        t_by_workers[k] = bench::now_s() - t0;
    }
    if (sums[0] != sums[1]) return std::fprintf(stderr, "aio executor: cpu sums differ\n"), 1;

    std::printf("RESULT executor aio rt=%d run_in_executor_rt_per_s=%.0f to_thread_rt_per_s=%.0f "
                "jobs=%d workers=%d t1_s=%.3f tN_s=%.3f speedup=%.2f\n",
                rt, pool_rt_s, to_thread_rt_s, jobs, hw, t_by_workers[0], t_by_workers[1],
                t_by_workers[0] / t_by_workers[1]);
    return 0;
}
