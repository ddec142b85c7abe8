// Asio peer for spawn + gather: one io_context on one thread, co_spawn per task of an
// awaitable that yields once through the executor (`co_await asio::post(ex, use_awaitable)`,
// Asio's equivalent of sleep(0)) and returns its index. The parent coroutine spawns them all,
// then waits on a timer that the last completion handler cancels (Asio has no gather), and
// collects the results the completion handlers stored in a vector.
#include <asio.hpp>
#include <vector>

#include "bench_util.hpp"

static asio::awaitable<int> child(int i) {
    auto ex = co_await asio::this_coro::executor;
    co_await asio::post(ex, asio::use_awaitable);
    co_return i;
}

static asio::awaitable<long> parent(int n) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<int> results(n);
    int remaining = n;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    for (int i = 0; i < n; ++i) {
        asio::co_spawn(ex, child(i), [&, i](std::exception_ptr e, int v) {
            if (e) std::rethrow_exception(e);
            results[i] = v;
            if (--remaining == 0) done.cancel();
        });
    }
    if (remaining > 0) {
        asio::error_code ec;
        co_await done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    long sum = 0;
    for (int v : results) sum += v;
    co_return sum;
}

// One whole run on an io_context of its own.
static long run_once(long n) {
    long sum = -1;
    asio::io_context ctx(1);  // concurrency hint: one thread runs it
    asio::co_spawn(ctx, parent(static_cast<int>(n)), [&](std::exception_ptr e, long s) {
        if (e) std::rethrow_exception(e);
        sum = s;
    });
    ctx.run();
    return sum;
}

int main(int argc, char** argv) {
    return bench::spawn_gather_main("asio", bench::arg_n(argc, argv, 1000000), run_once);
}
