// aio::as_completed against asyncio.as_completed (CPython 3.11 is the oracle: expected lines are what the
// equivalent Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

TEST_CASE("as_completed: yields results in completion order", "[as_completed]") {
  auto got = test::run_virtual([]() -> aio::Coro<std::vector<std::string>> {
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::job("a", 3));
    v.push_back(test::job("b", 1));
    v.push_back(test::job("c", 2));
    v.push_back(test::job("d", 0.5));
    std::vector<std::string> got;
    auto ac = aio::as_completed(std::move(v));
    CHECK(ac.size() == 4);
    for (auto next : ac) got.push_back(co_await next);
    co_return got;
  }());
  CHECK(got == std::vector<std::string>{"d", "b", "c", "a"});
}

// Python ac.py (first loop): b fails at 1, c at 2, a at 3.
TEST_CASE("as_completed: an exception is raised by the await that yields it", "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::job("a", 3));
    v.push_back(test::job("b", 1, true));
    v.push_back(test::job("c", 2));
    int k = 0;
    for (auto next : aio::as_completed(std::move(v))) {
      ++k;
      try {
        aio::print("got", co_await next);
      } catch (const std::runtime_error& e) {
        aio::print("err", e.what());
        CHECK(k == 1);
      }
    }
    CHECK(k == 3);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 err b", "2 done c", "2 got c", "3 done a", "3 got a"});
}

// Python ac.py (second loop): x at 1, y at 0.5, a task 'late' at 5; timeout 2 started at time 3.
TEST_CASE("as_completed: the timeout is one deadline, then every remaining await raises TimeoutError",
          "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    co_await aio::sleep(3);
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::job("x", 1));
    v.push_back(test::job("late", 5));
    v.push_back(test::job("y", 0.5));
    v.push_back(test::job("later", 6));
    int timeouts = 0;
    for (auto next : aio::as_completed(std::move(v), 2.0)) {
      try {
        aio::print("got", co_await next);
      } catch (const aio::TimeoutError&) {
        aio::print("timeout");
        ++timeouts;
      }
    }
    CHECK(timeouts == 2);
    co_await aio::sleep(10);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"3.5 done y", "3.5 got y", "4 done x", "4 got x", "5 timeout", "5 timeout",
                                            "8 done late", "9 done later"});
}

TEST_CASE("as_completed: the timeout does not cancel the remaining tasks", "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto late = aio::create_task(test::job("late", 5));
    std::vector<aio::Task<std::string>> v{aio::create_task(test::job("x", 1)), late};
    std::vector<std::string> got;
    for (auto next : aio::as_completed(v, 2.0)) {
      try {
        got.push_back(co_await next);
      } catch (const aio::TimeoutError&) {
        got.push_back("timeout@" + test::fmt_time(test::now()));
      }
    }
    CHECK(got == std::vector<std::string>{"x", "timeout@2"});
    aio::print("late done?", late.done(), late.cancelled());
    auto late_result = co_await late;
    CHECK(late_result == "late");
    CHECK(test::now() == 5);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 done x", "2 late done? False False", "5 done late"});
}

TEST_CASE("as_completed: accepts tasks, which it does not consume", "[as_completed]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> v{aio::create_task(test::job("a", 2)), aio::create_task(test::job("b", 1)),
                                          aio::create_task(test::job("c", 1.5, true))};
    std::vector<std::string> got;
    for (auto next : aio::as_completed(v)) {
      try {
        got.push_back(co_await next + "@" + test::fmt_time(test::now()));
      } catch (const std::runtime_error& e) {
        got.push_back(std::string("err ") + e.what() + "@" + test::fmt_time(test::now()));
      }
    }
    CHECK(got == std::vector<std::string>{"b@1", "err c@1.5", "a@2"});
    CHECK(v[0].valid());
    CHECK(v[0].result() == "a");
    CHECK(v[1].result() == "b");
  }());
}

