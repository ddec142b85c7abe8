// aio::shield against asyncio.shield (CPython 3.11 is the oracle: expected lines are what the equivalent
// Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<std::string> inner(std::string name, double delay, bool fail = false) {
  co_await aio::sleep(delay);
  if (fail) throw std::runtime_error(name);
  aio::print("inner done", name);
  co_return name;
}

}  // namespace

// Python sh.py: the task awaiting shield(t) is cancelled at 1; t goes on and finishes at 2.
TEST_CASE("shield: cancelling the awaiting task does not cancel the inner task", "[shield]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(inner("a", 2));
    auto w = aio::create_task([](aio::Task<std::string> t) -> aio::Coro<std::string> {
      try {
        co_return co_await aio::shield(t);
      } catch (const aio::CancelledError&) {
        aio::print("aw cancelled");
        throw;
      }
    }(t));
    co_await aio::sleep(1);
    w.cancel();
    try {
      co_await w;
    } catch (const aio::CancelledError&) {
      aio::print("w cancelled", t.cancelled());
    }
    aio::print(co_await t);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 aw cancelled", "1 w cancelled False", "2 inner done a", "2 a"});
}

// Python sh.py: cancelling the outer future at 0.5; the awaiter gets CancelledError at once; the inner
// coroutine (made a task by shield) still finishes at 1.
TEST_CASE("shield: cancelling the outer future leaves the inner coroutine running to completion", "[shield]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto o = aio::shield(inner("b", 1));
    auto w = aio::create_task([](aio::Future<std::string> o) -> aio::Coro<> {
      try {
        co_await o;
      } catch (const aio::CancelledError&) {
        aio::print("aw2 cancelled");
      }
    }(o));
    co_await aio::sleep(0.5);
    CHECK(o.cancel());
    co_await w;
    CHECK(o.cancelled());
    co_await aio::sleep(1);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0.5 aw2 cancelled", "1 inner done b"});
}

TEST_CASE("shield: the inner's side effect and time are unaffected by the outer's cancellation", "[shield]") {
  int effect = 0;
  auto t = test::run_virtual([](int* effect) -> aio::Coro<double> {
    auto inner_task = aio::create_task([](int* effect) -> aio::Coro<double> {
      co_await aio::sleep(3);
      *effect = 1;
      co_return test::now();
    }(effect));
    auto w = aio::create_task([](aio::Task<double> t) -> aio::Coro<double> { co_return co_await aio::shield(t); }(
        inner_task));
    co_await aio::sleep(1);
    w.cancel();
    auto e = co_await test::error_of(w);
    CHECK_THROWS_AS(test::rethrow(e), aio::CancelledError);
    CHECK(test::now() == 1);  // the awaiter got its CancelledError at once
    CHECK(*effect == 0);
    co_return co_await inner_task;
  }(&effect));
  CHECK(t == 3);
  CHECK(effect == 1);
}

// Python sh.py: shield(inner('c', 1, fail)) raises ValueError('c').
TEST_CASE("shield: an inner failure propagates to the outer", "[shield]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto e = co_await test::error_of(aio::shield(inner("c", 1, true)));
    CHECK_THROWS_WITH(test::rethrow(e), "c");
    CHECK(test::now() == 1);
    auto f = aio::shield(inner("d", 1, true));
    co_await aio::sleep(2);
    CHECK(f.done());
    CHECK_FALSE(f.cancelled());
    CHECK_THROWS_AS(f.result(), std::runtime_error);
  }());
}

// Python sh.py: the inner task is cancelled at 1 -> the outer is cancelled; the awaiting task itself was
// not cancelled (cancelling() == 0).
TEST_CASE("shield: an inner cancellation propagates to the outer", "[shield]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(inner("d", 5));
    auto k = aio::create_task([](aio::Task<std::string> t) -> aio::Coro<> {
      co_await aio::sleep(1);
      t.cancel();
    }(t));
    auto o = aio::shield(t);
    try {
      co_await o;
    } catch (const aio::CancelledError&) {
      aio::print("outer cancelled by inner", aio::current_task().cancelling());
    }
    CHECK(o.cancelled());
    co_await k;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 outer cancelled by inner 0"});
}

TEST_CASE("shield: a value passes through when nothing is cancelled", "[shield]") {
  auto r = test::run_virtual([]() -> aio::Coro<std::string> { co_return co_await aio::shield(inner("v", 0.5)); }());
  CHECK(r == "v");
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("shield: the awaiter resumes at the same loop turn as in CPython", "[shield]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    co_await aio::shield(test::quiet_child("a"));
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 tick 2", "0 tick 3", "0 resumed",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}
