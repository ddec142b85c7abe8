// Pattern 9: Producers and consumers (asyncio.Queue).
// A bounded queue makes fast producers wait for slow consumers (backpressure); join() waits until every
// item is processed, and the consumers, which loop forever, are then cancelled.
#include <deque>

#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> producer(std::string name, aio::Queue<long>& queue, std::deque<long>& todo, Number produce) {
  while (!todo.empty()) {  // the producers share one to-do list of item numbers
    long n = todo.front();
    todo.pop_front();
    co_await aio::sleep(produce);  // making an item takes a while
    if (queue.full()) aio::print(name + ": queue full, waiting to put item " + std::to_string(n));
    co_await queue.put(n);  // waits while the queue is full: backpressure
    aio::print(name + ": put item " + std::to_string(n) + " (" + std::to_string(queue.qsize()) + " queued)");
  }
}

aio::Coro<> consumer(std::string name, aio::Queue<long>& queue, Number consume) {
  while (true) {
    long n = co_await queue.get();  // waits while the queue is empty
    aio::print(name + ": got item " + std::to_string(n));
    co_await aio::sleep(consume);  // working on it
    queue.task_done();
  }
}

aio::Coro<> main_coro(long producer_count, long consumer_count, long items, long maxsize, Number produce,
                      Number consume) {
  aio::Queue<long> queue(static_cast<std::size_t>(maxsize));
  std::vector<aio::Task<>> consumers;
  for (long i = 1; i <= consumer_count; ++i)
    consumers.push_back(aio::create_task(consumer("C" + std::to_string(i), queue, consume)));
  std::deque<long> todo;
  for (long n = 1; n <= items; ++n) todo.push_back(n);
  std::vector<aio::Coro<>> producers;
  for (long i = 1; i <= producer_count; ++i)
    producers.push_back(producer("P" + std::to_string(i), queue, todo, produce));
  co_await aio::gather(std::move(producers));
  aio::print("main: all items produced");
  co_await queue.join();  // until every item got its task_done()
  aio::print("main: all items consumed");
  for (auto& c : consumers) c.cancel();  // the consumers loop forever: stop them
  co_await aio::gather(consumers, aio::return_exceptions);
  aio::print("main: consumers cancelled");
}

// The loop time at which the last item is processed: the queue's timeline replayed, every hand-off
// between a producer, the queue and a consumer taking no time (as on the loop). Producers are alike
// (they share the to-do list), and so are consumers: which one goes first at a given time does not
// change when things happen.
double ideal(const Params& p) {
  const long producers = static_cast<long>(p.number("producers").value);
  const long consumers = static_cast<long>(p.number("consumers").value);
  const long maxsize = static_cast<long>(p.number("maxsize").value);
  const std::int64_t produce = aio::to_loop_ns(p.number("produce")), consume = aio::to_loop_ns(p.number("consume"));
  long todo = static_cast<long>(p.number("items").value), queued = 0;
  std::vector<std::int64_t> made;  // when each producer's item in hand is made (one item each)
  for (long j = 0; j < producers && todo > 0; ++j, --todo) made.push_back(produce);
  std::vector<std::int64_t> idle_at(consumers, 0);  // when each consumer is free again
  std::int64_t t = 0, end = 0;
  while (true) {
    for (bool moved = true; moved;) {  // everything that can happen at time t
      moved = false;
      for (std::size_t j = 0; j < made.size(); ++j)
        if (made[j] <= t && (maxsize == 0 || queued < maxsize)) {
          ++queued, moved = true;
          if (todo > 0) {
            --todo, made[j] = t + produce;  // the next number off the to-do list
          } else {
            made.erase(made.begin() + static_cast<std::ptrdiff_t>(j--));  // this producer is done
          }
        }
      for (auto& at : idle_at)
        if (queued > 0 && at <= t) --queued, at = t + consume, end = std::max(end, at), moved = true;
    }
    std::int64_t next = -1;  // the next time something happens
    for (auto at : made)
      if (at > t && (next < 0 || at < next)) next = at;
    for (auto at : idle_at)
      if (at > t && (next < 0 || at < next)) next = at;
    if (next < 0) break;
    t = next;
  }
  return static_cast<double>(end) / 1e9;
}

}  // namespace

extern const Pattern producer_consumer{
    .id = "producer-consumer",
    .title = "Producers and consumers",
    .summary = "Producers put items into a bounded Queue that consumers take them from: a full queue makes "
               "the producers wait (backpressure), join() waits until every item is processed, then the "
               "consumers are cancelled.",
    .group = kMoreGroup,
    .params = {
        {.key = "producers", .label = "Producers", .type = ParamType::integer, .default_value = "2",
         .min = 1, .max = 10,
         .help = "How many producers."},
        {.key = "consumers", .label = "Consumers", .type = ParamType::integer, .default_value = "2",
         .min = 1, .max = 10,
         .help = "How many consumers."},
        {.key = "items", .label = "Items each", .type = ParamType::integer, .default_value = "6",
         .min = 0, .max = 20,
         .help = "How many items the producers make between them."},
        {.key = "maxsize", .label = "Queue size", .type = ParamType::integer, .default_value = "2",
         .min = 0, .max = 20,
         .help = "Queue(maxsize): put() waits while it is full (0: unbounded)."},
        {.key = "produce", .label = "Produce time (s)", .type = ParamType::number, .default_value = "0.25",
         .min = 0, .max = 30,
         .help = "How long a producer takes to make an item."},
        {.key = "consume", .label = "Consume time (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long a consumer works on an item."},
    },
    .ideal = ideal,
    .main = [](const Params& p) {
      return main_coro(static_cast<long>(p.number("producers").value), static_cast<long>(p.number("consumers").value),
                       static_cast<long>(p.number("items").value), static_cast<long>(p.number("maxsize").value),
                       p.number("produce"), p.number("consume"));
    },
};

}  // namespace patterns
