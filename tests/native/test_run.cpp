// aio::run: asyncio.run: the main result, its exception, leftovers cancelled at exit, nesting.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace {

struct Cleanup {
  std::string what;
  ~Cleanup() { aio::print("cleanup " + what); }
};

aio::Coro<> leftover(std::string name, double d) {
  Cleanup c{name};
  try {
    co_await aio::sleep(d);
    aio::print(name + " finished");
  } catch (const aio::CancelledError&) {
    aio::print(name + " saw CancelledError");
    throw;
  }
}

class CustomError : public std::exception {
 public:
  const char* what() const noexcept override { return "custom"; }
};

}  // namespace

TEST_CASE("run returns the main coroutine's result", "[run]") {
  CHECK(test::run_virtual([]() -> aio::Coro<int> { co_return 42; }()) == 42);
  CHECK(test::run_virtual([]() -> aio::Coro<std::string> {
          co_await aio::sleep(1);
          co_return "text";
        }()) == "text");
  CHECK_NOTHROW(test::run_virtual([]() -> aio::Coro<> { co_return; }()));
}

TEST_CASE("run rethrows the main coroutine's exception, with its type", "[run]") {
  CHECK_THROWS_AS(test::run_virtual([]() -> aio::Coro<int> {
                    co_await aio::sleep(1);
                    throw std::invalid_argument("bad");
                    co_return 0;
                  }()),
                  std::invalid_argument);
  CHECK_THROWS_AS(test::run_virtual([]() -> aio::Coro<> {
                    throw CustomError();
                    co_return;
                  }()),
                  CustomError);
}

TEST_CASE("run cancels the tasks left at exit; they see CancelledError and clean up", "[run]") {
  std::vector<test::Printed> out;
  int r = test::run_virtual([]() -> aio::Coro<int> {
    auto a = aio::create_task(leftover("a", 10));
    auto b = aio::create_task(leftover("b", 20));
    co_await aio::sleep(1);
    aio::print("main returns");
    co_return 5;
  }(), &out);
  CHECK(r == 5);
  // asyncio.run cancels all_tasks(), a set: the order among the leftovers is not specified.
  auto lines = test::texts(out);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "main returns");
  for (std::string name : {"a", "b"}) {
    auto saw = std::find(lines.begin(), lines.end(), name + " saw CancelledError");
    auto cleanup = std::find(lines.begin(), lines.end(), "cleanup " + name);
    CHECK(saw != lines.end());
    CHECK(cleanup == saw + 1);
  }
  for (const auto& l : out) CHECK(l.t == 1);
}

TEST_CASE("a task left unstarted at exit is cancelled without running its body", "[run]") {
  // asyncio.run: the leftover task is cancelled before its first step.
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task(leftover("never", 1));
    co_return;
  }(), &out);
  CHECK(out.empty());
}

TEST_CASE("run waits for a leftover task that handles its cancellation and carries on", "[run]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto a = aio::create_task([]() -> aio::Coro<> {
      try {
        co_await aio::sleep(10);
      } catch (const aio::CancelledError&) {
        aio::print("cancelled, tidying up");
      }
      co_await aio::sleep(2);
      aio::print("tidied");
    }());
    co_await aio::sleep(1);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cancelled, tidying up", "tidied"});
  REQUIRE(out.size() == 2);
  CHECK(out[1].t == 3);
}

TEST_CASE("leftover tasks are cancelled even when main raises", "[run]") {
  std::vector<test::Printed> out;
  CHECK_THROWS_WITH(test::run_virtual([]() -> aio::Coro<> {
                      auto a = aio::create_task(leftover("a", 10));
                      co_await aio::sleep(1);
                      throw std::runtime_error("main failed");
                    }(), &out),
                    "main failed");
  CHECK(test::texts(out) == std::vector<std::string>{"a saw CancelledError", "cleanup a"});
}

TEST_CASE("a task that fails unobserved does not make run fail", "[run]") {
  int r = test::run_virtual([]() -> aio::Coro<int> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      throw std::runtime_error("nobody looks");
      co_return;
    }());
    co_await aio::sleep(1);
    co_return t.done() ? 1 : 0;
  }());
  CHECK(r == 1);
}

