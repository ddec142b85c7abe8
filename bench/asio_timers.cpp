// Asio peer for timers: N coroutines co_spawned on one io_context, coroutine i waits on its
// own steady_timer that expires i/N seconds after the start (an absolute deadline); the last one
// to finish ends the run. Figure: total wall time (ideal: 1 s).
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench_util.hpp"

static asio::awaitable<int> sleeper(std::chrono::steady_clock::time_point deadline, int i) {
    asio::steady_timer t(co_await asio::this_coro::executor, deadline);
    co_await t.async_wait(asio::use_awaitable);
    co_return i;
}

int main(int argc, char** argv) {
    const long n = bench::arg_n(argc, argv, 1000000);
    bench::reset_peak_rss();
    const long long rss0 = bench::peak_rss_bytes();
    const double t0 = bench::now_s();
    long sum = 0;
    {
        asio::io_context ctx(1);
        const auto start = std::chrono::steady_clock::now();
        for (long i = 0; i < n; ++i) {
            auto d = start + std::chrono::nanoseconds(static_cast<long long>(1e9 * double(i) / n));
            asio::co_spawn(ctx, sleeper(d, static_cast<int>(i)), [&](std::exception_ptr e, int v) {
                if (e) std::rethrow_exception(e);
                sum += v;
            });
        }
        ctx.run();
    }
    const double t1 = bench::now_s();
    const long long rss1 = bench::peak_rss_bytes();
    if (sum != n * (n - 1) / 2) {
        std::fprintf(stderr, "asio timers: wrong sum %ld\n", sum);
        return 1;
    }
    std::printf("RESULT timers asio n=%ld wall_s=%.3f bytes_per_timer=%.1f\n", n, t1 - t0,
                double(rss1 - rss0) / n);
    return 0;
}
