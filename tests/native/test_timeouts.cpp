// aio::wait_for / aio::timeout / aio::timeout_at against asyncio's (CPython 3.11 is the oracle: expected
// lines are what the equivalent Python program prints on a virtual clock, "<loop.time()> <text>").
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

// Python's slow(d, cleanup): on cancellation it optionally sleeps `cleanup` before re-raising.
aio::Coro<int> slow(double delay, double cleanup = 0) {
  bool cancelled = false;
  try {
    co_await aio::sleep(delay);
  } catch (const aio::CancelledError&) {
    aio::print("inner cancelled");
    // No co_await in a handler: remember and clean up after it.
    if (cleanup <= 0) throw;
    cancelled = true;
  }
  if (cancelled) {
    co_await aio::sleep(cleanup);
    aio::print("cleanup done");
    throw aio::CancelledError();
  }
  aio::print("inner done");
  co_return 42;
}

aio::Coro<int> side_effect(int* started) {
  ++*started;
  co_return 1;
}

}  // namespace

TEST_CASE("wait_for: returns the result when it comes in time", "[timeouts]") {
  std::vector<test::Printed> printed;
  auto r = test::run_virtual([]() -> aio::Coro<int> {
    int v = co_await aio::wait_for(slow(1), 2.0);
    aio::print("r", v);
    auto t = aio::create_task(slow(0.5));
    int w = co_await aio::wait_for(t, 1.0);  // a task works as well
    CHECK(test::now() == 1.5);
    co_return v + w;
  }(), &printed);
  CHECK(r == 84);
  CHECK(test::lines(printed) == test::Lines{"1 inner done", "1 r 42", "1.5 inner done"});
}

// Python to.py: wait_for(slow(5, cleanup=0.5), 1) raises TimeoutError at 1.5, after the inner's cleanup.
TEST_CASE("wait_for: on timeout cancels the inner task, waits for its cleanup, raises TimeoutError",
          "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::wait_for(slow(5, 0.5), 1.0);
      FAIL("no TimeoutError");
    } catch (const aio::TimeoutError&) {
      aio::print("timeout");
    }
    auto t = aio::create_task(slow(5));
    auto e = co_await test::error_of(aio::wait_for(t, 1.0));
    CHECK_THROWS_AS(test::rethrow(e), aio::TimeoutError);
    CHECK(t.cancelled());  // not running any more once wait_for has returned
    CHECK(test::now() == 2.5);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner cancelled", "1.5 cleanup done", "1.5 timeout",
                                            "2.5 inner cancelled"});
}

// Python to.py: wait_for(side(), 0) and wait_for(side(), -1) raise TimeoutError, side never runs.
TEST_CASE("wait_for: a timeout <= 0 never starts the coroutine", "[timeouts]") {
  int started = 0;
  test::run_virtual([](int* started) -> aio::Coro<> {
    auto e0 = co_await test::error_of(aio::wait_for(side_effect(started), 0.0));
    CHECK_THROWS_AS(test::rethrow(e0), aio::TimeoutError);
    auto e1 = co_await test::error_of(aio::wait_for(side_effect(started), -1.0));
    CHECK_THROWS_AS(test::rethrow(e1), aio::TimeoutError);
    CHECK(*started == 0);
    CHECK(test::now() == 0);
    // A task that is done already gives its result even with a zero timeout.
    auto t = aio::create_task(side_effect(started));
    co_await aio::sleep(0);
    int v = co_await aio::wait_for(t, 0.0);
    CHECK(v == 1);
  }(&started));
  CHECK(started == 1);
}

TEST_CASE("wait_for: a nullopt timeout is a plain await", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    aio::print("none", co_await aio::wait_for(slow(0.5), std::nullopt));
    // Inline like `await`: it runs in the awaiting task itself.
    auto me = aio::current_task();
    co_await aio::wait_for([](aio::AnyTask me) -> aio::Coro<> {
      CHECK(aio::current_task() == me);
      co_await aio::sleep(100);
    }(me), std::nullopt);
    CHECK(test::now() == 100.5);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0.5 inner done", "0.5 none 42"});
}

// Python to.py: the awaiter of wait_for(slow(5, 0.5), 10) is cancelled at 1: the inner is cancelled, its
// cleanup runs, and the awaiter gets CancelledError at 1.5.
TEST_CASE("wait_for: cancelling the awaiter cancels the inner task and raises CancelledError", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::wait_for(slow(5, 0.5), 10.0);
      } catch (const aio::CancelledError&) {
        aio::print("aw cancelled");
        throw;
      } catch (const aio::TimeoutError&) {
        aio::print("TimeoutError (wrong)");
      }
    }());
    co_await aio::sleep(1);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t cancelled", t.cancelled());
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner cancelled", "1.5 cleanup done", "1.5 aw cancelled",
                                            "1.5 t cancelled True"});
}

