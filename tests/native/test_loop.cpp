// EventLoop: call_soon / call_later / call_at ordering, TimerHandle, the running loop, stalls, and
// call_soon_threadsafe.
#include <catch2/catch.hpp>

#include <atomic>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<> say(std::string s) {
  aio::print(s);
  co_return;
}

}  // namespace

TEST_CASE("call_soon callbacks and new tasks run in FIFO order", "[loop]") {
  // CPython: ['cb1', 'T', 'cb2', 'main']
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    loop.call_soon([] { aio::print("cb1"); });
    auto t = aio::create_task(say("T"));
    loop.call_soon([] { aio::print("cb2"); });
    co_await aio::sleep(0);
    aio::print("main");
    co_await t;
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cb1", "T", "cb2", "main"});
}

TEST_CASE("an iteration runs only the callbacks ready when it began, then the due timers", "[loop]") {
  // CPython: ['cb1', 'timer', 'cb2', 'cb3']: cb1's call_soon(cb2) waits for the next iteration.
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto h = loop.call_later(0, [] { aio::print("timer"); });
    loop.call_soon([&loop] {
      aio::print("cb1");
      loop.call_soon([&loop] {
        aio::print("cb2");
        loop.call_soon([] { aio::print("cb3"); });
      });
    });
    co_await aio::sleep(0.5);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"cb1", "timer", "cb2", "cb3"});
  for (const auto& l : out) CHECK(l.t == 0);
}

TEST_CASE("call_later callbacks fire at their delay, in deadline then scheduling order", "[loop]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto a = loop.call_later(2, [] { aio::print("a"); });
    auto b = loop.call_later(1, [] { aio::print("b"); });
    auto c = loop.call_later(1, [] { aio::print("c"); });
    auto d = loop.call_later(-3, [] { aio::print("d"); });  // negative: now
    auto e = loop.call_later(0.25, [] { aio::print("e"); });
    co_await aio::sleep(3);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"d", "e", "b", "c", "a"});
  REQUIRE(out.size() == 5);
  CHECK(out[0].t == 0);
  CHECK(out[1].t == 0.25);
  CHECK(out[2].t == 1);
  CHECK(out[3].t == 1);
  CHECK(out[4].t == 2);
}

TEST_CASE("call_at schedules at an absolute loop time", "[loop]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    co_await aio::sleep(1);
    auto a = loop.call_at(2'500'000'000, [] { aio::print("at 2.5"); });
    auto b = loop.call_at(1'500'000'000, [] { aio::print("at 1.5"); });
    auto c = loop.call_at(0, [] { aio::print("in the past"); });
    co_await aio::sleep(2);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"in the past", "at 1.5", "at 2.5"});
  REQUIRE(out.size() == 3);
  CHECK(out[0].t == 1);
  CHECK(out[1].t == 1.5);
  CHECK(out[2].t == 2.5);
}

TEST_CASE("a call_later callback can schedule more timers from inside a callback", "[loop]") {
  std::vector<test::Printed> out;
  std::vector<aio::EventLoop::TimerHandle> keep;
  test::run_virtual([](std::vector<aio::EventLoop::TimerHandle>* keep) -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    keep->push_back(loop.call_later(1, [&loop, keep] {
      aio::print("first");
      keep->push_back(loop.call_later(0.5, [] { aio::print("second"); }));
    }));
    co_await aio::sleep(2);
  }(&keep), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"first", "second"});
  REQUIRE(out.size() == 2);
  CHECK(out[1].t == 1.5);
}

TEST_CASE("TimerHandle::cancel stops a callback that has not run yet", "[loop]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto a = loop.call_later(1, [] { aio::print("a"); });
    auto b = loop.call_later(1, [] { aio::print("b (cancelled)"); });
    auto c = loop.call_later(2, [] { aio::print("c"); });
    CHECK_FALSE(b.cancelled());
    b.cancel();
    CHECK(b.cancelled());
    b.cancel();  // twice is harmless
    co_await aio::sleep(0.5);
    c.cancel();
    co_await aio::sleep(3);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"a"});
}

