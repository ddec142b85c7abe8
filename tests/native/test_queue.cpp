// aio::Queue against asyncio.Queue (CPython 3.11 is the oracle: expected lines are what the equivalent
// Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<> producer(aio::Queue<int>* q, int n) {
  for (int i = 0; i < n; ++i) {
    co_await q->put(i);
    aio::print("put", i, q->qsize());
  }
}

aio::Coro<> consumer(aio::Queue<int>* q, int n, double delay) {
  for (int i = 0; i < n; ++i) {
    co_await aio::sleep(delay);
    int v = co_await q->get();
    aio::print("got", v);
    q->task_done();
  }
}

aio::Coro<std::string> getter(aio::Queue<std::string>* q, int n) {
  std::string v = co_await q->get();
  aio::print("getter", n, v);
  co_return v;
}

aio::Coro<> putter(aio::Queue<std::string>* q, std::string v) {
  co_await q->put(v);
  aio::print("putter", v);
}

}  // namespace

TEST_CASE("Queue: FIFO order", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<std::string> q;
    CHECK(q.empty());
    CHECK(q.maxsize() == 0);
    for (auto s : {"a", "b", "c"}) co_await q.put(s);
    q.put_nowait("d");
    CHECK(q.qsize() == 4);
    CHECK_FALSE(q.full());  // unbounded
    std::string a = co_await q.get();
    CHECK(a == "a");
    CHECK(q.get_nowait() == "b");
    std::string c = co_await q.get();
    CHECK(c == "c");
    std::string d = co_await q.get();
    CHECK(d == "d");
    CHECK(q.empty());
    CHECK(test::now() == 0);
  }());
}

// Python q.py: maxsize 2, a producer of 5 items and a consumer that takes one per second.
TEST_CASE("Queue: producer/consumer with a bounded queue, exact virtual times", "[queue]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<int> q(2);
    co_await aio::gather(producer(&q, 5), consumer(&q, 5, 1));
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 put 0 1", "0 put 1 2", "1 got 0", "1 put 2 2", "2 got 1", "2 put 3 2",
                                            "3 got 2", "3 put 4 2", "4 got 3", "5 got 4"});
}

TEST_CASE("Queue: a bounded put waits while the queue is full", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<int> q(1);
    co_await q.put(1);
    CHECK(q.full());
    auto p = aio::create_task([](aio::Queue<int>* q) -> aio::Coro<double> {
      co_await q->put(2);
      co_return test::now();
    }(&q));
    co_await aio::sleep(2.5);
    CHECK_FALSE(p.done());
    CHECK(q.get_nowait() == 1);
    double put_at = co_await p;
    CHECK(put_at == 2.5);
    CHECK(q.get_nowait() == 2);
  }());
}

TEST_CASE("Queue: get waits while the queue is empty", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<std::string> q;
    auto g = aio::create_task(getter(&q, 1));
    co_await aio::sleep(1.5);
    CHECK_FALSE(g.done());
    co_await q.put("late");
    std::string got = co_await g;
    CHECK(got == "late");
    CHECK(test::now() == 1.5);
  }());
}

TEST_CASE("Queue: put_nowait on a full queue throws QueueFull, get_nowait on an empty one QueueEmpty", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<int> q(2);
    CHECK_THROWS_AS(q.get_nowait(), aio::QueueEmpty);
    q.put_nowait(1);
    q.put_nowait(2);
    CHECK_THROWS_AS(q.put_nowait(3), aio::QueueFull);
    CHECK(q.qsize() == 2);
    CHECK(q.get_nowait() == 1);
    CHECK(q.get_nowait() == 2);
    CHECK_THROWS_AS(q.get_nowait(), aio::QueueEmpty);
    co_return;
  }());
}

// Python q.py: three items, a worker taking 1 s each; join() returns at 3 after the last task_done().
TEST_CASE("Queue: join waits until every item is task_done; too many task_done throws", "[queue]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<int> q;
    co_await q.join();  // nothing unfinished: returns at once
    for (int i = 0; i < 3; ++i) q.put_nowait(i);
    auto w = aio::create_task([](aio::Queue<int>* q) -> aio::Coro<> {
      while (true) {
        int v = co_await q->get();
        co_await aio::sleep(1);
        aio::print("processed", v);
        q->task_done();
      }
    }(&q));
    co_await q.join();
    aio::print("joined");
    w.cancel();
    co_await test::error_of(w);  // the worker must be gone before the queue it uses
    try {
      q.task_done();
    } catch (const std::invalid_argument& e) {
      aio::print("VE", e.what());
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 processed 0", "2 processed 1", "3 processed 2", "3 joined",
                                            "3 VE task_done() called too many times"});
}

