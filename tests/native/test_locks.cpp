// aio::Event / Lock / Semaphore / BoundedSemaphore against asyncio's (CPython 3.11 is the oracle: expected
// lines are what the equivalent Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<> event_waiter(aio::Event* ev, int n) {
  bool r = co_await ev->wait();
  aio::print("wait", n, r);
}

aio::Coro<> lock_worker(aio::Lock* lock, std::string n, double d) {
  auto held = co_await lock->hold();
  aio::print("in", n);
  co_await aio::sleep(d);
  aio::print("out", n);
}

aio::Coro<> lock_grabber(aio::Lock* lock, int n) {
  co_await lock->acquire();
  aio::print("got", n);
  lock->release();
}

aio::Coro<> sem_worker(aio::Semaphore* sem, std::string n, double d) {
  auto held = co_await sem->hold();
  aio::print("s in", n, sem->locked());
  co_await aio::sleep(d);
  aio::print("s out", n);
}

aio::Coro<> sem_grabber(aio::Semaphore* sem, int n) {
  co_await sem->acquire();
  aio::print("sgot", n);
  sem->release();
}

}  // namespace

// Python lk.py: three waiters, set() at 1 wakes them all in order.
TEST_CASE("Event: wait, set, clear, is_set with multiple waiters", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Event ev;
    CHECK_FALSE(ev.is_set());
    std::vector<aio::Task<>> ws;
    for (int i = 0; i < 3; ++i) ws.push_back(aio::create_task(event_waiter(&ev, i)));
    co_await aio::sleep(1);
    aio::print("set");
    ev.set();
    aio::print("is_set", ev.is_set());
    co_await aio::gather(ws);
    ev.clear();
    aio::print("cleared", ev.is_set());
    // A set event does not block; a cleared one does again.
    ev.set();
    bool waited = co_await ev.wait();
    CHECK(waited);
    ev.clear();
    auto w = aio::create_task(event_waiter(&ev, 9));
    co_await aio::sleep(2);
    CHECK_FALSE(w.done());
    ev.set();
    ev.set();  // setting twice is harmless
    co_await w;
  }(), &printed);
  CHECK(test::lines(printed) ==
        test::Lines{"1 set", "1 is_set True", "1 wait 0 True", "1 wait 1 True", "1 wait 2 True", "1 cleared False",
                    "3 wait 9 True"});
}

TEST_CASE("Event: a cancelled waiter leaves the others waiting", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Event ev;
    auto a = aio::create_task(event_waiter(&ev, 1));
    auto b = aio::create_task(event_waiter(&ev, 2));
    co_await aio::sleep(1);
    a.cancel();
    co_await aio::sleep(1);
    CHECK(a.cancelled());
    CHECK_FALSE(b.done());
    ev.set();
    co_await b;
    CHECK(test::now() == 2);
  }());
}

// Python lk.py: workers a(1), b(0.5), c(0.25) take the lock in arrival order.
TEST_CASE("Lock: mutual exclusion and FIFO fairness", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Lock lock;
    co_await aio::gather(lock_worker(&lock, "a", 1), lock_worker(&lock, "b", 0.5), lock_worker(&lock, "c", 0.25));
    CHECK_FALSE(lock.locked());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 in a", "1 out a", "1 in b", "1.5 out b", "1.5 in c", "1.75 out c"});
}

TEST_CASE("Lock: never more than one holder among many contenders", "[locks]") {
  auto max_inside = test::run_virtual([]() -> aio::Coro<int> {
    aio::Lock lock;
    int inside = 0, max_inside = 0;
    std::vector<aio::Coro<>> v;
    for (int i = 0; i < 8; ++i)
      v.push_back([](aio::Lock* lock, int* inside, int* max_inside, int i) -> aio::Coro<> {
        co_await aio::sleep(0.1 * (i % 3));
        co_await lock->acquire();
        ++*inside;
        *max_inside = std::max(*max_inside, *inside);
        co_await aio::sleep(0.5);
        --*inside;
        lock->release();
      }(&lock, &inside, &max_inside, i));
    co_await aio::gather(std::move(v));
    CHECK(test::now() == 4);
    co_return max_inside;
  }());
  CHECK(max_inside == 1);
}