TEST_CASE("a TimerHandle dropped without cancel still fires its callback", "[loop]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    { auto h = loop.call_later(1, [] { aio::print("fired"); }); }
    co_await aio::sleep(2);
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{"fired"});
}

TEST_CASE("TimerHandle::cancelled() stays false after the callback ran, as in asyncio", "[loop]") {
  // CPython: h = loop.call_later(0.1, f); await asyncio.sleep(0.2); h.cancelled() -> False
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    bool ran = false;
    auto h = loop.call_later(0.1, [&ran] { ran = true; });
    co_await aio::sleep(0.2);
    CHECK(ran);
    CHECK_FALSE(h.cancelled());
  }());
}

TEST_CASE("EventLoop::current() throws outside aio::run, and the loop is gone after it", "[loop]") {
  CHECK(aio::EventLoop::current_or_null() == nullptr);
  CHECK_THROWS_AS(aio::EventLoop::current(), std::logic_error);
  aio::EventLoop* inside = test::run_virtual([]() -> aio::Coro<aio::EventLoop*> {
    co_return &aio::EventLoop::current();
  }());
  CHECK(inside != nullptr);
  CHECK(aio::EventLoop::current_or_null() == nullptr);
  CHECK_THROWS_AS(aio::EventLoop::current(), std::logic_error);
}

TEST_CASE("a stalled loop (main awaits a Future nobody sets) throws std::runtime_error", "[loop]") {
  auto stalled = []() -> aio::Coro<int> {
    aio::Future<int> never;
    co_return co_await never;
  };
  CHECK_THROWS_AS(test::run_virtual(stalled()), std::runtime_error);
  try {
    test::run_virtual(stalled());
  } catch (const std::runtime_error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("stalled"));
  }
  CHECK(aio::EventLoop::current_or_null() == nullptr);
  // The next run works normally.
  CHECK(test::run_virtual([]() -> aio::Coro<int> { co_return 3; }()) == 3);
}

TEST_CASE("a stall is detected after the last timer fired, at its time", "[loop]") {
  double at = -1;
  auto main = [](double* at) -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto h = loop.call_later(2, [at, &loop] { *at = loop.time(); });
    aio::Future<> never;
    co_await never;
  };
  CHECK_THROWS_AS(test::run_virtual(main(&at)), std::runtime_error);
  CHECK(at == 2);
}

TEST_CASE("a stalled loop also throws when a task awaits a task that awaits nothing", "[loop]") {
  auto main = []() -> aio::Coro<> {
    auto t = aio::create_task([]() -> aio::Coro<> {
      aio::Future<> never;
      co_await never;
    }());
    co_await t;
  };
  CHECK_THROWS_AS(test::run_virtual(main()), std::runtime_error);
}

TEST_CASE("loop bookkeeping: task_count, timer_count and ready_count", "[loop]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    CHECK(loop.task_count() == 1);  // main
    auto a = aio::create_task(say("a"));
    auto b = aio::create_task([]() -> aio::Coro<> { co_await aio::sleep(1); }());
    CHECK(loop.task_count() == 3);
    CHECK(loop.ready_count() == 2);
    co_await aio::sleep(0);  // a finishes, b starts sleeping
    CHECK(loop.task_count() == 2);
    CHECK(loop.timer_count() == 1);
    co_await b;
    CHECK(loop.task_count() == 1);
    CHECK(loop.timer_count() == 0);
  }());
}