TEST_CASE("as_completed: accepts coroutines, started at once in input order", "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Coro<std::string>> v;
    for (auto n : {"p", "q", "r"}) v.push_back([](std::string n) -> aio::Coro<std::string> {
      aio::print("start", n);
      co_await aio::sleep(1);
      co_return n;
    }(n));
    auto ac = aio::as_completed(std::move(v));
    co_await aio::sleep(0.5);  // the tasks run without being awaited
    std::vector<std::string> got;
    for (auto next : ac) got.push_back(co_await next);
    CHECK(got == std::vector<std::string>{"p", "q", "r"});
    CHECK(test::now() == 1);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 start p", "0 start q", "0 start r"});
}

TEST_CASE("as_completed: exact virtual times of each result", "[as_completed]") {
  auto times = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    co_await aio::sleep(0.25);
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::job("a", 1.5));
    v.push_back(test::job("b", 0.5));
    v.push_back(test::job("c", 0.5));
    v.push_back(test::job("d", 2.25));
    std::vector<double> times;
    for (auto next : aio::as_completed(std::move(v), 2.0)) {
      try {
        co_await next;
      } catch (const aio::TimeoutError&) {
      }
      times.push_back(test::now());
    }
    co_return times;
  }());
  CHECK(times == std::vector<double>{0.75, 0.75, 1.75, 2.25});
}

// Python edge.py: the task iterating as_completed is cancelled at 0.5; the tasks it made keep running.
TEST_CASE("as_completed: cancelling the awaiting task leaves the tasks running", "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<std::string>> ts{aio::create_task(test::job("m", 1)), aio::create_task(test::job("n", 3))};
    auto it = aio::create_task([](std::vector<aio::Task<std::string>> ts) -> aio::Coro<> {
      for (auto next : aio::as_completed(ts)) co_await next;
      aio::print("iterated all (wrong)");
    }(ts));
    co_await aio::sleep(0.5);
    it.cancel();
    try {
      co_await it;
    } catch (const aio::CancelledError&) {
      aio::print("it cancelled");
    }
    co_await aio::sleep(5);
    CHECK_FALSE(ts[0].cancelled());
    CHECK_FALSE(ts[1].cancelled());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0.5 it cancelled", "1 done m", "3 done n"});
}

TEST_CASE("as_completed: a timeout that does not expire changes nothing", "[as_completed]") {
  auto got = test::run_virtual([]() -> aio::Coro<std::vector<std::string>> {
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::job("a", 1));
    v.push_back(test::job("b", 0.5));
    std::vector<std::string> got;
    for (auto next : aio::as_completed(std::move(v), 10.0)) got.push_back(co_await next);
    co_await aio::sleep(20);  // past the deadline: nothing fires
    got.push_back(test::fmt_time(test::now()));
    co_return got;
  }());
  CHECK(got == std::vector<std::string>{"b", "a", "21"});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("as_completed: the awaiter resumes at the same loop turn as in CPython", "[as_completed]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::quiet_child("a"));
    for (auto next : aio::as_completed(std::move(v))) co_await next;
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 tick 2", "0 tick 3", "0 resumed",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

TEST_CASE("as_completed: an empty input yields nothing, even with a timeout", "[as_completed]") {
  auto n = test::run_virtual([]() -> aio::Coro<int> {
    std::vector<aio::Coro<int>> none;
    int n = 0;
    auto ac = aio::as_completed(std::move(none), 1.0);
    CHECK(ac.size() == 0);
    for (auto next : ac) {
      co_await next;
      ++n;
    }
    co_await aio::sleep(2);
    co_return n;
  }());
  CHECK(n == 0);
}

// CPython: as_completed(timeout=2.01) raises TimeoutError at loop time 2.01, when sleep(2.01) ends.
TEST_CASE("as_completed: the timeout deadline is the same instant as sleep() of the same delay", "[as_completed]") {
  auto ns = test::run_virtual([]() -> aio::Coro<std::int64_t> {
    std::vector<aio::Task<std::string>> v{aio::create_task(test::job("long", 100))};
    std::int64_t at = 0;
    for (auto next : aio::as_completed(v, 2.01)) {
      try {
        co_await next;
      } catch (const aio::TimeoutError&) {
        at = aio::EventLoop::current().now_ns();
      }
    }
    v[0].cancel();
    co_return at;
  }());
  CHECK(ns == 2'010'000'000);
}
