// The spawn + gather workload, one source for the native program (aio_spawn_gather.cpp) and the
// browser benchmark (native/bindings/bindings.cpp, aio_bench_spawn_gather): N tasks created with
// aio::create_task each await aio::sleep(0) once (one loop turn) and return their index; one parent
// gathers them and returns the sum of the results, n(n-1)/2, which the caller checks.
#pragma once

#include <aio/aio.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace bench {

inline aio::Coro<int> spawn_child(int i) {
    co_await aio::sleep(0);
    co_return i;
}

inline aio::Coro<std::int64_t> spawn_gather(int n) {
    std::vector<aio::Task<int>> tasks;
    tasks.reserve(n);
    for (int i = 0; i < n; ++i) tasks.push_back(aio::create_task(spawn_child(i)));
    std::vector<int> r = co_await aio::gather(std::move(tasks));
    std::int64_t sum = 0;  // 64 bits on wasm32 too, where long has 32
    for (int v : r) sum += v;
    co_return sum;
}

}  // namespace bench
