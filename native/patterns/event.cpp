// More of asyncio: asyncio.Event. Workers wait on one event; a single set() releases them all.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> waiter(aio::Event& event, long n) {  // py: async def waiter(event: asyncio.Event, n: int):
  aio::print("worker " + std::to_string(n) + " waiting");
  co_await event.wait();  // py: await event.wait()
  aio::print("worker " + std::to_string(n) + " released");
}

aio::Coro<> main_coro(long workers, Number delay) {  // py: async def main():
  // Create an Event object.
  aio::Event event;

  // Spawn the tasks that wait until 'event' is set.
  std::vector<aio::Task<>> tasks;
  for (long n = 1; n <= workers; ++n) tasks.push_back(aio::create_task(waiter(event, n)));

  // Sleep, then set the event: one set() releases every waiter.
  co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
  aio::print("setting the event");
  event.set();

  // Wait until the waiter tasks are finished.
  co_await aio::gather(tasks);  // py: await asyncio.gather(*tasks)
}

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
    .ideal = [](const Params& p) { return loop_seconds(loop_ns(p.number("delay"))); },
    .main = [](const Params& p) { return main_coro(static_cast<long>(p.number("workers").value), p.number("delay")); },
};

}  // namespace patterns
