// aio::wait against asyncio.wait (CPython 3.11 is the oracle: expected lines are what the equivalent
// Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

std::vector<aio::Task<std::string>> start(std::vector<std::pair<std::string, double>> specs) {
  std::vector<aio::Task<std::string>> ts;
  for (auto& [n, d] : specs) ts.push_back(aio::create_task(test::job(n, d), n));
  return ts;
}

std::string names(const std::vector<aio::Task<std::string>>& ts) {
  std::string s;
  for (auto& t : ts) s += t.name();
  return s;
}

}  // namespace

TEST_CASE("wait: returns done and pending in input order", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"a", 3}, {"b", 1}, {"c", 2}, {"d", 0.5}});
    auto [done, pending] = co_await aio::wait(ts, aio::ALL_COMPLETED, 2.5);
    CHECK(test::now() == 2.5);
    CHECK(names(done) == "bcd");  // finished d, b, c but reported in input order
    CHECK(names(pending) == "a");
    REQUIRE(done.size() == 3);
    CHECK(done[0] == ts[1]);
    CHECK(done[1] == ts[2]);
    CHECK(done[2] == ts[3]);
    co_await ts[0];
  }());
}

// Python w1: FIRST_COMPLETED returns at 1 with b done, then ALL_COMPLETED at 3.
TEST_CASE("wait: FIRST_COMPLETED returns when the first task finishes", "[wait]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"a", 3}, {"b", 1}, {"c", 2}});
    auto r = co_await aio::wait(ts, aio::FIRST_COMPLETED);
    aio::print("FC", names(r.done), names(r.pending));
    auto r2 = co_await aio::wait(ts);
    aio::print("ALL", r2.done.size(), r2.pending.size());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 done b", "1 FC b ac", "2 done c", "3 done a", "3 ALL 3 0"});
}

TEST_CASE("wait: FIRST_COMPLETED counts a cancellation as a completion", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"a", 3}, {"b", 2}});
    auto killer = aio::create_task([](aio::Task<std::string> t) -> aio::Coro<> {
      co_await aio::sleep(1);
      t.cancel();
    }(ts[1]));
    auto r = co_await aio::wait(ts, aio::FIRST_COMPLETED);
    CHECK(test::now() == 1);
    CHECK(names(r.done) == "b");
    CHECK(r.done[0].cancelled());
    CHECK(names(r.pending) == "a");
    co_await killer;
    co_await ts[0];
  }());
}

// Python w1: x done at 1, y fails at 2 -> FIRST_EXCEPTION returns at 2 with 2 done, 1 pending.
TEST_CASE("wait: FIRST_EXCEPTION returns at the first failure", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> ts{aio::create_task(test::job("x", 1)),
                                           aio::create_task(test::job("y", 2, true)),
                                           aio::create_task(test::job("z", 4))};
    auto r = co_await aio::wait(ts, aio::FIRST_EXCEPTION);
    CHECK(test::now() == 2);
    CHECK(r.done.size() == 2);
    REQUIRE(r.pending.size() == 1);
    CHECK(r.pending[0] == ts[2]);
    CHECK(r.done[1] == ts[1]);
    CHECK_THROWS_WITH(r.done[1].result(), "y");
    co_await aio::wait(ts);
    CHECK(test::now() == 4);
  }());
}

// Python w1 "FE-cancel": a cancelled task is not an exception: wait goes on until all are done (at 3).
TEST_CASE("wait: FIRST_EXCEPTION ignores cancellations and returns all done if none fails", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"p", 1}, {"q", 3}});
    ts[0].cancel();
    auto r = co_await aio::wait(ts, aio::FIRST_EXCEPTION);
    CHECK(test::now() == 3);
    CHECK(r.done.size() == 2);
    CHECK(r.pending.empty());
    CHECK(ts[0].cancelled());
    auto ts2 = start({{"r", 1}, {"s", 2}});
    auto r2 = co_await aio::wait(ts2, aio::FIRST_EXCEPTION);
    CHECK(test::now() == 5);
    CHECK(names(r2.done) == "rs");
    CHECK(r2.pending.empty());
  }());
}

TEST_CASE("wait: ALL_COMPLETED waits for every task, failures and cancellations included", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> ts{aio::create_task(test::job("a", 1, true)),
                                           aio::create_task(test::job("b", 4)),
                                           aio::create_task(test::job("c", 2))};
    ts[2].cancel();
    auto r = co_await aio::wait(ts);  // the default is ALL_COMPLETED, and no exception is raised
    CHECK(test::now() == 4);
    CHECK(r.done.size() == 3);
    CHECK(r.pending.empty());
  }());
}