TEST_CASE("Lock: release of an unlocked lock throws std::runtime_error", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Lock lock;
    CHECK_THROWS_AS(lock.release(), std::runtime_error);
    co_await lock.acquire();
    CHECK(lock.locked());
    lock.release();
    CHECK_FALSE(lock.locked());
    CHECK_THROWS_AS(lock.release(), std::runtime_error);
  }());
}

TEST_CASE("Lock: the hold() guard releases on scope exit, also when an exception leaves the scope", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Lock lock;
    {
      auto held = co_await lock.hold();
      CHECK(lock.locked());
    }
    CHECK_FALSE(lock.locked());
    try {
      auto held = co_await lock.hold();
      CHECK(lock.locked());
      throw std::logic_error("x");
    } catch (const std::logic_error&) {
    }
    CHECK_FALSE(lock.locked());
    // A waiter gets it when the guard goes.
    auto held = std::make_unique<aio::Held<aio::Lock>>(co_await lock.hold());
    auto t = aio::create_task(lock_grabber(&lock, 1));
    co_await aio::sleep(1);
    CHECK_FALSE(t.done());
    held.reset();
    co_await t;
    CHECK_FALSE(lock.locked());
  }());
}

// Python lk.py: t1 and t2 wait; release() wakes t1, which is cancelled before it runs: t2 gets the lock.
TEST_CASE("Lock: a waiter cancelled after being woken passes the lock on", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Lock lock;
    co_await lock.acquire();
    auto t1 = aio::create_task(lock_grabber(&lock, 1));
    auto t2 = aio::create_task(lock_grabber(&lock, 2));
    co_await aio::sleep(0);
    lock.release();
    t1.cancel();
    co_await aio::sleep(0.1);
    aio::print("t1", t1.cancelled(), "t2", t2.done(), lock.locked());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 got 2", "0.1 t1 True t2 True False"});
}

TEST_CASE("Lock: a waiter cancelled before being woken loses nothing", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Lock lock;
    co_await lock.acquire();
    auto t1 = aio::create_task(lock_grabber(&lock, 1));
    auto t2 = aio::create_task(lock_grabber(&lock, 2));
    co_await aio::sleep(0.5);
    t1.cancel();
    co_await aio::sleep(0.5);
    CHECK(t1.cancelled());
    CHECK_FALSE(t2.done());
    lock.release();
    co_await t2;
    CHECK_FALSE(lock.locked());
    co_await lock.acquire();  // free again, at once
    CHECK(test::now() == 1);
  }());
}

// Python lk.py: Semaphore(2) with four workers a(1), b(2), c(1), d(1).
TEST_CASE("Semaphore: counting, FIFO and locked()", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Semaphore sem(2);
    CHECK(sem.value() == 2);
    CHECK_FALSE(sem.locked());
    co_await aio::gather(sem_worker(&sem, "a", 1), sem_worker(&sem, "b", 2), sem_worker(&sem, "c", 1),
                         sem_worker(&sem, "d", 1));
    CHECK(sem.value() == 2);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 s in a False", "0 s in b True", "1 s out a", "1 s in c True",
                                            "2 s out b", "2 s out c", "2 s in d False", "3 s out d"});
}

TEST_CASE("Semaphore: acquire without waiting while permits are free, value counts down", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Semaphore sem(3);
    co_await sem.acquire();
    co_await sem.acquire();
    CHECK(sem.value() == 1);
    CHECK_FALSE(sem.locked());
    co_await sem.acquire();
    CHECK(sem.value() == 0);
    CHECK(sem.locked());
    CHECK(test::now() == 0);
    sem.release();
    sem.release();
    sem.release();
    sem.release();  // a plain Semaphore may be released beyond its initial value
    CHECK(sem.value() == 4);
    CHECK_THROWS_AS(aio::Semaphore(-1), std::invalid_argument);
  }());
}

// Python lk.py: Semaphore(1) held; t1, t2 wait; release() wakes t1, which is cancelled: t2 gets it.
TEST_CASE("Semaphore: cancellation of a woken waiter passes the permit on", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Semaphore sem(1);
    co_await sem.acquire();
    auto t1 = aio::create_task(sem_grabber(&sem, 1));
    auto t2 = aio::create_task(sem_grabber(&sem, 2));
    co_await aio::sleep(0);
    sem.release();
    t1.cancel();
    co_await aio::sleep(0.1);
    aio::print("t1", t1.cancelled(), "t2", t2.done(), sem.locked());
    CHECK(sem.value() == 1);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 sgot 2", "0.1 t1 True t2 True False"});
}

