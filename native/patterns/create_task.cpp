// Pattern 1: Task creation and management (asyncio.create_task).
// create_task schedules a task and returns at once; it first runs when main yields at its sleep.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<std::string> background_task(std::string name, Number delay) {  // py: async def background_task(name: str, delay: int):
  // Long-running background task.
  aio::print(name + " started");
  co_await aio::sleep(delay);  // py: await asyncio.sleep(delay)
  aio::print(name + " completed");
  co_return "Result from " + name;
}

aio::Coro<> main_coro(Number delay1, Number delay2, Number work) {  // py: async def main():
  // Create tasks
  auto task1 = aio::create_task(background_task("Task 1", delay1));
  auto task2 = aio::create_task(background_task("Task 2", delay2));

  // Do other work
  aio::print("Main: doing other work");
  co_await aio::sleep(work);  // py: await asyncio.sleep(P["work"])

  // Wait for tasks
  auto result1 = co_await task1;  // py: result1 = await task1
  auto result2 = co_await task2;  // py: result2 = await task2

  aio::print("Results: " + result1 + ", " + result2);
}

}  // namespace

extern const Pattern create_task{
    .id = "create-task",
    .title = "Task creation and management",
    .summary = "create_task() schedules a coroutine and returns at once; the tasks start when main first yields, "
               "and run while main does other work.",
    .group = kSeedGroup,
    .params = {
        {.key = "delay1", .label = "Task 1 delay (s)", .type = ParamType::number, .default_value = "2",
         .min = 0, .max = 30,
         .help = "How long Task 1 sleeps."},
        {.key = "delay2", .label = "Task 2 delay (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long Task 2 sleeps."},
        {.key = "work", .label = "Main's other work (s)", .type = ParamType::number, .default_value = "0.5",
         .min = 0, .max = 30,
         .help = "How long main sleeps before awaiting."},
    },
    .ideal =
        [](const Params& p) {
          return std::max({p.number("work").value, p.number("delay1").value, p.number("delay2").value});
        },
    .main = [](const Params& p) { return main_coro(p.number("delay1"), p.number("delay2"), p.number("work")); },
};

}  // namespace patterns
