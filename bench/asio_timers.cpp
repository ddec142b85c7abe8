// Asio peer for timers: N coroutines co_spawned on one io_context, coroutine i waits on its
// own steady_timer that expires i/N seconds after the start (an absolute deadline); the last one
// to finish ends the run. Figure: total wall time (ideal: 1 s).
#include <asio.hpp>
#include <chrono>

#include "bench_util.hpp"

static asio::awaitable<int> sleeper(std::chrono::steady_clock::time_point deadline, int i) {
    asio::steady_timer t(co_await asio::this_coro::executor, deadline);
    co_await t.async_wait(asio::use_awaitable);
    co_return i;
}

// One whole run: every timer set, the io_context run until the last fires.
static long run_once(long n) {
    long sum = 0;
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
    return sum;
}

int main(int argc, char** argv) {
    return bench::timers_main("asio", bench::arg_n(argc, argv, 1000000), run_once);
}