TEST_CASE("timeout: raises TimeoutError when the body overruns", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::timeout(1.0, slow(5));
      FAIL("no TimeoutError");
    } catch (const aio::TimeoutError&) {
      aio::print("scope timeout");
    }
    CHECK(aio::current_task().cancelling() == 0);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner cancelled", "1 scope timeout"});
}

TEST_CASE("timeout: returns the body's value when it finishes in time", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    int v = co_await aio::timeout(2.0, slow(1));
    aio::print("scope ok", v);
    co_await aio::timeout(1.0, []() -> aio::Coro<> { co_await aio::sleep(0.5); }());
    co_await aio::sleep(5);  // the expired deadline of the finished scope does nothing
    aio::print("still here");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner done", "1 scope ok 42", "6.5 still here"});
}

// Python to.py: outer timeout(1) expires while an inner timeout(5) is running.
TEST_CASE("timeout: the outer scope expiring raises TimeoutError from the outer only", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::timeout(1.0, []() -> aio::Coro<> {
        try {
          co_await aio::timeout(5.0, []() -> aio::Coro<> { co_await aio::sleep(10); }());
        } catch (const aio::TimeoutError&) {
          aio::print("inner TE (wrong)");
        } catch (const aio::CancelledError&) {
          aio::print("inner sees CancelledError");
          throw;
        }
      }());
    } catch (const aio::TimeoutError&) {
      aio::print("outer TE");
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner sees CancelledError", "1 outer TE"});
}

// Python to.py: the inner timeout(1) expires inside an outer timeout(5).
TEST_CASE("timeout: the inner scope expiring raises TimeoutError that the outer sees as an ordinary exception",
          "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::timeout(5.0, []() -> aio::Coro<> {
        try {
          co_await aio::timeout(1.0, []() -> aio::Coro<> { co_await aio::sleep(10); }());
        } catch (const aio::TimeoutError&) {
          aio::print("inner TE");
        }
        co_await aio::sleep(0.5);
        aio::print("outer body goes on");
      }());
    } catch (const aio::TimeoutError&) {
      aio::print("outer TE (wrong)");
    }
    // An inner TimeoutError that escapes passes through the outer scope unchanged.
    try {
      co_await aio::timeout(5.0, []() -> aio::Coro<> {
        co_await aio::timeout(1.0, []() -> aio::Coro<> { co_await aio::sleep(10); }());
      }());
    } catch (const aio::TimeoutError&) {
      aio::print("escaped TE");
    }
    CHECK(aio::current_task().cancelling() == 0);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 inner TE", "1.5 outer body goes on", "2.5 escaped TE"});
}

// Python to.py: t.cancel() at 1 while t is in a timeout(5) scope: CancelledError, not TimeoutError.
TEST_CASE("timeout: a cancel() from outside during a scope stays a CancelledError", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::timeout(5.0, []() -> aio::Coro<> { co_await aio::sleep(10); }());
      } catch (const aio::TimeoutError&) {
        aio::print("TE (wrong)");
      } catch (const aio::CancelledError&) {
        aio::print("scoped CancelledError");
        throw;
      }
    }());
    co_await aio::sleep(1);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("t cancelled", t.cancelled());
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 scoped CancelledError", "1 t cancelled True"});
}

TEST_CASE("timeout: a nullopt delay never expires", "[timeouts]") {
  auto t = test::run_virtual([]() -> aio::Coro<double> {
    int v = co_await aio::timeout(std::nullopt, slow(100));
    CHECK(v == 42);
    co_return test::now();
  }());
  CHECK(t == 100);
}

// Python to.py: timeout_at(now + 1.5) expires at 1.5; a deadline in the past expires on the next turn,
// after the body has started.
TEST_CASE("timeout_at: expires at the absolute deadline; a past deadline expires on the next turn", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    co_await aio::sleep(10);
    auto now_ns = aio::EventLoop::current().now_ns();
    try {
      co_await aio::timeout_at(now_ns + 1'500'000'000, []() -> aio::Coro<> { co_await aio::sleep(10); }());
    } catch (const aio::TimeoutError&) {
      aio::print("timeout_at");
    }
    now_ns = aio::EventLoop::current().now_ns();
    try {
      co_await aio::timeout_at(now_ns - 1'000'000'000, []() -> aio::Coro<> {
        aio::print("body runs");
        co_await aio::sleep(10);
      }());
    } catch (const aio::TimeoutError&) {
      aio::print("timeout_at past");
    }
    int v = co_await aio::timeout_at(aio::EventLoop::current().now_ns() + 2'000'000'000, slow(1));
    aio::print("in time", v);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"11.5 timeout_at", "11.5 body runs", "11.5 timeout_at past",
                                            "12.5 inner done", "12.5 in time 42"});
}

