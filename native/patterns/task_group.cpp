// Pattern 6: Task groups (asyncio.TaskGroup, Python 3.11+).
// Leaving the group waits for all its tasks; a failing task would cancel the others.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<Number> task(Number n, Number delay) {  // py: async def task(n: int):
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  co_return n.times(2);
}

aio::Coro<> task_group_example(std::vector<Number> values, Number delay) {  // py: async def task_group_example():
  // Use task groups for automatic cleanup.
  std::vector<aio::Task<Number>> tasks;
  co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {  // py: async with asyncio.TaskGroup() as tg:
    for (const auto& n : values) tasks.push_back(tg.create_task(task(n, delay)));
    co_return;
  });

  // All tasks completed here
  std::string line;
  for (auto& t : tasks) line += (line.empty() ? "" : " ") + t.result().str();
  aio::print(line);
}

}  // namespace

extern const Pattern task_group{
    .id = "task-group",
    .title = "Task groups",
    .summary = "A TaskGroup owns its tasks: leaving the group waits for every one of them, and a failure would "
               "cancel the rest.",
    .group = kSeedGroup,
    .params = {
        {.key = "values", .label = "Values", .type = ParamType::list, .default_value = "1,2,3",
         .min = -1e6, .max = 1e6, .max_items = 20,
         .help = "One task per value; each returns value * 2."},
        {.key = "delay", .label = "Task delay (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long each task sleeps."},
    },
    .ideal = [](const Params& p) { return p.list("values").empty() ? 0.0 : p.number("delay").value; },
    .main = [](const Params& p) { return task_group_example(p.list("values"), p.number("delay")); },
};

}  // namespace patterns
