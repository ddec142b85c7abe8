// Pattern 9: Producers and consumers (asyncio.Queue).
// A bounded queue makes fast producers wait for slow consumers (backpressure); join() waits until every
// item is processed, and the consumers, which loop forever, are then cancelled.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> producer(std::string name, aio::Queue<std::string>& queue, long items, Number produce) {
  for (long i = 1; i <= items; ++i) {
    co_await aio::sleep(produce);  // making an item takes a while
    auto item = name + "-" + std::to_string(i);
    if (queue.full()) aio::print(name + ": queue full, waiting to put " + item);
    co_await queue.put(item);  // waits while the queue is full: backpressure
    aio::print(name + ": put " + item + " (" + std::to_string(queue.qsize()) + " queued)");
  }
}

aio::Coro<> consumer(std::string name, aio::Queue<std::string>& queue, Number consume) {
  while (true) {
    auto item = co_await queue.get();  // waits while the queue is empty
    aio::print(name + ": got " + item);
    co_await aio::sleep(consume);  // working on it
    queue.task_done();
  }
}

aio::Coro<> main_coro(long producer_count, long consumer_count, long items, long maxsize, Number produce,
                      Number consume) {
  aio::Queue<std::string> queue(static_cast<std::size_t>(maxsize));
  std::vector<aio::Task<>> consumers;
  for (long n = 1; n <= consumer_count; ++n)
    consumers.push_back(aio::create_task(consumer("C" + std::to_string(n), queue, consume)));
  std::vector<aio::Coro<>> all;
  for (long n = 1; n <= producer_count; ++n) all.push_back(producer("P" + std::to_string(n), queue, items, produce));
  co_await aio::gather(std::move(all));
  aio::print("main: all items produced");
  co_await queue.join();  // until every item got its task_done()
  aio::print("main: all items consumed");
  for (auto& c : consumers) c.cancel();  // the consumers loop forever: stop them
  co_await aio::gather(consumers, aio::return_exceptions);
  aio::print("main: consumers cancelled");
}

// The loop time at which the last item is processed: the queue's timeline replayed, every hand-off
// between a producer, the queue and a consumer taking no time (as on the loop).
double ideal(const Params& p) {
  const long producers = static_cast<long>(p.number("producers").value);
  const long consumers = static_cast<long>(p.number("consumers").value);
  const long maxsize = static_cast<long>(p.number("maxsize").value);
  const std::int64_t produce = aio::to_loop_ns(p.number("produce")), consume = aio::to_loop_ns(p.number("consume"));
  std::vector<long> left(producers, static_cast<long>(p.number("items").value));  // items still to put
  std::vector<std::int64_t> ready(producers, produce);  // when each producer's next item is made
  std::vector<std::int64_t> idle_at(consumers, 0);       // when each consumer is free again
  long queued = 0;
  std::int64_t t = 0, end = 0;
  while (true) {
    for (bool moved = true; moved;) {  // everything that can happen at time t
      moved = false;
      for (long j = 0; j < producers; ++j)
        if (left[j] > 0 && ready[j] <= t && (maxsize == 0 || queued < maxsize)) {
          ++queued, --left[j], ready[j] = t + produce, moved = true;
        }
      for (long k = 0; k < consumers; ++k)
        if (queued > 0 && idle_at[k] <= t) {
          --queued, idle_at[k] = t + consume, end = std::max(end, idle_at[k]), moved = true;
        }
    }
    std::int64_t next = -1;  // the next time something happens
    for (long j = 0; j < producers; ++j)
      if (left[j] > 0 && ready[j] > t && (next < 0 || ready[j] < next)) next = ready[j];
    for (long k = 0; k < consumers; ++k)
      if (idle_at[k] > t && (next < 0 || idle_at[k] < next)) next = idle_at[k];
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
        {.key = "items", .label = "Items each", .type = ParamType::integer, .default_value = "3",
         .min = 0, .max = 20,
         .help = "How many items each producer puts."},
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
