// Pattern 3: Sequential vs concurrent execution, timed (the seed's "Timing Comparison").
// Awaiting one task after another adds their delays; gathering them takes the longest one.
#include <cstdio>

#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<long> task(long n, Number delay) {  // py: async def task(n: int):
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  co_return n;
}

std::string seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2fs", s);  // Python's f"{s:.2f}s"
  return buf;
}

aio::Coro<> compare_timing(long tasks, Number delay) {  // py: async def compare_timing():
  auto& loop = aio::EventLoop::current();
  // Sequential: ~tasks * delay seconds
  double start = loop.time();
  for (long i = 1; i <= tasks; ++i) co_await task(i, delay);  // py: await task(n)
  aio::print("Sequential: " + seconds(loop.time() - start));

  // Concurrent: ~delay seconds
  start = loop.time();
  std::vector<aio::Coro<long>> all;
  for (long i = 1; i <= tasks; ++i) all.push_back(task(i, delay));
  co_await aio::gather(std::move(all));  // py: results = await asyncio.gather(*(task(n) for n in range(1, P["tasks"] + 1)))
  aio::print("Concurrent: " + seconds(loop.time() - start));
}

}  // namespace

extern const Pattern timing{
    .id = "timing",
    .title = "Sequential vs concurrent execution",
    .summary = "The same tasks awaited one after another, then gathered: sequential time adds up, concurrent time "
               "is the longest task.",
    .group = kSeedGroup,
    .params = {
        {.key = "tasks", .label = "Tasks", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 1000,
         .help = "How many tasks each way."},
        {.key = "delay", .label = "Task delay (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long each task sleeps."},
    },
    .ideal = [](const Params& p) {
      // tasks sleeps one after the other, then one round of them side by side.
      const auto n = static_cast<std::int64_t>(p.number("tasks").value);
      return n > 0 ? loop_seconds((n + 1) * loop_ns(p.number("delay"))) : 0.0;
    },
    .main =
        [](const Params& p) { return compare_timing(static_cast<long>(p.number("tasks").value), p.number("delay")); },
};

}  // namespace patterns
