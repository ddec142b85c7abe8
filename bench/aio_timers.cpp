// aio (ours) for timers: N concurrent tasks, task i sleeps until i/N seconds after the run's start
// (asyncio's idiom for a deadline: sleep(deadline - loop.time())), so the deadlines are spread evenly
// over one second; one parent gathers them. The figure is the total wall time of the run (ideal: 1 s);
// the excess is how late the last timers fire: creating, arming and firing N timers must keep up.
#include <aio/aio.hpp>

#include <vector>

#include "bench_util.hpp"

static aio::Coro<int> sleeper(double deadline, int i) {
    co_await aio::sleep(deadline - aio::EventLoop::current().time());
    co_return i;
}

static aio::Coro<long> parent(int n) {
    const double start = aio::EventLoop::current().time();
    std::vector<aio::Task<int>> tasks;
    tasks.reserve(n);
    for (int i = 0; i < n; ++i)
        tasks.push_back(aio::create_task(sleeper(start + static_cast<double>(i) / n, i)));
    std::vector<int> r = co_await aio::gather(std::move(tasks));
    long sum = 0;
    for (int v : r) sum += v;
    co_return sum;
}

int main(int argc, char** argv) {
    return bench::timers_main("aio", bench::arg_n(argc, argv, 1000000),
                              [](long n) -> long { return aio::run(parent(static_cast<int>(n))); });
}
