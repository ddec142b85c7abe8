// Pattern 10: Limiting concurrency with a semaphore (asyncio.Semaphore).
// Every request starts at once, but only `limit` of them get past `async with sem`; the rest wait.
#include "registry.hpp"

namespace patterns {
namespace {

long in_flight = 0;  // requests holding the semaphore right now

aio::Coro<> request(long n, aio::Semaphore& sem, Number delay) {
  // One request: at most `limit` of them run at a time.
  if (sem.locked()) aio::print("Request " + std::to_string(n) + ": waiting");
  {
    auto held = co_await sem.hold();  // async with sem
    in_flight += 1;
    aio::print("Request " + std::to_string(n) + ": started (" + std::to_string(in_flight) + " in flight)");
    co_await aio::sleep(delay);
    in_flight -= 1;
    aio::print("Request " + std::to_string(n) + ": done");
  }
}

aio::Coro<> main_coro(long requests, long limit, Number delay) {
  in_flight = 0;  // a new run (Python starts a new process)
  aio::Semaphore sem(limit);
  std::vector<aio::Coro<>> all;
  for (long n = 1; n <= requests; ++n) all.push_back(request(n, sem, delay));
  co_await aio::gather(std::move(all));
  aio::print("All " + std::to_string(requests) + " requests done");
}

}  // namespace

extern const Pattern semaphore{
    .id = "semaphore",
    .title = "Limiting concurrency with a semaphore",
    .summary = "Every request starts at once, but Semaphore(limit) lets only that many in at a time: the "
               "others wait until one leaves.",
    .group = kMoreGroup,
    .params = {
        {.key = "requests", .label = "Requests", .type = ParamType::integer, .default_value = "5",
         .min = 0, .max = 100,
         .help = "How many requests start at once."},
        {.key = "limit", .label = "Limit", .type = ParamType::integer, .default_value = "2",
         .min = 1, .max = 10,
         .help = "The semaphore's value: at most this many requests in flight."},
        {.key = "delay", .label = "Request time (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long each request takes."},
    },
    .ideal = [](const Params& p) {
      // The requests go through in rounds of `limit`, each round one delay long.
      long requests = static_cast<long>(p.number("requests").value);
      long limit = static_cast<long>(p.number("limit").value);
      long rounds = (requests + limit - 1) / limit;
      return static_cast<double>(rounds * aio::to_loop_ns(p.number("delay"))) / 1e9;
    },
    .main = [](const Params& p) {
      return main_coro(static_cast<long>(p.number("requests").value), static_cast<long>(p.number("limit").value),
                       p.number("delay"));
    },
};

}  // namespace patterns