// Python edge.py: wait_for(slow(1), 1) and `async with timeout(1): await slow(1)` both time out: the
// timeout's timer was set first, so it fires before the inner sleep's wake-up is handled.
TEST_CASE("wait_for and timeout: a body finishing exactly at the deadline still times out", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      int v = co_await aio::wait_for([]() -> aio::Coro<int> {
        co_await aio::sleep(1);
        co_return 42;
      }(), 1.0);
      aio::print("equal wait_for", v);
    } catch (const aio::TimeoutError&) {
      aio::print("equal wait_for TE");
    }
    try {
      int v = co_await aio::timeout(1.0, []() -> aio::Coro<int> {
        co_await aio::sleep(1);
        co_return 42;
      }());
      aio::print("equal timeout", v);
    } catch (const aio::TimeoutError&) {
      aio::print("equal timeout TE");
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 equal wait_for TE", "2 equal timeout TE"});
}

// Python edge.py: an inner that swallows the cancellation and returns a value: wait_for returns it.
TEST_CASE("wait_for: an inner that suppresses the cancellation on timeout returns its value", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    std::string v = co_await aio::wait_for([]() -> aio::Coro<std::string> {
      try {
        co_await aio::sleep(5);
      } catch (const aio::CancelledError&) {
      }
      co_await aio::sleep(0.5);
      co_return "suppressed";
    }(), 1.0);
    aio::print("wf suppress", v);
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1.5 wf suppress suppressed"});
}

// Python edge.py: an inner whose cleanup raises: that exception, not TimeoutError, comes out.
TEST_CASE("wait_for: an exception raised by the inner's cleanup propagates instead of TimeoutError", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    try {
      co_await aio::wait_for([]() -> aio::Coro<> {
        try {
          co_await aio::sleep(5);
        } catch (const aio::CancelledError&) {
          throw std::out_of_range("cleanup");
        }
      }(), 1.0);
    } catch (const std::out_of_range& e) {
      aio::print("wf cleanup error", e.what());
    } catch (const aio::TimeoutError&) {
      aio::print("wf TE");
    }
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 wf cleanup error cleanup"});
}

// Python edge.py: a body that catches the scope's cancellation and returns: no TimeoutError, the value
// comes out and the task's cancel count is back to 0.
TEST_CASE("timeout: a body that suppresses the cancellation returns its value", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    int v = co_await aio::timeout(1.0, []() -> aio::Coro<int> {
      try {
        co_await aio::sleep(5);
      } catch (const aio::CancelledError&) {
        aio::print("body caught");
      }
      co_return 7;
    }());
    aio::print("timeout suppressed", v, aio::current_task().cancelling());
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"1 body caught", "1 timeout suppressed 7 0"});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("wait_for: the awaiter resumes at the same loop turn as in CPython", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    co_await aio::wait_for(test::quiet_child("a"), 10.0);
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 tick 1", "0 child a", "0 tick 2", "0 tick 3", "0 resumed",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

// Python turns.py: a ticker doing sleep(0) steps shows the loop turn at which the awaiter resumes.
TEST_CASE("timeout: the body runs inline, with no extra loop turn, as in CPython", "[timeouts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(test::ticker());
    co_await aio::timeout(10.0, test::quiet_child("a"));
    aio::print("resumed");
    co_await t;
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"0 tick 0", "0 child a", "0 resumed", "0 tick 1", "0 tick 2", "0 tick 3",
                                            "0 tick 4", "0 tick 5", "0 tick 6", "0 tick 7"});
}

// CPython computes every deadline as loop.time() + delay, so wait_for(x, 2.01), timeout(2.01) and
// sleep(2.01) all end at loop time 2.01. In loop nanoseconds: the same instant as sleep(2.01).
TEST_CASE("wait_for and timeout: the deadline is the same instant as sleep() of the same delay", "[timeouts]") {
  auto ns = test::run_virtual([]() -> aio::Coro<std::vector<std::int64_t>> {
    std::vector<std::int64_t> ns;
    auto now_ns = [] { return aio::EventLoop::current().now_ns(); };
    co_await aio::sleep(2.01);
    ns.push_back(now_ns());  // 2.01 s after 0
    try {
      co_await aio::wait_for([]() -> aio::Coro<> { co_await aio::sleep(100); }(), 2.01);
    } catch (const aio::TimeoutError&) {
    }
    ns.push_back(now_ns());  // 2.01 s after that
    try {
      co_await aio::timeout(2.01, []() -> aio::Coro<> { co_await aio::sleep(100); }());
    } catch (const aio::TimeoutError&) {
    }
    ns.push_back(now_ns());
    co_return ns;
  }());
  CHECK(ns == std::vector<std::int64_t>{2'010'000'000, 4'020'000'000, 6'030'000'000});
}
