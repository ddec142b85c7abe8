#include <catch2/catch.hpp>

#include "support.hpp"

TEST_CASE("sleep waits its delay on the virtual clock, exactly", "[sleep]") {
  double t = test::run_virtual([]() -> aio::Coro<double> {
    co_await aio::sleep(1.5);
    co_return test::now();
  }());
  CHECK(t == 1.5);
}

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace {

aio::Coro<> sleep_then_print(std::string s, double d) {
  co_await aio::sleep(d);
  aio::print(s);
}

aio::Coro<> yield_loop(std::string name, int n, double d) {
  for (int i = 1; i <= n; ++i) {
    aio::print(name + std::to_string(i));
    co_await aio::sleep(d);
  }
}

}  // namespace

TEST_CASE("consecutive sleeps add up exactly on the virtual clock", "[sleep]") {
  std::vector<double> times = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    std::vector<double> t;
    co_await aio::sleep(0.25);
    t.push_back(test::now());
    co_await aio::sleep(0.5);
    t.push_back(test::now());
    co_await aio::sleep(2);
    t.push_back(test::now());
    co_return t;
  }());
  CHECK(times == std::vector<double>{0.25, 0.75, 2.75});
}

TEST_CASE("after sleep(d) from time 0 the loop time reads exactly d", "[sleep]") {
  // Python's loop.time() after asyncio.sleep(d) on a virtual clock reads d: the decimal a user wrote.
  // (ns / 1e9 gives exactly that for these; ns * 1e-9 does not, e.g. 0.30000000000000004.)
  Catch::StringMaker<double>::precision = 17;
  for (double d : {0.1, 0.2, 0.3, 0.7, 0.15, 0.03, 1.1, 2.3, 0.001, 12.34}) {
    double t = test::run_virtual([](double d) -> aio::Coro<double> {
      co_await aio::sleep(d);
      co_return test::now();
    }(d));
    INFO("d = " << d);
    CHECK(t == d);
  }
}

TEST_CASE("timers with equal deadlines fire in the order they were set", "[sleep]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(sleep_then_print("A", 1));
    auto b = aio::create_task(sleep_then_print("B", 1));
    auto c = aio::create_task(sleep_then_print("C", 1));
    // X sets its 2 s deadline at t=0, Y its 1 s one at t=1: same deadline, X first.
    auto x = aio::create_task(sleep_then_print("X", 2));
    co_await aio::sleep(1);
    auto y = aio::create_task(sleep_then_print("Y", 1));
    co_await a;
    co_await b;
    co_await c;
    co_await x;
    co_await y;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"A", "B", "C", "X", "Y"});
  CHECK(out[0].t == 1);
  CHECK(out[3].t == 2);
  CHECK(out[4].t == 2);
}

TEST_CASE("sleeps wake in deadline order, not creation order", "[sleep]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(sleep_then_print("3s", 3));
    auto b = aio::create_task(sleep_then_print("1s", 1));
    auto c = aio::create_task(sleep_then_print("2s", 2));
    co_await a;
    co_await b;
    co_await c;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"1s", "2s", "3s"});
  CHECK(out[0].t == 1);
  CHECK(out[1].t == 2);
  CHECK(out[2].t == 3);
}

TEST_CASE("a negative or NaN delay is treated as 0: one loop turn, no time passes", "[sleep]") {
  for (double d : {-1.0, -1e300, std::nan(""), 0.0, -0.0}) {
    std::vector<test::Printed> out;
    test::run_virtual([](double d) -> aio::Coro<> {
      auto a = aio::create_task(yield_loop("A", 2, d));
      auto b = aio::create_task(yield_loop("B", 2, d));
      co_await a;
      co_await b;
    }(d), &out);
    INFO("d = " << d);
    CHECK(test::texts(out) == std::vector<std::string>{"A1", "B1", "A2", "B2"});
    for (const auto& l : out) CHECK(l.t == 0);
  }
}

TEST_CASE("a positive delay below a nanosecond is a timer, not a yield: a sleep(0) overtakes it", "[sleep]") {
  // CPython: asyncio.sleep(1e-10) sets a timer (only delay <= 0 yields), so B prints before A.
  auto sleep_then_print = [](std::string name, double d) -> aio::Coro<> {
    co_await aio::sleep(d);
    aio::print(name);
  };
  std::vector<test::Printed> out;
  test::run_virtual([](auto sleep_then_print) -> aio::Coro<> {
    auto a = aio::create_task(sleep_then_print("A", 1e-10));
    auto b = aio::create_task(sleep_then_print("B", 0));
    co_await a;
    co_await b;
  }(sleep_then_print), &out);
  REQUIRE(test::texts(out) == std::vector<std::string>{"B", "A"});
  CHECK(out[1].t == 1e-9);
  CHECK(aio::to_loop_ns(1e-10) == 1);
  CHECK(aio::to_loop_ns(4e-10) == 1);
  CHECK(aio::to_loop_ns(1.4e-9) == 1);
  CHECK(aio::to_loop_ns(1.6e-9) == 2);
  CHECK(aio::to_loop_ns(0) == 0);
  CHECK(aio::to_loop_ns(-1e-10) == 0);
}