TEST_CASE("RunOptions: output gets every line, on_start gets the loop before main starts", "[run]") {
  aio::EventLoop* started = nullptr;
  aio::EventLoop* inside = nullptr;
  std::vector<std::pair<std::string, double>> lines;
  aio::RunOptions o;
  o.clock = aio::ClockKind::virtual_time;
  o.output = [&](std::string_view s, double t) { lines.emplace_back(std::string(s), t); };
  o.on_start = [&](aio::EventLoop& l) {
    started = &l;
    CHECK(l.task_count() == 0);  // main not created yet
  };
  aio::run([](aio::EventLoop** inside) -> aio::Coro<> {
    *inside = &aio::EventLoop::current();
    aio::print("x");
    co_await aio::sleep(2);
    aio::print("y");
  }(&inside), o);
  CHECK(started != nullptr);
  CHECK(started == inside);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == std::make_pair(std::string("x"), 0.0));
  CHECK(lines[1] == std::make_pair(std::string("y"), 2.0));
}

TEST_CASE("a stopped main task makes run throw CancelledError", "[run]") {
  aio::RunOptions o;
  o.clock = aio::ClockKind::virtual_time;
  o.output = [](std::string_view, double) {};
  try {
    aio::run([]() -> aio::Coro<> {
      aio::EventLoop::current().request_stop("enough");
      co_await aio::sleep(100);
    }(), o);
    FAIL("run returned");
  } catch (const aio::CancelledError& e) {
    CHECK(e.message() == "enough");
  }
}

TEST_CASE("aio::run inside a running loop on the same thread throws logic_error; the outer run carries on", "[run]") {
  // asyncio.run: "cannot be called from a running event loop" (RuntimeError); the outer loop is untouched.
  std::vector<test::Printed> out;
  bool inner_ran = false;
  test::run_virtual([](bool* inner_ran) -> aio::Coro<> {
    auto& outer = aio::EventLoop::current();
    auto x = aio::create_task(leftover("x", 1));
    co_await aio::sleep(0.5);
    std::vector<test::Printed> inner_out;
    CHECK_THROWS_AS(test::run_virtual([](bool* ran) -> aio::Coro<> {
                      *ran = true;
                      co_await aio::sleep(5);
                    }(inner_ran), &inner_out),
                    std::logic_error);
    CHECK(inner_out.empty());
    CHECK(&aio::EventLoop::current() == &outer);
    CHECK(test::now() == 0.5);
    co_await x;
    aio::print("outer done");
  }(&inner_ran), &out);
  CHECK_FALSE(inner_ran);
  CHECK(test::texts(out) == std::vector<std::string>{"x finished", "cleanup x", "outer done"});
  REQUIRE(out.size() == 3);
  CHECK(out[0].t == 1);
}

TEST_CASE("a run in another thread, started from inside a run, works", "[run][threads]") {
  double outer_t = test::run_virtual([]() -> aio::Coro<double> {
    co_await aio::sleep(1);
    double inner_t = -1;
    std::vector<test::Printed> inner_out;
    std::thread th([&] {
      inner_t = test::run_virtual([]() -> aio::Coro<double> {
        auto t = aio::create_task([]() -> aio::Coro<> {
          co_await aio::sleep(2);
          aio::print("inner task");
        }());
        co_await t;
        co_return test::now();
      }(), &inner_out);
    });
    th.join();
    CHECK(inner_t == 2);
    REQUIRE(inner_out.size() == 1);
    CHECK(inner_out[0].text == "inner task");
    CHECK(inner_out[0].t == 2);
    co_return test::now();
  }());
  CHECK(outer_t == 1);
}

TEST_CASE("runs on two threads at once do not disturb each other", "[run][threads]") {
  auto body = [](double d) -> aio::Coro<double> {
    std::vector<aio::Task<>> ts;
    for (int i = 0; i < 50; ++i)
      ts.push_back(aio::create_task([](double d) -> aio::Coro<> { co_await aio::sleep(d); }(d * (i % 5 + 1))));
    for (auto& t : ts) co_await t;
    co_return test::now();
  };
  double a = 0, b = 0;
  std::thread ta([&] { a = test::run_virtual(body(1)); });
  std::thread tb([&] { b = test::run_virtual(body(2)); });
  ta.join();
  tb.join();
  CHECK(a == 5);
  CHECK(b == 10);
}