TEST_CASE("Queue: join counts items, not gets: an item taken but not task_done keeps join waiting", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<int> q;
    q.put_nowait(1);
    CHECK(q.get_nowait() == 1);
    auto j = aio::create_task([](aio::Queue<int>* q) -> aio::Coro<double> {
      co_await q->join();
      co_return test::now();
    }(&q));
    co_await aio::sleep(4);
    CHECK_FALSE(j.done());
    q.task_done();
    double joined_at = co_await j;
    CHECK(joined_at == 4);
  }());
}

// Python q.py: g1 and g2 wait; put_nowait('x') wakes g1, which is cancelled: g2 gets the item.
TEST_CASE("Queue: cancelling a woken getter loses no item", "[queue]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<std::string> q;
    auto g1 = aio::create_task(getter(&q, 1));
    auto g2 = aio::create_task(getter(&q, 2));
    co_await aio::sleep(0);
    q.put_nowait("x");
    g1.cancel();
    co_await aio::sleep(0.5);
    aio::print("g1", g1.cancelled(), "g2", g2.done(), q.qsize());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 getter 2 x", "0.5 g1 True g2 True 0"});
}

TEST_CASE("Queue: cancelling a waiting getter before any put loses no item", "[queue]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<std::string> q;
    auto g1 = aio::create_task(getter(&q, 1));
    co_await aio::sleep(1);
    g1.cancel();
    co_await aio::sleep(0);
    q.put_nowait("y");
    co_await aio::sleep(1);
    CHECK(g1.cancelled());
    CHECK(q.qsize() == 1);
    std::string y = co_await q.get();
    CHECK(y == "y");
  }());
}

// Python q.py: a full Queue(1); p1 and p2 wait to put; a get wakes p1, which is cancelled: p2 puts.
TEST_CASE("Queue: cancelling a woken putter loses no slot", "[queue]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Queue<std::string> q(1);
    q.put_nowait("a");
    auto p1 = aio::create_task(putter(&q, "p1"));
    auto p2 = aio::create_task(putter(&q, "p2"));
    co_await aio::sleep(0);
    aio::print("get", q.get_nowait());
    p1.cancel();
    co_await aio::sleep(0.5);
    auto size = q.qsize();  // before get_nowait(): argument evaluation order is unspecified
    aio::print("p1", p1.cancelled(), "p2", p2.done(), size, q.get_nowait());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 get a", "0 putter p2", "0.5 p1 True p2 True 1 p2"});
}

TEST_CASE("Queue: producer/consumer pipeline with several consumers, exact virtual times", "[queue]") {
  auto r = test::run_virtual([]() -> aio::Coro<std::vector<std::string>> {
    aio::Queue<int> q(3);
    std::vector<std::string> log;
    auto work = [](aio::Queue<int>* q, std::vector<std::string>* log, std::string name) -> aio::Coro<> {
      while (true) {
        int v = co_await q->get();
        co_await aio::sleep(1);
        log->push_back(name + std::to_string(v) + "@" + test::fmt_time(test::now()));
        q->task_done();
      }
    };
    auto c1 = aio::create_task(work(&q, &log, "A"));
    auto c2 = aio::create_task(work(&q, &log, "B"));
    for (int i = 0; i < 6; ++i) co_await q.put(i);
    co_await q.join();
    CHECK(test::now() == 3);
    c1.cancel();
    c2.cancel();
    co_await test::error_of(c1);  // the workers must be gone before the queue and log they use
    co_await test::error_of(c2);
    co_return log;
  }());
  CHECK(r == std::vector<std::string>{"A0@1", "B1@1", "A2@2", "B3@2", "A4@3", "B5@3"});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("Queue: a getter resumes at the same loop turn as in CPython", "[queue]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    aio::Queue<int> q;
    auto s = aio::create_task([](aio::Queue<int>* q) -> aio::Coro<> {
      co_await aio::sleep(0);
      aio::print("put");
      q->put_nowait(1);
    }(&q));
    co_await q.get();
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 put", "0 tick 2", "0 resumed", "0 tick 3",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}
