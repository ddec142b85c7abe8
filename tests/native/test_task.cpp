// Task<T> and create_task: asyncio.Task semantics (start order, results, cancellation, callbacks).
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<> say(std::string s) {
  aio::print(s);
  co_return;
}

aio::Coro<int> value_after(int v, double d) {
  co_await aio::sleep(d);
  co_return v;
}

aio::Coro<int> fail_after(double d) {
  co_await aio::sleep(d);
  throw std::runtime_error("task failed");
  co_return 0;
}

aio::Coro<> yield_loop(std::string name, int n) {
  for (int i = 1; i <= n; ++i) {
    aio::print(name + std::to_string(i));
    co_await aio::sleep(0);
  }
}

}  // namespace

TEST_CASE("tasks start in creation order, and only when their creator yields", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(say("A"));
    auto b = aio::create_task(say("B"));
    auto c = aio::create_task(say("C"));
    aio::print("main after create");
    co_await aio::sleep(0);
    aio::print("main after yield");
    co_await a;
    co_await b;
    co_await c;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"main after create", "A", "B", "C", "main after yield"});
}

TEST_CASE("sleep(0) is exactly one loop turn: two yielding tasks interleave", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(yield_loop("A", 3));
    auto b = aio::create_task(yield_loop("B", 3));
    co_await a;
    co_await b;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"A1", "B1", "A2", "B2", "A3", "B3"});
  for (const auto& l : out) CHECK(l.t == 0);
}

TEST_CASE("a finished task reports done, its result and no exception", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(5, 1));
    CHECK(t.valid());
    CHECK_FALSE(t.done());
    int v = co_await t;
    CHECK(v == 5);
    CHECK(t.done());
    CHECK_FALSE(t.cancelled());
    CHECK(t.result() == 5);
    CHECK(t.exception() == nullptr);
  }());
}

TEST_CASE("a failed task keeps its exception: result() rethrows it, exception() returns it", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(fail_after(0.5));
    CHECK_THROWS_WITH(co_await t, "task failed");
    CHECK(test::now() == 0.5);
    CHECK(t.done());
    CHECK_FALSE(t.cancelled());
    CHECK_THROWS_AS(t.result(), std::runtime_error);
    auto e = t.exception();
    REQUIRE(e);
    CHECK(aio::describe(e) == "task failed");
  }());
}

TEST_CASE("result() and exception() of a pending task throw InvalidStateError", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(1, 1));
    CHECK_THROWS_AS(t.result(), aio::InvalidStateError);
    CHECK_THROWS_AS(t.exception(), aio::InvalidStateError);
    co_await aio::sleep(0);  // started, now sleeping: still pending
    CHECK_THROWS_AS(t.result(), aio::InvalidStateError);
    co_await t;
    CHECK(t.result() == 1);
  }());
}

TEST_CASE("exception() and result() of a cancelled task throw CancelledError", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(1, 1));
    co_await aio::sleep(0);
    t.cancel();
    co_await aio::sleep(0);
    CHECK(t.cancelled());
    CHECK_THROWS_AS(t.exception(), aio::CancelledError);
    CHECK_THROWS_AS(t.result(), aio::CancelledError);
  }());
}

TEST_CASE("tasks are named Task-N by default (the main task is Task-1) or as given", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    CHECK(aio::current_task().name() == "Task-1");
    auto a = aio::create_task(value_after(1, 0));
    auto b = aio::create_task(value_after(2, 0), "fetcher");
    auto c = aio::create_task(value_after(3, 0));
    CHECK(a.name() == "Task-2");
    CHECK(b.name() == "fetcher");
    CHECK(c.name() == "Task-4");
    CHECK(a.id() < b.id());
    CHECK(b.id() < c.id());
    c.set_name("renamed");
    CHECK(c.name() == "renamed");
    co_await a;
    co_await b;
    co_await c;
    CHECK(b.name() == "fetcher");  // still named once done
  }());
}

TEST_CASE("current_task() throws outside a task", "[task]") {
  CHECK_THROWS_AS(aio::current_task(), std::logic_error);
}

