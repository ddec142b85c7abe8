// aio (ours) for spawn + gather: N tasks created with aio::create_task, each awaits
// aio::sleep(0) once (one loop turn) and returns its index; one parent gathers them.
#include <aio/aio.hpp>

#include <cstdio>
#include <vector>

#include "bench_util.hpp"

static aio::Coro<int> child(int i) {
    co_await aio::sleep(0);
    co_return i;
}

static aio::Coro<long> parent(int n) {
    std::vector<aio::Task<int>> tasks;
    tasks.reserve(n);
    for (int i = 0; i < n; ++i) tasks.push_back(aio::create_task(child(i)));
    std::vector<int> r = co_await aio::gather(std::move(tasks));
    long sum = 0;
    for (int v : r) sum += v;
    co_return sum;
}

int main(int argc, char** argv) {
    const long n = bench::arg_n(argc, argv, 1000000);
    bench::reset_peak_rss();
    const long long rss0 = bench::peak_rss_bytes();
    const double t0 = bench::now_s();
    const long sum = aio::run(parent(static_cast<int>(n)));
    const double t1 = bench::now_s();
    const long long rss1 = bench::peak_rss_bytes();
    const long expect = n * (n - 1) / 2;
    if (sum != expect) {
        std::fprintf(stderr, "aio: wrong sum %ld, expected %ld\n", sum, expect);
        return 1;
    }
    std::printf("RESULT spawn_gather aio n=%ld ns_per_task=%.1f bytes_per_task=%.1f\n", n,
                (t1 - t0) * 1e9 / n, double(rss1 - rss0) / n);
    return 0;
}
