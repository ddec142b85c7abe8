// aio (ours) for spawn + gather (the workload is spawn_gather.hpp): wall time and peak RSS growth
// per task, in a fresh process and warm (bench_util.hpp: spawn_gather_main).
#include "bench_util.hpp"
#include "spawn_gather.hpp"

int main(int argc, char** argv) {
    return bench::spawn_gather_main("aio", bench::arg_n(argc, argv, 1000000),
                                    [](long n) -> long { return aio::run(bench::spawn_gather(static_cast<int>(n))); });
}