TEST_CASE("a task can be awaited many times, and by many tasks", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(42, 1));
    auto waiter = [](aio::Task<int> t, std::string name) -> aio::Coro<int> {
      int v = co_await t;
      aio::print(name, v);
      co_return v;
    };
    auto w1 = aio::create_task(waiter(t, "w1"));
    auto w2 = aio::create_task(waiter(t, "w2"));
    auto w3 = aio::create_task(waiter(t, "w3"));
    int a = co_await t;
    int b = co_await t;
    aio::print("main", a + b);
    co_await w1;
    co_await w2;
    co_await w3;
  }(), &out);
  // The awaiters wake in the order they started waiting: main first (the waiters start when it yields).
  CHECK(test::texts(out) == std::vector<std::string>{"main 84", "w1 42", "w2 42", "w3 42"});
  for (const auto& l : out) CHECK(l.t == 1);
}

TEST_CASE("every awaiter of a failed task gets its exception", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(fail_after(1));
    auto waiter = [](aio::Task<int> t) -> aio::Coro<std::string> {
      try {
        co_await t;
      } catch (const std::runtime_error& e) {
        co_return e.what();
      }
      co_return "no error";
    };
    auto w1 = aio::create_task(waiter(t));
    auto w2 = aio::create_task(waiter(t));
    CHECK(co_await w1 == "task failed");
    CHECK(co_await w2 == "task failed");
    CHECK_THROWS_WITH(co_await t, "task failed");
  }());
}

TEST_CASE("awaiting a task that is already done does not yield to the loop", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(1, 0));
    co_await aio::sleep(0);
    co_await aio::sleep(0);  // t has run to completion by now
    REQUIRE(t.done());
    auto b = aio::create_task(say("B"));
    co_await t;
    aio::print("main after await");
    co_await b;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"main after await", "B"});
}

TEST_CASE("add_done_callback runs after completion, scheduled on the loop, not synchronously", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(3, 1));
    t.add_done_callback([](const aio::Task<int>& done) {
      aio::print("callback", done.done() ? "done" : "pending", done.result());
    });
    aio::print("added");
    co_await t;
    aio::print("main resumed");
    // Added once done: still scheduled, not called in add_done_callback itself.
    t.add_done_callback([](const aio::Task<int>&) { aio::print("late callback"); });
    aio::print("after late add");
    co_await aio::sleep(0);
    aio::print("main after yield");
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"added", "callback done 3", "main resumed", "after late add",
                                               "late callback", "main after yield"});
  CHECK(out[1].t == 1);
}

TEST_CASE("cancel is a request, delivered as CancelledError at the task's next suspension", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      aio::current_task().cancel();
      aio::print("still running after cancel()");
      try {
        co_await aio::sleep(5);
        aio::print("slept");
      } catch (const aio::CancelledError&) {
        aio::print("CancelledError at the next await");
        throw;
      }
    }());
    CHECK_THROWS_AS(co_await t, aio::CancelledError);
    CHECK(t.cancelled());
  }(), &out);
  CHECK(test::texts(out) ==
        std::vector<std::string>{"still running after cancel()", "CancelledError at the next await"});
  CHECK(out[1].t == 0);
}

TEST_CASE("a task that catches CancelledError and returns normally ends done, not cancelled", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<int> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        co_return 7;
      }
      co_return 0;
    }());
    co_await aio::sleep(1);
    CHECK(t.cancel());
    int v = co_await t;
    CHECK(v == 7);
    CHECK(t.done());
    CHECK_FALSE(t.cancelled());
    CHECK(t.result() == 7);
    CHECK(test::now() == 1);
  }());
}

TEST_CASE("a task cancelled before it starts never runs its body", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(say("body ran"));
    CHECK(t.cancel("early"));
    try {
      co_await t;
      aio::print("no error");
    } catch (const aio::CancelledError& e) {
      aio::print("cancelled:", e.message());
    }
    CHECK(t.cancelled());
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cancelled: early"});
}

TEST_CASE("cancel() returns true for a pending task and false once it is done", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(1, 0));
    co_await t;
    CHECK_FALSE(t.cancel());
    CHECK_FALSE(t.cancelled());
    CHECK(t.result() == 1);
    auto u = aio::create_task(value_after(1, 5));
    co_await aio::sleep(0);
    CHECK(u.cancel());
    CHECK_THROWS_AS(co_await u, aio::CancelledError);
    CHECK_FALSE(u.cancel());  // cancelled is done too
  }());
}

TEST_CASE("the cancel message reaches the CancelledError, inside the task and for its awaiter", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError& e) {
        aio::print(std::string("inside: ") + e.what() + " / " + e.message());
        throw;
      }
    }());
    co_await aio::sleep(0);
    t.cancel("shutting down");
    try {
      co_await t;
    } catch (const aio::CancelledError& e) {
      aio::print(std::string("awaiter: ") + e.what());
    }
  }(), &out);
  CHECK(test::texts(out) ==
        std::vector<std::string>{"inside: shutting down / shutting down", "awaiter: shutting down"});
}

