// More of asyncio: a task that fails inside a TaskGroup (asyncio.TaskGroup and except*, Python 3.11+).
// The first error cancels the other tasks; the group raises an ExceptionGroup, which split() takes
// apart by type as `except* ValueError` does.
#include <algorithm>
#include <stdexcept>

#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> work(long n, Number delay, long fail) {  // py: async def work(n: int, delay: float):
  try {
    co_await aio::sleep(delay);  // py: await asyncio.sleep(delay)
  } catch (const aio::CancelledError&) {
    aio::print("task " + std::to_string(n) + " cancelled");
    throw;
  }
  if (n == fail) throw std::invalid_argument("task " + std::to_string(n) + " failed");  // ValueError
  aio::print("task " + std::to_string(n) + " done");
}

aio::Coro<> main_coro(std::vector<Number> delays, long fail) {  // py: async def main():
  // One task fails: the group cancels the others and raises an ExceptionGroup.
  try {
    co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {  // py: async with asyncio.TaskGroup() as tg:
      long n = 1;
      for (const auto& delay : delays) tg.create_task(work(n++, delay, fail));
      co_return;
    });
    aio::print("all tasks done");
  } catch (const aio::ExceptionGroup& group) {  // except* ValueError as eg:
    auto [eg, rest] = group.split<std::invalid_argument>();
    if (eg) aio::print("caught " + aio::py_repr(*eg));
    if (rest) throw *rest;  // what no except* clause matched propagates
  }
}

// The group ends when the failing task raises, or, if none fails, when the slowest task is done.
double ideal(const Params& p) {
  auto delays = p.list("delays");
  auto fail = static_cast<long>(p.number("fail").value);
  if (fail >= 1 && fail <= static_cast<long>(delays.size())) return loop_seconds(loop_ns(delays[fail - 1]));
  double slowest = 0;
  for (const auto& d : delays) slowest = std::max(slowest, loop_seconds(loop_ns(d)));
  return slowest;
}

}  // namespace

extern const Pattern task_group_error{
    .id = "task-group-error",
    .title = "A failing task in a TaskGroup",
    .summary = "When one task of a TaskGroup raises, the group cancels the others and raises an ExceptionGroup, "
               "which except* takes apart by exception type.",
    .group = kMoreGroup,
    .params = {
        {.key = "delays", .label = "Task delays (s)", .type = ParamType::list, .default_value = "1,2,3",
         .min = 0, .max = 30, .max_items = 20,
         .help = "One task per delay; task n sleeps the n-th delay."},
        {.key = "fail", .label = "Failing task", .type = ParamType::integer, .default_value = "2",
         .min = 0, .max = 20,
         .help = "Which task raises ValueError when its sleep ends (0, or past the last task: none)."},
    },
    .ideal = ideal,
    .main = [](const Params& p) { return main_coro(p.list("delays"), static_cast<long>(p.number("fail").value)); },
};

}  // namespace patterns