TEST_CASE("call_soon_threadsafe from another thread wakes an idle loop (real clock)", "[loop][threads]") {
  aio::RunOptions o;
  o.clock = aio::ClockKind::real;
  std::vector<std::string> lines;
  o.output = [&lines](std::string_view s, double) { lines.emplace_back(s); };
  int r = aio::run([]() -> aio::Coro<int> {
    auto& loop = aio::EventLoop::current();
    aio::Future<int> f;
    loop.hold_external();  // something outside the loop will come back: not a stall
    // The thread only names the future; its reference count belongs to the loop's thread.
    std::thread th([&loop, fp = &f] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      loop.call_soon_threadsafe([&loop, fp] {
        loop.release_external();
        aio::print("on the loop thread");
        fp->set_result(41);
      });
    });
    int v = co_await f;
    th.join();
    co_return v + 1;
  }(), o);
  CHECK(r == 42);
  CHECK(lines == std::vector<std::string>{"on the loop thread"});
}

TEST_CASE("call_soon_threadsafe wakes a virtual-clock loop that holds an external job", "[loop][threads]") {
  double t = test::run_virtual([]() -> aio::Coro<double> {
    auto& loop = aio::EventLoop::current();
    co_await aio::sleep(1);
    aio::Future<> f;
    loop.hold_external();
    std::thread th([&loop, fp = &f] {
      loop.call_soon_threadsafe([&loop, fp] {
        loop.release_external();
        fp->set_result();
      });
    });
    co_await f;
    th.join();
    co_return test::now();
  }());
  CHECK(t == 1);  // waiting for the thread takes no virtual time
}

TEST_CASE("call_soon_threadsafe callbacks from many threads all run, each once", "[loop][threads]") {
  int count = test::run_virtual([]() -> aio::Coro<int> {
    auto& loop = aio::EventLoop::current();
    constexpr int kThreads = 4, kEach = 250;
    int count = 0;
    aio::Future<> all;
    for (int i = 0; i < kThreads * kEach; ++i) loop.hold_external();
    std::vector<std::thread> ths;
    for (int i = 0; i < kThreads; ++i)
      ths.emplace_back([&] {
        for (int k = 0; k < kEach; ++k)
          loop.call_soon_threadsafe([&] {
            loop.release_external();
            if (++count == kThreads * kEach) all.set_result();
          });
      });
    co_await all;
    for (auto& th : ths) th.join();
    co_return count;
  }());
  CHECK(count == 1000);
}

TEST_CASE("request_stop from another thread cancels the main task", "[loop][threads]") {
  std::atomic<bool> sleeping{false};
  std::thread th;
  aio::RunOptions o;
  o.clock = aio::ClockKind::real;
  o.on_start = [&](aio::EventLoop& l) {
    th = std::thread([&sleeping, loop = &l] {
      while (!sleeping.load()) std::this_thread::yield();
      loop->request_stop("from thread");
    });
  };
  std::string seen;
  auto main = [](std::atomic<bool>* sleeping, std::string* seen) -> aio::Coro<> {
    try {
      auto& loop = aio::EventLoop::current();
      loop.call_soon([sleeping] { sleeping->store(true); });
      co_await aio::sleep(3600);
    } catch (const aio::CancelledError& e) {
      *seen = e.message();
      throw;
    }
  };
  CHECK_THROWS_AS(aio::run(main(&sleeping, &seen), o), aio::CancelledError);
  th.join();
  CHECK(seen == "from thread");
}

TEST_CASE("call_later with a huge or infinite delay does not fire early", "[loop]") {
  // CPython: loop.call_later(1e10, f) does not run f during the next second.
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    auto& loop = aio::EventLoop::current();
    auto a = loop.call_later(1e10, [] { aio::print("1e10 fired"); });
    auto b = loop.call_later(1e300, [] { aio::print("1e300 fired"); });
    auto c = loop.call_later(std::numeric_limits<double>::infinity(), [] { aio::print("inf fired"); });
    co_await aio::sleep(1);
    a.cancel();
    b.cancel();
    c.cancel();
  }(), &out);
  CHECK(test::texts(out) == std::vector<std::string>{});
}