TEST_CASE("cancelling a task that awaits another task cancels the awaited task too", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto inner = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError& e) {
        aio::print("inner cancelled:", e.message());
        throw;
      }
    }());
    auto outer = aio::create_task([](aio::Task<> inner) -> aio::Coro<> { co_await inner; }(inner));
    co_await aio::sleep(1);
    outer.cancel("why");
    try {
      co_await outer;
    } catch (const aio::CancelledError& e) {
      aio::print("outer cancelled:", e.message());
    }
    CHECK(inner.cancelled());
    CHECK(outer.cancelled());
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"inner cancelled: why", "outer cancelled: why"});
  for (const auto& l : out) CHECK(l.t == 1);
}

TEST_CASE("cancelling() counts cancel requests and uncancel() takes one back", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<int> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        auto me = aio::current_task();
        aio::print("cancelling in handler:", static_cast<int>(me.cancelling()));
        me.uncancel();
        aio::print("after uncancel:", static_cast<int>(me.cancelling()));
        co_return 7;
      }
      co_return 0;
    }());
    co_await aio::sleep(0);
    CHECK(t.cancelling() == 0);
    t.cancel();
    t.cancel();
    aio::print("cancelling after two:", static_cast<int>(t.cancelling()));
    int r = co_await t;
    aio::print("result", r, t.cancelled());
    CHECK(t.uncancel() == 0);
    CHECK(t.uncancel() == 0);  // never below zero
  }(), &out);
  // CPython 3.11 prints exactly these.
  CHECK(test::texts(out) == std::vector<std::string>{"cancelling after two: 2", "cancelling in handler: 2",
                                               "after uncancel: 1", "result 7 False"});
}

TEST_CASE("a task that cancels itself and returns without awaiting ends cancelled", "[task]") {
  // CPython's must_cancel rule: the request still pending at the end of the last step cancels the task.
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<int> {
      aio::current_task().cancel("self");
      co_return 5;
    }());
    try {
      co_await t;
      FAIL("awaiting a self-cancelled task did not raise");
    } catch (const aio::CancelledError& e) {
      CHECK(e.message() == "self");
    }
    CHECK(t.done());
    CHECK(t.cancelled());
    CHECK_FALSE(t.cancel());
  }());
}

TEST_CASE("a task whose cancellation is caught can be cancelled again later", "[task]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        aio::print("first cancel caught");
      }
      co_await aio::sleep(10);
      aio::print("not reached");
    }());
    co_await aio::sleep(1);
    t.cancel();
    co_await aio::sleep(1);
    CHECK_FALSE(t.done());
    t.cancel();
    CHECK_THROWS_AS(co_await t, aio::CancelledError);
    CHECK(test::now() == 2);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"first cancel caught"});
}

TEST_CASE("a default-constructed Task handle is not valid", "[task]") {
  aio::Task<int> t;
  CHECK_FALSE(t.valid());
}

TEST_CASE("a task woken by its future but cancelled before it runs gets CancelledError", "[task]") {
  // CPython: the future's result is set, then cancel() comes before the task's step: CancelledError wins.
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto t = aio::create_task([](aio::Future<int> f) -> aio::Coro<> {
      try {
        int v = co_await f;
        aio::print("got", v);
      } catch (const aio::CancelledError&) {
        aio::print("cancelled although the future was set");
        throw;
      }
    }(f));
    co_await aio::sleep(0);
    f.set_result(1);
    CHECK(t.cancel());
    CHECK_THROWS_AS(co_await t, aio::CancelledError);
    CHECK_FALSE(f.cancelled());
    CHECK(f.result() == 1);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cancelled although the future was set"});
}

TEST_CASE("two cancels before the task runs raise CancelledError once", "[task]") {
  // CPython: ['caught once', 'slept after'], cancelling() == 2
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<int> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        aio::print("caught once");
      }
      co_await aio::sleep(1);
      aio::print("slept after");
      co_return static_cast<int>(aio::current_task().cancelling());
    }());
    co_await aio::sleep(0);
    t.cancel();
    t.cancel();
    int cancelling = co_await t;
    CHECK(cancelling == 2);
    CHECK(test::now() == 1);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"caught once", "slept after"});
}

