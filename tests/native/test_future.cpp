// Future<T>: asyncio.Future: set once (value, exception, cancellation), awaited by tasks.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<> set_later(aio::Future<int> f, int v, double d) {
  co_await aio::sleep(d);
  f.set_result(v);
}

}  // namespace

TEST_CASE("set_result makes a future done with that value", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<std::string> f;
    CHECK_FALSE(f.done());
    CHECK_FALSE(f.cancelled());
    f.set_result("value");
    CHECK(f.done());
    CHECK_FALSE(f.cancelled());
    CHECK(f.result() == "value");
    CHECK(f.exception() == nullptr);
    CHECK(co_await f == "value");
    CHECK(co_await f == "value");  // awaited again: same value
  }());
}

TEST_CASE("a Future<void> is set with set_result()", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<> f;
    f.set_result();
    CHECK(f.done());
    co_await f;
    CHECK_NOTHROW(f.result());
  }());
}

TEST_CASE("set_exception makes awaiting and result() rethrow that exception", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    f.set_exception(std::make_exception_ptr(std::out_of_range("bad index")));
    CHECK(f.done());
    CHECK_FALSE(f.cancelled());
    CHECK_THROWS_AS(f.result(), std::out_of_range);
    REQUIRE(f.exception());
    CHECK(aio::describe(f.exception()) == "bad index");
    CHECK_THROWS_WITH(co_await f, "bad index");
  }());
}

TEST_CASE("set_exception with a null exception_ptr is refused", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    CHECK_THROWS_AS(f.set_exception(nullptr), std::invalid_argument);
    CHECK_FALSE(f.done());
    co_return;
  }());
}

TEST_CASE("cancel makes a future cancelled: awaiting raises CancelledError with the message", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    CHECK(f.cancel("no longer needed"));
    CHECK(f.done());
    CHECK(f.cancelled());
    CHECK_FALSE(f.cancel());  // already done
    CHECK_THROWS_AS(f.result(), aio::CancelledError);
    CHECK_THROWS_AS(f.exception(), aio::CancelledError);
    try {
      co_await f;
      FAIL("no CancelledError");
    } catch (const aio::CancelledError& e) {
      CHECK(e.message() == "no longer needed");
    }
  }());
}

TEST_CASE("result() and exception() of a pending future throw InvalidStateError", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    CHECK_THROWS_AS(f.result(), aio::InvalidStateError);
    CHECK_THROWS_AS(f.exception(), aio::InvalidStateError);
    co_return;
  }());
}

TEST_CASE("setting a done future again throws InvalidStateError and keeps the first outcome", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    f.set_result(1);
    CHECK_THROWS_AS(f.set_result(2), aio::InvalidStateError);
    CHECK_THROWS_AS(f.set_exception(std::make_exception_ptr(std::runtime_error("x"))), aio::InvalidStateError);
    CHECK(f.result() == 1);

    aio::Future<int> g;
    g.set_exception(std::make_exception_ptr(std::runtime_error("first")));
    CHECK_THROWS_AS(g.set_result(2), aio::InvalidStateError);
    CHECK_THROWS_WITH(g.result(), "first");

    aio::Future<int> h;
    h.cancel();
    CHECK_THROWS_AS(h.set_result(2), aio::InvalidStateError);
    CHECK(h.cancelled());
    co_return;
  }());
}

TEST_CASE("a task awaits a future that another task sets", "[future]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto setter = aio::create_task(set_later(f, 99, 1.5));
    int v = co_await f;
    aio::print("got", v);
    co_await setter;
  }(), &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "got 99");
  CHECK(out[0].t == 1.5);
}

TEST_CASE("the tasks awaiting one future wake in the order they started waiting", "[future]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto waiter = [](aio::Future<int> f, std::string name) -> aio::Coro<> {
      int v = co_await f;
      aio::print(name, v);
    };
    auto a = aio::create_task(waiter(f, "a"));
    auto b = aio::create_task(waiter(f, "b"));
    auto c = aio::create_task(waiter(f, "c"));
    co_await aio::sleep(1);
    f.set_result(7);
    aio::print("set");  // waking is scheduled, not done inside set_result
    co_await a;
    co_await b;
    co_await c;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"set", "a 7", "b 7", "c 7"});
}

TEST_CASE("cancelling the task that awaits a future cancels the future", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto t = aio::create_task([](aio::Future<int> f) -> aio::Coro<int> { co_return co_await f; }(f));
    co_await aio::sleep(1);
    CHECK(t.cancel("stop"));
    CHECK(f.cancelled());  // at once, as CPython's fut_waiter.cancel()
    try {
      co_await t;
      FAIL("no CancelledError");
    } catch (const aio::CancelledError& e) {
      CHECK(e.message() == "stop");
    }
    CHECK(t.cancelled());
    CHECK(test::now() == 1);
  }());
}

TEST_CASE("cancelling a future wakes the task awaiting it with CancelledError", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto t = aio::create_task([](aio::Future<int> f) -> aio::Coro<std::string> {
      try {
        co_await f;
      } catch (const aio::CancelledError& e) {
        co_return "caught: " + e.message();
      }
      co_return "no error";
    }(f));
    co_await aio::sleep(0.5);
    f.cancel("gone");
    CHECK(co_await t == "caught: gone");
    CHECK_FALSE(t.cancelled());  // it caught it and returned
  }());
}

TEST_CASE("awaiting a future that is already done does not yield to the loop", "[future]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    f.set_result(1);
    auto b = aio::create_task([]() -> aio::Coro<> {
      aio::print("B");
      co_return;
    }());
    co_await f;
    aio::print("main after await");
    co_await b;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"main after await", "B"});
}

TEST_CASE("copies of a Future share one state", "[future]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    aio::Future<int> g = f;
    g.set_result(5);
    CHECK(f.done());
    CHECK(f.result() == 5);
    co_return;
  }());
}

TEST_CASE("setting a future whose awaiting task was cancelled throws InvalidStateError", "[future]") {
  // CPython: the consumer's cancel() cancelled the future, so the producer's set_result raises.
  test::run_virtual([]() -> aio::Coro<> {
    aio::Future<int> f;
    auto consumer = aio::create_task([](aio::Future<int> f) -> aio::Coro<int> { co_return co_await f; }(f));
    co_await aio::sleep(0);
    consumer.cancel();
    CHECK_THROWS_AS(f.set_result(1), aio::InvalidStateError);
    CHECK_THROWS_AS(co_await consumer, aio::CancelledError);
  }());
}