TEST_CASE("Semaphore: a waiter cancelled before being woken loses no permit", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Semaphore sem(1);
    co_await sem.acquire();
    auto t1 = aio::create_task(sem_grabber(&sem, 1));
    auto t2 = aio::create_task(sem_grabber(&sem, 2));
    co_await aio::sleep(0.5);
    t1.cancel();
    co_await aio::sleep(0.5);
    CHECK_FALSE(t2.done());
    sem.release();
    co_await t2;
    CHECK(sem.value() == 1);
    CHECK_FALSE(sem.locked());
  }());
}

TEST_CASE("BoundedSemaphore: over-release throws std::invalid_argument", "[locks]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::BoundedSemaphore bs(2);
    CHECK_THROWS_AS(bs.release(), std::invalid_argument);
    co_await bs.acquire();
    bs.release();
    CHECK_THROWS_WITH(bs.release(), "BoundedSemaphore released too many times");
    CHECK(bs.value() == 2);
    {
      auto h = co_await bs.hold();
      CHECK(bs.value() == 1);
    }
    CHECK(bs.value() == 2);
  }());
}

// Python edge.py: A waits; release() wakes A; B arrives before A has run: A still gets the lock first.
TEST_CASE("Lock: a newcomer does not barge in front of a woken waiter", "[locks]") {
  auto order = test::run_virtual([]() -> aio::Coro<std::string> {
    aio::Lock lock;
    std::string order;
    auto grab = [](aio::Lock* lock, std::string* order, char n) -> aio::Coro<> {
      auto held = co_await lock->hold();
      *order += n;
    };
    co_await lock.acquire();
    auto a = aio::create_task(grab(&lock, &order, 'A'));
    co_await aio::sleep(0);
    lock.release();
    auto b = aio::create_task(grab(&lock, &order, 'B'));
    co_await a;
    co_await b;
    co_return order;
  }());
  CHECK(order == "AB");
}

TEST_CASE("Semaphore: a newcomer does not barge in front of a woken waiter", "[locks]") {
  auto order = test::run_virtual([]() -> aio::Coro<std::string> {
    aio::Semaphore sem(1);
    std::string order;
    auto grab = [](aio::Semaphore* sem, std::string* order, char n) -> aio::Coro<> {
      auto held = co_await sem->hold();
      *order += n;
      co_await aio::sleep(0);
    };
    co_await sem.acquire();
    auto a = aio::create_task(grab(&sem, &order, 'A'));
    co_await aio::sleep(0);
    sem.release();
    auto b = aio::create_task(grab(&sem, &order, 'B'));
    co_await a;
    co_await b;
    co_return order;
  }());
  CHECK(order == "AB");
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("Event: a waiter resumes at the same loop turn as in CPython", "[locks]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    aio::Event e;
    auto s = aio::create_task([](aio::Event* e) -> aio::Coro<> {
      co_await aio::sleep(0);
      aio::print("set");
      e->set();
    }(&e));
    co_await e.wait();
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 set", "0 tick 2", "0 resumed", "0 tick 3",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

// Python msg.py: t.cancel('bye') while t waits in acquire(): awaiting t raises CancelledError('bye'),
// for a Lock as for a Semaphore and a plain sleep.
TEST_CASE("Lock: a waiter cancelled with a message keeps the message", "[locks]") {
  auto msgs = test::run_virtual([]() -> aio::Coro<std::vector<std::string>> {
    std::vector<std::string> msgs;
    aio::Lock lock;
    co_await lock.acquire();
    aio::Semaphore sem(0);
    auto lw = aio::create_task([](aio::Lock* l) -> aio::Coro<> { co_await l->acquire(); }(&lock));
    auto sw = aio::create_task([](aio::Semaphore* s) -> aio::Coro<> { co_await s->acquire(); }(&sem));
    auto sl = aio::create_task([]() -> aio::Coro<> { co_await aio::sleep(5); }());
    co_await aio::sleep(0);
    for (auto* t : {&lw, &sw, &sl}) {
      t->cancel("bye");
      try {
        co_await *t;
        msgs.push_back("no error");
      } catch (const aio::CancelledError& e) {
        msgs.push_back(e.message());
      }
    }
    co_return msgs;
  }());
  CHECK(msgs == std::vector<std::string>{"bye", "bye", "bye"});
}
