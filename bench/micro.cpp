// Google Benchmark micro-benchmarks of aio's hot paths. Each benchmark runs one aio::run whose
// main coroutine holds the benchmark loop, so loop creation is not part of the figure.
//   BM_await_coro        co_await of a Coro that returns at once (no task, no loop turn)
//   BM_sleep0            one aio::sleep(0): a full loop turn of one task
//   BM_create_task_await create_task of a Coro that returns at once, then co_await the Task
//   BM_gather_1k         create 1,000 such tasks and gather them (items = tasks)
#include <aio/aio.hpp>
#include <benchmark/benchmark.h>

#include <vector>

static aio::Coro<int> leaf(int i) { co_return i; }

static aio::Coro<void> await_coro_body(benchmark::State& state) {
    int i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(co_await leaf(++i));
}
static void BM_await_coro(benchmark::State& state) { aio::run(await_coro_body(state)); }
BENCHMARK(BM_await_coro);

static aio::Coro<void> sleep0_body(benchmark::State& state) {
    for (auto _ : state) co_await aio::sleep(0);
}
static void BM_sleep0(benchmark::State& state) { aio::run(sleep0_body(state)); }
BENCHMARK(BM_sleep0);

static aio::Coro<void> create_task_await_body(benchmark::State& state) {
    int i = 0;
    for (auto _ : state) {
        aio::Task<int> t = aio::create_task(leaf(++i));
        benchmark::DoNotOptimize(co_await t);
    }
}
static void BM_create_task_await(benchmark::State& state) { aio::run(create_task_await_body(state)); }
BENCHMARK(BM_create_task_await);

static aio::Coro<void> gather_body(benchmark::State& state, int n) {
    for (auto _ : state) {
        std::vector<aio::Task<int>> tasks;
        tasks.reserve(n);
        for (int i = 0; i < n; ++i) tasks.push_back(aio::create_task(leaf(i)));
        std::vector<int> r = co_await aio::gather(std::move(tasks));
        benchmark::DoNotOptimize(r.data());
    }
    state.SetItemsProcessed(state.iterations() * n);
}
static void BM_gather_1k(benchmark::State& state) { aio::run(gather_body(state, 1000)); }
BENCHMARK(BM_gather_1k);

BENCHMARK_MAIN();
