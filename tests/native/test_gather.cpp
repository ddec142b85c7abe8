// aio::gather against asyncio.gather (CPython 3.11 is the oracle: every expected line below is what the
// equivalent Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<std::string> child(std::string name, double delay) {
  aio::print("start", name);
  co_await aio::sleep(delay);
  aio::print("end", name);
  co_return name;
}

aio::Coro<std::string> failing(std::string name, double delay) {
  co_await aio::sleep(delay);
  aio::print("fail", name);
  throw std::runtime_error(name);
}

aio::Coro<int> number(int n, double delay) {
  co_await aio::sleep(delay);
  co_return n;
}

aio::Coro<> sleeper_logging_cancel(int n, double delay) {
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    aio::print("cancelled", n);
    throw;
  }
  aio::print("finished", n);
}

}  // namespace

TEST_CASE("gather: variadic form returns a tuple in argument order regardless of finish order", "[gather]") {
  std::vector<test::Printed> printed;
  auto r = test::run_virtual([]() -> aio::Coro<std::tuple<std::string, int, std::string>> {
    co_return co_await aio::gather(child("a", 2), number(7, 0.5), child("b", 1));
  }(), &printed);
  CHECK(r == std::make_tuple(std::string("a"), 7, std::string("b")));
  CHECK(test::lines(printed) == test::Lines{"0 start a", "0 start b", "1 end b", "2 end a"});
}

TEST_CASE("gather: range form returns a vector in input order regardless of finish order", "[gather]") {
  auto r = test::run_virtual([]() -> aio::Coro<std::vector<int>> {
    std::vector<aio::Coro<int>> coros;
    coros.push_back(number(1, 3));
    coros.push_back(number(2, 1));
    coros.push_back(number(3, 2));
    coros.push_back(number(4, 0));
    co_return co_await aio::gather(std::move(coros));
  }());
  CHECK(r == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("gather: void results are aio::None, in both forms", "[gather]") {
  auto n = test::run_virtual([]() -> aio::Coro<std::size_t> {
    auto [a, b] = co_await aio::gather(aio::Coro<>(sleeper_logging_cancel(1, 1)), number(5, 0.5));
    CHECK(a == aio::None{});
    CHECK(b == 5);
    std::vector<aio::Coro<>> v;
    v.push_back(sleeper_logging_cancel(2, 0.5));
    v.push_back(sleeper_logging_cancel(3, 0.25));
    std::vector<aio::None> r = co_await aio::gather(std::move(v));
    co_return r.size();
  }());
  CHECK(n == 2);
}

// Python: gather(child('a', 2), child('b', 1, fail), child('c', 3)) with a ticker that starts at 1.
TEST_CASE("gather: the first exception propagates without cancelling the siblings", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker(1, 5));
    try {
      co_await aio::gather(test::quiet_child("a", 2), failing("b", 1), test::quiet_child("c", 3));
      FAIL("gather should have raised");
    } catch (const std::runtime_error& e) {
      aio::print("caught", e.what());
    }
    co_await aio::sleep(5);
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 tick 0", "1 fail b", "1 tick 1", "1 tick 2", "1 caught b", "1 tick 3",
                                            "1 tick 4", "2 child a", "3 child c"});
}

TEST_CASE("gather: siblings of a failed child finish with their results (range form)", "[gather]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(number(1, 2));
    auto b = aio::create_task([]() -> aio::Coro<int> {
      co_await aio::sleep(1);
      throw std::logic_error("boom");
    }());
    std::vector<aio::Task<int>> v{a, b};
    bool caught = false;
    try {
      co_await aio::gather(v);
    } catch (const std::logic_error&) {
      caught = true;
      CHECK(test::now() == 1);
    }
    CHECK(caught);
    CHECK_FALSE(a.done());
    co_await a;
    CHECK(test::now() == 2);
    CHECK_FALSE(a.cancelled());
    CHECK(a.result() == 1);
  }());
}

// Python: gather(cc(1), cc(2), t, return_exceptions=True); cc(2) raises KeyError, t is cancelled at 1.
TEST_CASE("gather: return_exceptions gives Outcomes with values, exceptions and cancellations", "[gather]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(number(5, 5));
    auto killer = aio::create_task([](aio::Task<int> victim) -> aio::Coro<> {
      co_await aio::sleep(1);
      victim.cancel();
    }(t));
    auto [ok, bad, cancelled] = co_await aio::gather(aio::return_exceptions, number(1, 1), []() -> aio::Coro<int> {
      co_await aio::sleep(2);
      throw std::out_of_range("k");
    }(), t);
    CHECK(test::now() == 2);
    CHECK(ok.ok());
    CHECK(ok.value() == 1);
    CHECK_FALSE(ok.exception());
    CHECK_FALSE(bad.ok());
    CHECK_FALSE(bad.cancelled());
    CHECK_THROWS_AS(bad.value(), std::out_of_range);
    CHECK_FALSE(cancelled.ok());
    CHECK(cancelled.cancelled());
    CHECK_THROWS_AS(cancelled.value(), aio::CancelledError);
    co_await killer;
  }());
}

