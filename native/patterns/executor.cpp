// Pattern 8: Running synchronous code (loop.run_in_executor).
// A blocking call goes to a worker (a thread natively, a Web Worker in the browser), so the loop stays free.
#include "registry.hpp"

namespace patterns {
namespace {

std::string blocking_io(double delay) {
  // Blocking I/O operation.
  aio::blocking_sleep(delay);  // time.sleep(delay)
  return "Result";
}

[[maybe_unused]] const bool named = (aio::register_job_name(reinterpret_cast<const void*>(&blocking_io), "blocking_io"), true);

aio::Coro<std::string> run_blocking_in_executor(double delay) {  // py: async def run_blocking_in_executor():
  // Run in default executor (ThreadPoolExecutor)
  auto result = co_await aio::run_in_executor(nullptr, &blocking_io, delay);  // py: result = await loop.run_in_executor(None, blocking_io)
  co_return result;
}

aio::Coro<std::string> run_with_custom_executor(double delay, int workers) {  // py: async def run_with_custom_executor():
  // Use custom executor
  aio::ThreadPoolExecutor executor(workers);
  auto result = co_await aio::run_in_executor(&executor, &blocking_io, delay);  // py: result = await loop.run_in_executor(executor, blocking_io)
  co_return result;
}

aio::Coro<> main_coro(Number delay, int workers) {  // py: -
  aio::print(co_await run_blocking_in_executor(delay));  // py: print(asyncio.run(run_blocking_in_executor()))
  aio::print(co_await run_with_custom_executor(delay, workers));  // py: print(asyncio.run(run_with_custom_executor()))
}

}  // namespace

extern const Pattern executor{
    .id = "executor",
    .title = "Running synchronous code",
    .summary = "A blocking call runs in an executor's worker, first the default pool, then a pool of its own, "
               "so the event loop is never blocked.",
    .group = kSeedGroup,
    .params = {
        {.key = "delay", .label = "Blocking call (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long blocking_io() blocks."},
        {.key = "workers", .label = "Workers", .type = ParamType::integer, .default_value = "5",
         .min = 1, .max = 32,
         .help = "max_workers of the custom executor."},
    },
    .ideal = [](const Params& p) { return 2 * p.number("delay").value; },
    .main = [](const Params& p) { return main_coro(p.number("delay"), static_cast<int>(p.number("workers").value)); },
};

}  // namespace patterns
