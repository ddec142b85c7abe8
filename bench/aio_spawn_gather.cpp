// aio (ours) for spawn + gather (the workload is spawn_gather.hpp): wall time and peak RSS growth
// per task, then the same workload again in this process (warm_ns_per_task): the frames come from
// the pool the first run filled, on memory already backed. On a VM whose balloon reports free pages
// to the host, a fresh process's first touch of memory another process freed seconds before costs
// the hypervisor's faults too (up to 4x the figure here); the warm figure is the scheduler's alone.
#include <cstdio>

#include "bench_util.hpp"
#include "spawn_gather.hpp"

int main(int argc, char** argv) {
    const long n = bench::arg_n(argc, argv, 1000000);
    const long expect = n * (n - 1) / 2;
    bench::reset_peak_rss();
    const long long rss0 = bench::peak_rss_bytes();
    const double t0 = bench::now_s();
    const long sum = aio::run(bench::spawn_gather(static_cast<int>(n)));
    const double t1 = bench::now_s();
    const long long rss1 = bench::peak_rss_bytes();
    const long warm_sum = aio::run(bench::spawn_gather(static_cast<int>(n)));
    const double t2 = bench::now_s();
    if (sum != expect || warm_sum != expect) {
        std::fprintf(stderr, "aio: wrong sums %ld and %ld, expected %ld\n", sum, warm_sum, expect);
        return 1;
    }
    std::printf("RESULT spawn_gather aio n=%ld ns_per_task=%.1f bytes_per_task=%.1f warm_ns_per_task=%.1f\n", n,
                (t1 - t0) * 1e9 / n, double(rss1 - rss0) / n, (t2 - t1) * 1e9 / n);
    return 0;
}