TEST_CASE("sleep takes std::chrono durations", "[sleep]") {
  std::vector<double> times = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    using namespace std::chrono_literals;
    std::vector<double> t;
    co_await aio::sleep(250ms);
    t.push_back(test::now());
    co_await aio::sleep(std::chrono::seconds(2));
    t.push_back(test::now());
    co_await aio::sleep(-5ms);
    t.push_back(test::now());
    co_await aio::sleep(std::chrono::duration<double>(0.5));
    t.push_back(test::now());
    co_await aio::sleep(1500us);
    t.push_back(test::now());
    co_return t;
  }());
  CHECK(times == std::vector<double>{0.25, 2.25, 2.25, 2.75, 2.7515});
}

TEST_CASE("a sleep wakes its task one iteration after the deadline's callbacks, as asyncio", "[sleep]") {
  // CPython prints "cb" before "task" whichever of the two was scheduled first.
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto h1 = loop.call_later(1, [] { aio::print("cb"); });
    co_await sleep_then_print("task", 1);  // timer set after the callback's
    auto s = aio::create_task(sleep_then_print("task", 1));
    co_await aio::sleep(0);  // s's timer is set now, before the callback's
    auto h2 = loop.call_later(1, [] { aio::print("cb"); });
    co_await s;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cb", "task", "cb", "task"});
  CHECK(out[3].t == 2);
}

TEST_CASE("cancelling a sleeping task ends the sleep at once with CancelledError", "[sleep]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        aio::print("sleep cancelled");
        throw;
      }
    }());
    co_await aio::sleep(1.5);
    t.cancel();
    CHECK_THROWS_AS(co_await t, aio::CancelledError);
    CHECK(test::now() == 1.5);
  }(), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].t == 1.5);
}

TEST_CASE("a cancelled sleep's timer does not keep the loop waiting", "[sleep]") {
  double end = test::run_virtual([]() -> aio::Coro<double> {
    std::vector<aio::Task<>> tasks;
    for (int i = 0; i < 300; ++i) tasks.push_back(aio::create_task([]() -> aio::Coro<> {
      co_await aio::sleep(100);
    }()));
    co_await aio::sleep(0);
    for (auto& t : tasks) t.cancel();
    for (auto& t : tasks) CHECK_THROWS_AS(co_await t, aio::CancelledError);
    co_await aio::sleep(1);
    co_return test::now();
  }());
  CHECK(end == 1);
}

TEST_CASE("an infinite sleep waits until it is cancelled", "[sleep]") {
  for (double d : {std::numeric_limits<double>::infinity(), 1e300, 9.3e9}) {
    double t = test::run_virtual([](double d) -> aio::Coro<double> {
      auto sleeper = aio::create_task([](double d) -> aio::Coro<> { co_await aio::sleep(d); }(d));
      co_await aio::sleep(2);
      CHECK_FALSE(sleeper.done());
      sleeper.cancel();
      CHECK_THROWS_AS(co_await sleeper, aio::CancelledError);
      co_return test::now();
    }(d));
    CHECK(t == 2);
  }
}

TEST_CASE("timers keep deadline-then-scheduling order after many cancelled sleeps are swept", "[sleep]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Task<>> doomed, live;
    for (int i = 0; i < 400; ++i)
      doomed.push_back(aio::create_task([](double d) -> aio::Coro<> { co_await aio::sleep(d); }(1 + i % 7)));
    // Deadlines 3,1,2,3,1,2,... (in quarter seconds): ties fire in creation order.
    for (int i = 0; i < 30; ++i) {
      double d = 0.25 * (1 + (i * 2) % 3);
      live.push_back(aio::create_task(sleep_then_print(std::to_string(i), d)));
    }
    co_await aio::sleep(0);
    for (auto& t : doomed) t.cancel();
    co_await aio::sleep(0);  // the loop sweeps its stale entries
    for (auto& t : live) co_await t;
  }(), &out);
  std::vector<std::string> expected;
  std::vector<double> expected_t;
  for (int k = 1; k <= 3; ++k)
    for (int i = 0; i < 30; ++i)
      if (1 + (i * 2) % 3 == k) {
        expected.push_back(std::to_string(i));
        expected_t.push_back(0.25 * k);
      }
  CHECK(test::texts(out) == expected);
  std::vector<double> got_t;
  for (const auto& l : out) got_t.push_back(l.t);
  CHECK(got_t == expected_t);
}