TEST_CASE("cancelling() keeps counting past 65535 requests, as CPython's int does", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> { co_await aio::sleep(10); }());
    co_await aio::sleep(0);
    for (int i = 0; i < 70000; ++i) t.cancel();
    CHECK(t.cancelling() == 70000);
    CHECK(t.uncancel() == 69999);
    CHECK_THROWS_AS(co_await t, aio::CancelledError);
  }());
}

TEST_CASE("a task's name and its cancel message are kept apart", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto named = aio::create_task(value_after(1, 5), "worker");
    auto plain = aio::create_task(value_after(2, 5));
    co_await aio::sleep(0);
    named.cancel("stop named");
    plain.cancel("stop plain");
    CHECK(named.name() == "worker");
    CHECK(plain.name() == "Task-3");
    try {
      co_await named;
    } catch (const aio::CancelledError& e) {
      CHECK(e.message() == "stop named");
    }
    try {
      co_await plain;
    } catch (const aio::CancelledError& e) {
      CHECK(e.message() == "stop plain");
    }
    CHECK(named.name() == "worker");
    CHECK(plain.name() == "Task-3");
  }());
}

TEST_CASE("current_task() is the running task, as a handle equal to its Task", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::AnyTask seen;
    auto t = aio::create_task([](aio::AnyTask* seen) -> aio::Coro<int> {
      *seen = aio::current_task();
      co_return 1;
    }(&seen));
    co_await t;
    CHECK(seen == t);
    CHECK(seen.done());
    CHECK(seen.name() == t.name());
    CHECK_FALSE(seen == aio::current_task());
  }());
}

TEST_CASE("a task may be awaited again: a copyable result is copied out each time", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(value_after(7, 1));
    auto other = t;  // a second handle: awaiting through an rvalue must not take the value from it
    CHECK(co_await t == 7);
    CHECK(co_await t == 7);
    // (Rvalue awaits go to a local first: g++ 12 mishandles awaiter temporaries inside CHECK.)
    int last = co_await std::move(t);
    CHECK(last == 7);
    CHECK_FALSE(t.valid());  // the rvalue's handle was taken over
    CHECK(other.result() == 7);
    auto s = aio::create_task([]() -> aio::Coro<std::string> { co_return std::string(100, 'x'); }());
    auto copy = s;
    std::string copied = co_await std::move(s);
    CHECK(copied.size() == 100);
    CHECK(copy.result().size() == 100);  // another handle is left: copied, not moved
    std::string moved = co_await std::move(copy);  // the last handle: moved out
    CHECK(moved.size() == 100);
  }());
}

namespace {
aio::Coro<std::unique_ptr<int>> make_box(int v) {
  co_await aio::sleep(1);
  co_return std::make_unique<int>(v);
}
}  // namespace

TEST_CASE("a task carries a move-only result: awaited by handle as a reference, moved out by the last one", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(make_box(5));
    const std::unique_ptr<int>& ref = co_await t;
    static_assert(std::is_same_v<aio::await_result_t<decltype(t)&>, const std::unique_ptr<int>&>);
    static_assert(std::is_same_v<aio::await_result_t<decltype(t)>, std::unique_ptr<int>>);
    CHECK(*ref == 5);
    CHECK(*t.result() == 5);
    CHECK(&t.result() == &ref);  // awaiting again gives the same object

    // Other handles left: an rvalue await cannot move the result away from them, and loses nothing.
    auto other = t;
    bool refused = false;
    try {
      std::unique_ptr<int> stolen = co_await std::move(t);
    } catch (const aio::InvalidStateError&) {
      refused = true;
    }
    CHECK(refused);
    CHECK_FALSE(t.valid());
    CHECK(*other.result() == 5);

    // The last handle moves it out.
    std::unique_ptr<int> own = co_await std::move(other);
    CHECK(*own == 5);
    std::unique_ptr<int> direct = co_await aio::create_task(make_box(6));
    CHECK(*direct == 6);
  }());
}

TEST_CASE("a move-only result passes through wait_for, and a failed move-only task still raises", "[task]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto box = co_await aio::wait_for(make_box(3), 5.0);
    CHECK(*box == 3);
    auto failing = aio::create_task([]() -> aio::Coro<std::unique_ptr<int>> {
      co_await aio::sleep(0);
      throw std::runtime_error("no box");
    }());
    CHECK_THROWS_WITH(co_await failing, "no box");
    CHECK_THROWS_WITH(failing.result(), "no box");
  }());
}