// Python w1 "TO": wait(timeout=2) returns at 2 with r done and s still running; s finishes at 3.
TEST_CASE("wait: timeout returns what is done, never raises, and leaves pending tasks running", "[wait]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"r", 1}, {"s", 3}});
    auto [done, pending] = co_await aio::wait(ts, aio::ALL_COMPLETED, 2.0);
    aio::print("TO", names(done), names(pending), ts[1].done());
    CHECK_FALSE(ts[1].cancelled());
    co_await ts[1];
    aio::print("s done");
    auto ts2 = start({{"t", 5}});
    auto r = co_await aio::wait(ts2, aio::FIRST_COMPLETED, 0.5);
    CHECK(r.done.empty());
    CHECK(r.pending.size() == 1);
    co_await r.pending[0];
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 done r", "2 TO r s False", "3 done s", "3 s done", "8 done t"});
}

// Python w1 "T0": a zero timeout polls after one loop iteration, by which a sleep(0) task has finished.
TEST_CASE("wait: a zero timeout polls after one loop iteration", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"v", 0}, {"w", 1}});
    auto r = co_await aio::wait(ts, aio::ALL_COMPLETED, 0.0);
    CHECK(test::now() == 0);
    CHECK(names(r.done) == "v");
    CHECK(names(r.pending) == "w");
    co_await ts[1];
  }());
}

TEST_CASE("wait: an empty list throws std::invalid_argument", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<int>> none;
    auto e1 = co_await test::error_of(aio::wait(none));
    CHECK_THROWS_AS(test::rethrow(e1), std::invalid_argument);
    auto e2 = co_await test::error_of(aio::wait(none, aio::FIRST_COMPLETED, 1.0));
    CHECK_THROWS_WITH(test::rethrow(e2), "Set of Tasks/Futures is empty.");
  }());
}

// Python w1: cancelling the task awaiting wait() at 1; the task u is not cancelled, it finishes at 2.
TEST_CASE("wait: cancelling the awaiter does not cancel the tasks", "[wait]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto ts = start({{"u", 2}});
    auto w = aio::create_task([](std::vector<aio::Task<std::string>> ts) -> aio::Coro<> {
      co_await aio::wait(ts);
      aio::print("wait returned");
    }(ts));
    co_await aio::sleep(1);
    w.cancel();
    try {
      co_await w;
    } catch (const aio::CancelledError&) {
      aio::print("w cancelled", ts[0].cancelled());
    }
    CHECK(w.cancelled());
    co_await ts[0];
    CHECK(ts[0].result() == "u");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 w cancelled False", "2 done u"});
}

TEST_CASE("wait: exact virtual times of successive waits", "[wait]") {
  auto t = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    std::vector<double> times;
    auto ts = start({{"a", 1.25}, {"b", 0.75}, {"c", 2}});
    co_await aio::wait(ts, aio::FIRST_COMPLETED);
    times.push_back(test::now());
    co_await aio::wait(ts, aio::FIRST_COMPLETED, 10.0);  // b is done already: returns at once
    times.push_back(test::now());
    co_await aio::wait(ts, aio::ALL_COMPLETED, 1.0);  // times out at 1.75
    times.push_back(test::now());
    co_await aio::wait(ts);
    times.push_back(test::now());
    co_return times;
  }());
  CHECK(t == std::vector<double>{0.75, 0.75, 1.75, 2});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("wait: the awaiter resumes at the same loop turn as in CPython", "[wait]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    std::vector<aio::Task<std::string>> ts{aio::create_task(test::quiet_child("a"))};
    co_await aio::wait(ts);
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 tick 2", "0 tick 3", "0 resumed",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

// Python extra.py: x failed before wait() is called; FIRST_EXCEPTION returns at once with it done.
TEST_CASE("wait: FIRST_EXCEPTION with a task that already failed returns at once", "[wait]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto x = aio::create_task(test::job("x", 0, true));
    co_await aio::sleep(0.5);
    auto y = aio::create_task(test::job("y", 5));
    std::vector<aio::Task<std::string>> ts{y, x};
    auto r = co_await aio::wait(ts, aio::FIRST_EXCEPTION);
    CHECK(test::now() == 0.5);
    REQUIRE(r.done.size() == 1);
    CHECK(r.done[0] == x);
    REQUIRE(r.pending.size() == 1);
    CHECK(r.pending[0] == y);
    y.cancel();
  }());
}

// CPython: wait(timeout=2.01) returns at loop time 2.01, the instant sleep(2.01) ends.
TEST_CASE("wait: the timeout deadline is the same instant as sleep() of the same delay", "[wait]") {
  auto ns = test::run_virtual([]() -> aio::Coro<std::int64_t> {
    auto ts = start({{"long", 100}});
    co_await aio::wait(ts, aio::ALL_COMPLETED, 2.01);
    auto at = aio::EventLoop::current().now_ns();
    ts[0].cancel();
    co_return at;
  }());
  CHECK(ns == 2'010'000'000);
}
