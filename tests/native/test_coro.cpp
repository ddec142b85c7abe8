// Coro<T>: lazy coroutines that run inline in the awaiting task (Python's `await f()`).
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<int> set_flag(bool* flag, int v) {
  *flag = true;
  co_return v;
}

aio::Coro<> print_it(std::string s) {
  aio::print(s);
  co_return;
}

aio::Coro<std::uint64_t> current_id() { co_return aio::current_task().id(); }

aio::Coro<int> throws_now() {
  throw std::runtime_error("boom");
  co_return 0;
}

aio::Coro<int> throws_after_sleep(double d) {
  co_await aio::sleep(d);
  throw std::out_of_range("late boom");
  co_return 0;
}

aio::Coro<int> add_one_after(int v, double d) {
  co_await aio::sleep(d);
  co_return v + 1;
}

aio::Coro<long> depth(long n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

struct Counted {
  std::shared_ptr<int> p;
};

aio::Coro<int> holds(Counted c) { co_return *c.p; }

}  // namespace

TEST_CASE("a Coro is lazy: calling the function runs nothing until it is awaited", "[coro]") {
  bool ran = false;
  {
    auto c = set_flag(&ran, 1);  // outside any loop: only the frame is made
    CHECK(c.valid());
    CHECK_FALSE(ran);
  }
  CHECK_FALSE(ran);  // destroyed unstarted

  int r = test::run_virtual([](bool* ran) -> aio::Coro<int> {
    auto c = set_flag(ran, 7);
    co_await aio::sleep(1);
    bool before = *ran;
    int v = co_await std::move(c);
    co_return before ? -1 : v;
  }(&ran));
  CHECK(r == 7);
  CHECK(ran);
}

TEST_CASE("a Coro that is never awaited is destroyed with its owner, its arguments freed", "[coro]") {
  auto p = std::make_shared<int>(5);
  {
    auto c = holds(Counted{p});
    CHECK(p.use_count() == 2);  // the frame holds its copy of the argument
  }
  CHECK(p.use_count() == 1);
}

TEST_CASE("co_await f() runs inline in the same task, without a loop turn", "[coro]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto other = aio::create_task(print_it("other task"));
    const auto me = aio::current_task().id();
    aio::print("before");
    co_await print_it("child");
    auto child_id = co_await current_id();
    aio::print(child_id == me ? "same task" : "another task");
    aio::print("after");
    co_await other;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"before", "child", "same task", "after", "other task"});
}

TEST_CASE("an exception thrown by an awaited Coro propagates to the awaiter", "[coro]") {
  std::string got = test::run_virtual([]() -> aio::Coro<std::string> {
    try {
      co_await throws_now();
    } catch (const std::runtime_error& e) {
      co_return std::string("caught ") + e.what();
    }
    co_return "not thrown";
  }());
  CHECK(got == "caught boom");
}

TEST_CASE("an exception thrown after a suspension propagates through several levels", "[coro]") {
  double t = -1;
  std::string got = test::run_virtual([](double* t) -> aio::Coro<std::string> {
    auto middle = [](double d) -> aio::Coro<int> { co_return co_await throws_after_sleep(d); };
    try {
      co_await middle(0.5);
    } catch (const std::out_of_range& e) {
      *t = test::now();
      co_return e.what();
    }
    co_return "not thrown";
  }(&t));
  CHECK(got == "late boom");
  CHECK(t == 0.5);
}

TEST_CASE("an uncaught exception of the main Coro leaves aio::run", "[coro]") {
  CHECK_THROWS_WITH(test::run_virtual(throws_now()), "boom");
}

TEST_CASE("Coro<void> and Coro<T> deliver their results", "[coro]") {
  auto r = test::run_virtual([]() -> aio::Coro<std::string> {
    bool flag = false;
    co_await print_it("void ok");
    int a = co_await set_flag(&flag, 41);
    int b = co_await add_one_after(a, 0.25);
    std::string s = co_await []() -> aio::Coro<std::string> { co_return "text"; }();
    co_return s + " " + std::to_string(b) + (flag ? " flag" : "");
  }());
  CHECK(r == "text 42 flag");
}

TEST_CASE("a Coro may return a move-only value", "[coro]") {
  auto r = test::run_virtual([]() -> aio::Coro<int> {
    auto make = [](int v) -> aio::Coro<std::unique_ptr<int>> {
      co_await aio::sleep(0);
      co_return std::make_unique<int>(v);
    };
    std::unique_ptr<int> p = co_await make(9);
    co_return *p;
  }());
  CHECK(r == 9);
}

TEST_CASE("an awaited Coro's sleeps add to the awaiting task's time", "[coro]") {
  double t = test::run_virtual([]() -> aio::Coro<double> {
    int v = co_await add_one_after(1, 0.5);
    v = co_await add_one_after(v, 0.25);
    co_return v == 3 ? test::now() : -1.0;
  }());
  CHECK(t == 0.75);
}

TEST_CASE("a deep chain of nested co_await does not overflow the stack", "[coro]") {
  long n = test::run_virtual(depth(100000));
  CHECK(n == 100000);
}

TEST_CASE("cancelling a task reaches the Coro it is awaiting inline", "[coro]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto inner = []() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        aio::print("inner coro saw CancelledError");
        throw;
      }
    };
    auto task_fn = [](decltype(inner) f) -> aio::Coro<> { co_await f(); };
    auto t = aio::create_task(task_fn(inner));
    co_await aio::sleep(1);
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
      aio::print("task cancelled");
    }
  }(), &out);
  REQUIRE(out.size() == 2);
  CHECK(out[0].text == "inner coro saw CancelledError");
  CHECK(out[0].t == 1);
  CHECK(out[1].text == "task cancelled");
}

TEST_CASE("coroutine frames may be made on one thread and destroyed on another", "[coro][threads]") {
  // A thread makes frame X and ends; this thread destroys X and reuses its memory for Z. Frames must
  // stay valid wherever they are freed (the frame allocator keeps per-thread free lists).
  bool flag = false;
  aio::Coro<int> x, y;
  std::promise<void> x_made, y_given;
  std::thread a([&] {
    x = set_flag(&flag, 1);  // made on thread a
    x_made.set_value();
    y_given.get_future().wait();
    { auto dead = std::move(y); }  // y, made on this thread, dies on thread a
  });
  x_made.get_future().wait();
  y = set_flag(&flag, 2);
  { auto dead = std::move(x); }  // x, made on thread a, dies here
  y_given.set_value();
  a.join();  // thread a has ended
  auto z = set_flag(&flag, 3);
  CHECK(test::run_virtual(std::move(z)) == 3);
  CHECK(flag);
}