TEST_CASE("gather: return_exceptions in the range form", "[gather]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Coro<std::string>> v;
    v.push_back(test::quiet_child("x", 1));
    v.push_back(failing("y", 0.5));
    v.push_back(test::quiet_child("z", 0.25));
    std::vector<aio::Outcome<std::string>> r = co_await aio::gather(std::move(v), aio::return_exceptions);
    CHECK(test::now() == 1);
    REQUIRE(r.size() == 3);
    CHECK(r[0].value() == "x");
    CHECK_THROWS_WITH(r[1].value(), "y");
    CHECK(r[2].value() == "z");
  }());
}

// Python main3: cancelling the task awaiting a gather cancels both children at once.
TEST_CASE("gather: cancelling the awaiter of gather cancels its children", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto g = aio::gather(sleeper_logging_cancel(1, 5), sleeper_logging_cancel(2, 5));
    auto t = aio::create_task([](decltype(g) g) -> aio::Coro<> {
      try {
        co_await g;
      } catch (const aio::CancelledError&) {
        aio::print("awaiter cancelled");
        throw;
      }
    }(g));
    co_await aio::sleep(1);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t cancelled", t.cancelled());
    }
    CHECK(g.done());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 cancelled 1", "1 cancelled 2", "1 awaiter cancelled",
                                            "1 t cancelled True"});
}

// Python main4: g.cancel() returns True, cancels the children, the awaiter gets CancelledError.
TEST_CASE("gather: cancelling the Gathering cancels the children and the awaiter gets CancelledError", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto g = aio::gather(sleeper_logging_cancel(1, 5), sleeper_logging_cancel(2, 5));
    auto t = aio::create_task([](decltype(g) g) -> aio::Coro<> {
      try {
        co_await g;
      } catch (const aio::CancelledError&) {
        aio::print("awaiter cancelled");
        throw;
      }
    }(g));
    co_await aio::sleep(1);
    aio::print("cancel returns", g.cancel());
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t cancelled", t.cancelled());
    }
    CHECK(g.done());
    CHECK_THROWS_AS(g.result(), aio::CancelledError);
    CHECK_FALSE(g.cancel());  // already done
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 cancel returns True", "1 cancelled 1", "1 cancelled 2",
                                            "1 awaiter cancelled", "1 t cancelled True"});
}

TEST_CASE("gather: gather of an empty range returns an empty result at once", "[gather]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Coro<int>> none;
    auto g = aio::gather(std::move(none));
    CHECK(g.done());
    std::vector<int> r = co_await g;
    CHECK(r.empty());
    std::vector<aio::Task<int>> no_tasks;
    auto r2 = co_await aio::gather(no_tasks, aio::return_exceptions);
    CHECK(r2.empty());
    CHECK(test::now() == 0);
  }());
}

// Python g3: a task passed to gather stays usable by its owner; it can be gathered again.
TEST_CASE("gather: tasks passed in are not consumed, the caller's handles remain valid", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(child("t", 0.5));
    auto [a, tt, b] = co_await aio::gather(child("a", 2), t, child("b", 1));
    CHECK(a == "a");
    CHECK(tt == "t");
    CHECK(b == "b");
    REQUIRE(t.valid());
    CHECK(t.done());
    CHECK(t.result() == "t");
    auto [x, y] = co_await aio::gather(t, t);
    CHECK(x == "t");
    CHECK(y == "t");
    std::vector<aio::Task<std::string>> v{t};
    auto r = co_await aio::gather(v);
    CHECK(r == std::vector<std::string>{"t"});
    CHECK(v[0].valid());
    CHECK(v[0].result() == "t");
    CHECK(t.result() == "t");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 start t", "0 start a", "0 start b", "0.5 end t", "1 end b", "2 end a"});
}

TEST_CASE("gather: coroutines are started in argument order", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::vector<aio::Coro<std::string>> v;
    for (auto n : {"p", "q", "r", "s"}) v.push_back(child(n, 0));
    co_await aio::gather(std::move(v));
    co_await aio::gather(child("x", 0), child("y", 0), child("z", 0));
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 start p", "0 start q", "0 start r", "0 start s", "0 end p", "0 end q",
                                            "0 end r", "0 end s", "0 start x", "0 start y", "0 start z", "0 end x",
                                            "0 end y", "0 end z"});
}

