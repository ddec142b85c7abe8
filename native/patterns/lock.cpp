// More of asyncio: asyncio.Lock. A read-modify-write with an await inside loses updates when tasks
// interleave; holding a lock around it makes it correct (and serial).
// Python keeps the counter in a global; the port passes it by reference.
#include <cstdint>

#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> add_one(long& counter, Number delay) {
  // Read, await, write back: another task may write in between.
  long value = counter;
  co_await aio::sleep(delay);  // e.g. a round trip to a database
  counter = value + 1;
}

aio::Coro<> worker(aio::Lock* lock, long& counter, long increments, Number delay) {
  for (long i = 0; i < increments; ++i) {
    if (lock == nullptr) {
      co_await add_one(counter, delay);
    } else {
      auto held = co_await lock->hold();
      co_await add_one(counter, delay);
    }
  }
}

aio::Coro<> count(aio::Lock* lock, long workers, long increments, Number delay) {
  long counter = 0;
  std::vector<aio::Coro<>> all;
  for (long i = 0; i < workers; ++i) all.push_back(worker(lock, counter, increments, delay));
  co_await aio::gather(std::move(all));
  long expected = workers * increments;
  aio::print(std::string(lock == nullptr ? "without" : "with") + " a lock: counter = " + std::to_string(counter) +
             ", expected " + std::to_string(expected));
}

aio::Coro<> main_coro(long workers, long increments, Number delay) {
  co_await count(nullptr, workers, increments, delay);  // updates get lost
  aio::Lock lock;
  co_await count(&lock, workers, increments, delay);  // one add_one() at a time
}

// Without the lock the workers' sleeps overlap: increments delays; with it they run one at a time.
double ideal(const Params& p) {
  auto workers = static_cast<long>(p.number("workers").value);
  auto increments = static_cast<long>(p.number("increments").value);
  std::int64_t one = aio::to_loop_ns(p.number("delay"));
  return workers == 0 ? 0.0 : static_cast<double>(increments * one + workers * increments * one) / 1e9;
}

}  // namespace

extern const Pattern lock{
    .id = "lock",
    .title = "Protecting shared state with a Lock",
    .summary = "Tasks that read a counter, await, then write it back lose updates when they interleave; holding "
               "an asyncio.Lock around the update makes the count right, one update at a time.",
    .group = kMoreGroup,
    .params = {
        {.key = "workers", .label = "Workers", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 100,
         .help = "How many tasks increment the counter."},
        {.key = "increments", .label = "Increments each", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 100,
         .help = "How many times each worker adds one."},
        {.key = "delay", .label = "Await inside (s)", .type = ParamType::number, .default_value = "0.1",
         .min = 0, .max = 30,
         .help = "How long each update sleeps between reading the counter and writing it back."},
    },
    .ideal = ideal,
    .main = [](const Params& p) {
      return main_coro(static_cast<long>(p.number("workers").value), static_cast<long>(p.number("increments").value),
                       p.number("delay"));
    },
};

}  // namespace patterns
