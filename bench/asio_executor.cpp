// Asio peer for the executor benchmarks: an io_context on the main thread (the "loop") and an
// asio::thread_pool (the executor). run_on(pool, fn, x) is the canonical Asio composition:
// post the call to the pool, then post the result back to the caller's executor.
//  1. round trips: `rt` trivial jobs awaited one after another from a coroutine on the
//     io_context, pool of 1 thread. Figure: round trips per second.
//  2. speed-up: `jobs` CPU-bound jobs started together, completion counted on the io_context,
//     with a pool of 1 thread, then of N = hardware threads. Figure: t(1) / t(N).
// Usage: asio_executor [rt=20000] [jobs=32] [iters=10000000]
#include <asio.hpp>
#include <cstdio>
#include <thread>

#include "bench_jobs.hpp"
#include "bench_util.hpp"

template <class R, class A, class Token>
auto run_on(asio::thread_pool& pool, R (*fn)(A), A x, Token&& token) {
    return asio::async_initiate<Token, void(R)>(
        [&pool, fn](auto handler, A x) {
            asio::post(pool, [h = std::move(handler), fn, x]() mutable {
                R r = fn(x);
                auto ex = asio::get_associated_executor(h);
                asio::post(ex, [h = std::move(h), r]() mutable { std::move(h)(r); });
            });
        },
        token, x);
}

static asio::awaitable<long> round_trips(asio::thread_pool& pool, int rt) {
    long s = 0;
    for (int i = 0; i < rt; ++i) s += co_await run_on(pool, &bench::trivial, i, asio::use_awaitable);
    co_return s;
}

int main(int argc, char** argv) {
    const int rt = argc > 1 ? std::atoi(argv[1]) : 20000;
    const int jobs = argc > 2 ? std::atoi(argv[2]) : 32;
    const long iters = argc > 3 ? std::atol(argv[3]) : 10000000;

    double t0 = bench::now_s();
    long s = -1;
    {
        asio::io_context ctx(1);
        asio::thread_pool pool(1);
        asio::co_spawn(ctx, round_trips(pool, rt), [&](std::exception_ptr e, long v) {
            if (e) std::rethrow_exception(e);
            s = v;
        });
        ctx.run();
        pool.join();
    }
    const double rt_per_s = rt / (bench::now_s() - t0);
    if (s != static_cast<long>(rt) * (rt + 1) / 2) return std::fprintf(stderr, "asio: wrong sum\n"), 1;

    const int hw = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
    const int workers[2] = {1, hw};
    double t[2];
    long sums[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        asio::io_context ctx(1);
        asio::thread_pool pool(workers[k]);
        auto guard = asio::make_work_guard(ctx);
        int remaining = jobs;
        t0 = bench::now_s();
        for (int j = 0; j < jobs; ++j)
            run_on(pool, &bench::spin, iters, asio::bind_executor(ctx, [&](long v) {
                       sums[k] += v;
                       if (--remaining == 0) guard.reset();
                   }));
        ctx.run();
        t[k] = bench::now_s() - t0;
        pool.join();
    }
    if (sums[0] != sums[1]) return std::fprintf(stderr, "asio: cpu sums differ\n"), 1;
    std::printf("RESULT executor asio rt=%d run_in_executor_rt_per_s=%.0f jobs=%d workers=%d "
                "t1_s=%.3f tN_s=%.3f speedup=%.2f\n",
                rt, rt_per_s, jobs, hw, t[0], t[1], t[0] / t[1]);
    return 0;
}