TEST_CASE("gather: the awaiter resumes at the max of the children's virtual times", "[gather]") {
  auto t = test::run_virtual([]() -> aio::Coro<double> {
    co_await aio::sleep(0.25);
    co_await aio::gather(number(1, 1.5), number(2, 0.75), number(3, 2.5), number(4, 0));
    co_return test::now();
  }());
  CHECK(t == 2.75);
}

// Python g1: gather(child('a', 0), child('b', 0)) with a ticker doing sleep(0) steps.
TEST_CASE("gather: the awaiter resumes at the same loop turn as in CPython (zero delays)", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker(0, 6));
    auto [a, b] = co_await aio::gather(test::quiet_child("a", 0), test::quiet_child("b", 0));
    aio::print("gathered", a, b);
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 child b", "0 tick 2", "0 tick 3",
                                            "0 gathered a b", "0 tick 4", "0 tick 5"});
}

// Python g2 main2: children and ticker all wake from timers at 1.
TEST_CASE("gather: the awaiter resumes at the same loop turn as in CPython (timers)", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker(1, 5));
    auto [a, b] = co_await aio::gather(test::quiet_child("a", 1), test::quiet_child("b", 1));
    aio::print("gathered", a, b);
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 tick 0", "1 child a", "1 child b", "1 tick 1", "1 tick 2",
                                            "1 gathered a b", "1 tick 3", "1 tick 4"});
}

// Python edge.py: a child cancelled by someone else: the awaiter gets CancelledError, but the awaiting
// task itself was not cancelled and carries on; the sibling is not cancelled.
TEST_CASE("gather: a child cancelled from outside raises CancelledError in the awaiter, which goes on",
          "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(number(5, 5));
    auto sibling = aio::create_task(test::quiet_child("s", 2));
    auto k = aio::create_task([](aio::Task<int> t) -> aio::Coro<> {
      co_await aio::sleep(1);
      t.cancel();
    }(t));
    try {
      co_await aio::gather(t, sibling);
    } catch (const aio::CancelledError&) {
      aio::print("gather got CancelledError", aio::current_task().cancelling());
    }
    co_await aio::sleep(2);
    aio::print("after", sibling.done(), sibling.cancelled());
    co_await k;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 gather got CancelledError 0", "2 child s", "3 after True False"});
}

// Python edge.py: gather(slow(5), slow(1), return_exceptions=True).cancel() at 2: CancelledError anyway.
TEST_CASE("gather: cancelling a return_exceptions Gathering still raises CancelledError", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto g = aio::gather(aio::return_exceptions, number(5, 5), number(1, 1));
    auto kg = aio::create_task([](decltype(g) g) -> aio::Coro<> {
      co_await aio::sleep(2);
      aio::print("cancel", g.cancel());
    }(g));
    try {
      auto r = co_await g;
      aio::print("got", std::get<0>(r).ok(), std::get<1>(r).ok());
    } catch (const aio::CancelledError&) {
      aio::print("re gather CancelledError");
    }
    co_await kg;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"2 cancel True", "2 re gather CancelledError"});
}

// Python extra.py: two tasks await the same gather; both get the results.
TEST_CASE("gather: a Gathering may be awaited by several tasks", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto g = aio::gather(test::quiet_child("a", 1), test::quiet_child("b", 2));
    auto aw = [](decltype(g) g, int n) -> aio::Coro<> {
      auto [a, b] = co_await g;
      aio::print("aw", n, a, b);
    };
    co_await aio::gather(aw(g, 1), aw(g, 2));
    CHECK(g.done());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 child a", "2 child b", "2 aw 1 a b", "2 aw 2 a b"});
}

// Python gsup.py: the awaiter of gather(stubborn(), sleep(3)) is cancelled at 1. The sleep child's
// cancellation is the first exception, so the awaiter gets CancelledError at once while the stubborn
// child, which swallowed its cancellation, goes on to return at 1.5.
TEST_CASE("gather: a cancelled awaiter does not wait for a child that swallows its cancellation", "[gather]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::gather([]() -> aio::Coro<int> {
          try {
            co_await aio::sleep(5);
          } catch (const aio::CancelledError&) {
            aio::print("child caught");
          }
          co_await aio::sleep(0.5);
          aio::print("child returns");
          co_return 1;
        }(), aio::Coro<>([]() -> aio::Coro<> { co_await aio::sleep(3); }()));
      } catch (const aio::CancelledError&) {
        aio::print("awaiter CancelledError");
      }
    }());
    co_await aio::sleep(1);
    t.cancel();
    co_await t;
    co_await aio::sleep(1);
    aio::print("end");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 child caught", "1 awaiter CancelledError", "1.5 child returns",
                                            "2 end"});
}
