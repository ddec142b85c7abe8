// Pattern 5: Using wait() (asyncio.wait), then cancelling what is still pending.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<std::string> task(Number n) {  // py: async def task(n: int):
  co_await aio::sleep(n);  // py: await asyncio.sleep(n)
  co_return "Task " + n.str();
}

aio::ReturnWhen return_when_of(const std::string& s) {
  if (s == "FIRST_COMPLETED") return aio::FIRST_COMPLETED;
  if (s == "FIRST_EXCEPTION") return aio::FIRST_EXCEPTION;
  return aio::ALL_COMPLETED;
}

aio::Coro<> wait_example(std::vector<Number> delays, aio::ReturnWhen return_when, std::optional<Number> timeout) {  // py: async def wait_example():
  // Wait for tasks with different strategies.
  std::vector<aio::Task<std::string>> tasks;
  for (const auto& i : delays) tasks.push_back(aio::create_task(task(i)));

  std::optional<double> seconds;
  if (timeout) seconds = timeout->value;
  auto [done, pending] = co_await aio::wait(tasks, return_when, seconds);  // py: done, pending = await asyncio.wait(

  for (auto& t : done) aio::print("First completed: " + t.result());

  // Cancel remaining
  for (auto& t : pending) t.cancel();
}

double ideal(const Params& p) {
  auto delays = p.list("delays");
  if (delays.empty()) return 0;
  double first = delays[0].value, last = delays[0].value;
  for (const auto& d : delays) {
    first = std::min(first, d.value);
    last = std::max(last, d.value);
  }
  double t = p.text("return_when") == "FIRST_COMPLETED" ? first : last;
  if (auto timeout = p.optional_number("timeout")) t = std::min(t, timeout->value);
  return t;
}

}  // namespace

extern const Pattern wait{
    .id = "wait",
    .title = "Using wait()",
    .summary = "wait() returns the done and pending tasks once its condition holds (first completed, first "
               "exception or all), or at the timeout; here the pending ones are then cancelled.",
    .group = kSeedGroup,
    .params = {
        {.key = "delays", .label = "Task delays (s)", .type = ParamType::list, .default_value = "1,2,3",
         .min = 0, .max = 30, .max_items = 20,
         .help = "One task per delay; each returns \"Task <delay>\"."},
        {.key = "return_when", .label = "Return when", .type = ParamType::choice, .default_value = "FIRST_COMPLETED",
         .choices = {"FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"},
         .help = "When wait() returns."},
        {.key = "timeout", .label = "Timeout (s)", .type = ParamType::number, .default_value = "none",
         .min = 0, .max = 30, .optional = true,
         .help = "Return after this long at the latest (none: no timeout)."},
    },
    .ideal = ideal,
    .main = [](const Params& p) {
      return wait_example(p.list("delays"), return_when_of(p.text("return_when")), p.optional_number("timeout"));
    },
};

}  // namespace patterns
