// Pattern 4: Using as_completed() (asyncio.as_completed).
// Results are processed in the order the tasks finish, not the order they were started.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<std::string> task_with_varying_delays(long n, long tasks) {  // py: async def task_with_varying_delays(n: int):
  // Task 1 sleeps longest, the last task not at all.
  long delay = tasks - n;
  co_await aio::sleep(static_cast<double>(delay));  // py: await asyncio.sleep(delay)
  co_return "Task " + std::to_string(n) + " completed (delay: " + std::to_string(delay) + "s)";
}

aio::Coro<> process_as_completed(long count) {  // py: async def process_as_completed():
  // Process tasks as they complete.
  std::vector<aio::Coro<std::string>> tasks;
  for (long i = 1; i <= count; ++i) tasks.push_back(task_with_varying_delays(i, count));

  for (auto coro : aio::as_completed(std::move(tasks))) {
    auto result = co_await coro;  // py: result = await coro
    aio::print(result);  // Prints in completion order (n, ..., 2, 1)
  }
}

}  // namespace

extern const Pattern as_completed{
    .id = "as-completed",
    .title = "Using as_completed()",
    .summary = "as_completed() hands back results in the order the tasks finish: task n sleeps (tasks - n) s, so "
               "the last one started is the first one done.",
    .group = kSeedGroup,
    .params = {
        {.key = "tasks", .label = "Tasks", .type = ParamType::integer, .default_value = "5",
         .min = 0, .max = 60,
         .help = "How many tasks; task n sleeps (tasks - n) s."},
    },
    .ideal = [](const Params& p) { return std::max(0.0, p.number("tasks").value - 1); },
    .main = [](const Params& p) { return process_as_completed(static_cast<long>(p.number("tasks").value)); },
};

}  // namespace patterns
