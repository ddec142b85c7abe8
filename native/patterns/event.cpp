// More of asyncio: asyncio.Event. Workers wait on one event; a single set() releases them all.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> waiter(aio::Event& event, long n) {
  aio::print("worker " + std::to_string(n) + " waiting");
  co_await event.wait();
  aio::print("worker " + std::to_string(n) + " released");
}

aio::Coro<> main_coro(long workers, Number delay) {
  // Create an Event object.
  aio::Event event;

  // Spawn the tasks that wait until 'event' is set.
  std::vector<aio::Task<>> tasks;
  for (long n = 1; n <= workers; ++n) tasks.push_back(aio::create_task(waiter(event, n)));

  // Sleep, then set the event: one set() releases every waiter.
  co_await aio::sleep(delay);
  aio::print("setting the event");
  event.set();

  // Wait until the waiter tasks are finished.
  co_await aio::gather(tasks);
}

// A delay as the loop's clock counts it (whole nanoseconds), so that elapsed == ideal exactly.
double on_loop_clock(double seconds) { return static_cast<double>(aio::to_loop_ns(seconds)) / 1e9; }

}  // namespace

extern const Pattern event{
    .id = "event",
    .title = "Waking tasks with an Event",
    .summary = "Every worker waits on one asyncio.Event; a single set() releases them all at once.",
    .group = kMoreGroup,
    .params = {
        {.key = "workers", .label = "Workers", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 100,
         .help = "How many tasks wait on the event."},
        {.key = "delay", .label = "Delay before set() (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long main sleeps before setting the event."},
    },
    .ideal = [](const Params& p) { return on_loop_clock(p.number("delay")); },
    .main = [](const Params& p) { return main_coro(static_cast<long>(p.number("workers").value), p.number("delay")); },
};

}  // namespace patterns
