// aio (ours) for spawn + gather (the workload is spawn_gather.hpp): wall time and peak RSS growth
// per task.
#include <cstdio>

#include "bench_util.hpp"
#include "spawn_gather.hpp"

int main(int argc, char** argv) {
    const long n = bench::arg_n(argc, argv, 1000000);
    bench::reset_peak_rss();
    const long long rss0 = bench::peak_rss_bytes();
    const double t0 = bench::now_s();
    const long sum = aio::run(bench::spawn_gather(static_cast<int>(n)));
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
