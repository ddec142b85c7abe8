// aio::run_in_executor / to_thread / ThreadPoolExecutor against loop.run_in_executor, asyncio.to_thread and
// concurrent.futures.ThreadPoolExecutor. Every test needs real threads: all are tagged [threads].
// Times are asserted on the virtual clock only (blocking_sleep() takes virtual time there); waits on
// real threads use flags, never durations.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace {

struct JobError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::thread::id g_loop_thread;
std::atomic<bool> g_started{false};
std::atomic<bool> g_release{false};
std::atomic<bool> g_effect{false};
std::atomic<int> g_active{0};
std::atomic<int> g_max_active{0};

void reset_flags() {
  g_started = false;
  g_release = false;
  g_effect = false;
  g_active = 0;
  g_max_active = 0;
}

// Spins until `flag` is set; gives up after a generous bound so a broken test fails instead of hanging.
bool await_flag(const std::atomic<bool>& flag) {
  for (int i = 0; i < 200000 && !flag.load(); ++i) std::this_thread::sleep_for(std::chrono::microseconds(50));
  return flag.load();
}

int add(int a, int b) { return a + b; }
double half(double x) { return x / 2; }
bool negate(bool b) { return !b; }
std::string echo(std::string s) { return s + "!"; }
std::string describe_args(int i, double d, bool b, std::string s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d|%g|%d|", i, d, b ? 1 : 0);
  return buf + s;
}
bool on_worker_thread() { return std::this_thread::get_id() != g_loop_thread; }
int throw_out_of_range(int) { throw std::out_of_range("oor"); }
std::string throw_job_error(std::string what) { throw JobError(what); }
double sleep_job(double seconds) {
  aio::blocking_sleep(seconds);
  return seconds;
}
// Signals that it runs, blocks until released, then leaves its side effect.
int gated_job(int v) {
  g_started = true;
  await_flag(g_release);
  g_effect = true;
  return v;
}
int quick_job(int v) { return v * 10; }
void set_effect() { g_effect = true; }
// Blocks a little in real time while counting how many jobs run at once.
int counting_job(int v) {
  int now = ++g_active;
  int prev = g_max_active.load();
  while (now > prev && !g_max_active.compare_exchange_weak(prev, now)) {
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  --g_active;
  return v;
}

aio::Coro<double> finish_time(aio::ThreadPoolExecutor* ex, double seconds) {
  co_await aio::run_in_executor(ex, &sleep_job, seconds);
  co_return test::now();
}

}  // namespace

TEST_CASE("executor: run_in_executor(nullptr, fn, args...) returns the function's result from a worker thread",
          "[executor][threads]") {
  g_loop_thread = std::this_thread::get_id();
  test::run_virtual([]() -> aio::Coro<> {
    {
      auto r1 = co_await aio::run_in_executor(nullptr, &add, 2, 3);
      CHECK(r1 == 5);
    }
    {
      auto r2 = co_await aio::run_in_executor(nullptr, &on_worker_thread);
      CHECK(r2);
    }
    aio::ThreadPoolExecutor ex(2);
    {
      auto r3 = co_await aio::run_in_executor(&ex, &add, 40, 2);
      CHECK(r3 == 42);
    }
    {
      auto r4 = co_await aio::run_in_executor(&ex, &on_worker_thread);
      CHECK(r4);
    }
  }());
}

TEST_CASE("executor: make_job packs a call that run_job runs on the calling thread; job_result unpacks it",
          "[executor]") {
  aio::Job j = aio::make_job(&describe_args, 1, 2.5, true, std::string("s"));
  CHECK(j.clock == aio::ClockKind::real);
  aio::JobOutcome o = aio::run_job(j, 0);
  REQUIRE(o.ok);
  CHECK(aio::job_result<std::string>(o.value) == describe_args(1, 2.5, true, "s"));
  // A value that is not an R's is refused, not misread.
  CHECK_THROWS_AS(aio::job_result<std::string>(std::string("\x01")), std::runtime_error);
}

TEST_CASE("executor: to_thread returns the function's result", "[executor][threads]") {
  g_loop_thread = std::this_thread::get_id();
  test::run_virtual([]() -> aio::Coro<> {
    {
      auto r5 = co_await aio::to_thread(&add, 20, 22);
      CHECK(r5 == 42);
    }
    {
      auto r6 = co_await aio::to_thread(&echo, std::string("hi"));
      CHECK(r6 == "hi!");
    }
    {
      auto r7 = co_await aio::to_thread(&on_worker_thread);
      CHECK(r7);
    }
  }());
}

TEST_CASE("executor: arguments and results of several types round-trip", "[executor][threads]") {
  test::run_virtual([]() -> aio::Coro<> {
    std::string described = co_await aio::run_in_executor(nullptr, &describe_args, -7, 2.5, true, std::string("a b\0c", 5));
    CHECK(described == std::string("-7|2.5|1|a b\0c", 14));
    {
      auto r8 = co_await aio::run_in_executor(nullptr, &half, 0.1);
      CHECK(r8 == 0.05);
    }
    {
      auto r9 = co_await aio::run_in_executor(nullptr, &half, -1e300);
      CHECK(r9 == -5e299);
    }
    {
      auto r10 = co_await aio::run_in_executor(nullptr, &negate, false);
      CHECK(r10 == true);
    }
    {
      auto r11 = co_await aio::run_in_executor(nullptr, &negate, true);
      CHECK(r11 == false);
    }
    {
      auto r12 = co_await aio::run_in_executor(nullptr, &add, 2147483000, 600);
      CHECK(r12 == 2147483600);
    }
    {
      auto r13 = co_await aio::run_in_executor(nullptr, &echo, std::string());
      CHECK(r13 == "!");
    }
    std::string big(100000, 'x');
    std::string echoed = co_await aio::to_thread(&echo, big);
    CHECK(echoed.size() == 100001);
    {
      auto r14 = co_await aio::to_thread(&describe_args, 0, -0.25, false, std::string("ü"));
      CHECK(r14 == "0|-0.25|0|ü");
    }
  }());
}

TEST_CASE("executor: a job that throws rethrows its exception type natively", "[executor][threads]") {
  test::run_virtual([]() -> aio::Coro<> {
    auto e = co_await test::error_of(aio::run_in_executor(nullptr, &throw_out_of_range, 1));
    CHECK_THROWS_AS(test::rethrow(e), std::out_of_range);
    try {
      co_await aio::to_thread(&throw_job_error, std::string("custom"));
      FAIL("no exception");
    } catch (const JobError& e) {
      CHECK(std::string(e.what()) == "custom");
    }
    // The loop and the executor are fine afterwards.
    {
      auto r15 = co_await aio::to_thread(&add, 1, 1);
      CHECK(r15 == 2);
    }
  }());
}

TEST_CASE("executor: max_workers=2 runs 4 one-second jobs finishing at virtual 1,1,2,2", "[executor][threads]") {
  auto times = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    aio::ThreadPoolExecutor ex(2);
    CHECK(ex.max_workers() == 2);
    std::vector<aio::Coro<double>> v;
    for (int i = 0; i < 4; ++i) v.push_back(finish_time(&ex, 1.0));
    co_return co_await aio::gather(std::move(v));
  }());
  CHECK(times == std::vector<double>{1, 1, 2, 2});
}

TEST_CASE("executor: max_workers=4 runs 4 one-second jobs all finishing at virtual 1", "[executor][threads]") {
  auto times = test::run_virtual([]() -> aio::Coro<std::vector<double>> {
    aio::ThreadPoolExecutor ex(4);
    std::vector<aio::Coro<double>> v;
    for (int i = 0; i < 4; ++i) v.push_back(finish_time(&ex, 1.0));
    co_return co_await aio::gather(std::move(v));
  }());
  CHECK(times == std::vector<double>{1, 1, 1, 1});
}

TEST_CASE("executor: jobs take workers in submission order on the virtual clock", "[executor][threads]") {
  // One worker: durations 0.5, 1, 0.25 run back to back, submitted at 0, 0 and 0.1.
  auto times = test::run_virtual([]() -> aio::Coro<std::vector<std::string>> {
    aio::ThreadPoolExecutor ex(1);
    std::vector<std::string> out;
    auto a = aio::create_task(finish_time(&ex, 0.5));
    auto b = aio::create_task(finish_time(&ex, 1.0));
    co_await aio::sleep(0.1);
    auto c = aio::create_task(finish_time(&ex, 0.25));
    for (auto* t : {&a, &b, &c}) out.push_back(test::fmt_time(co_await *t));
    co_return out;
  }());
  CHECK(times == std::vector<std::string>{"0.5", "1.5", "1.75"});
}

TEST_CASE("executor: ThreadPoolExecutor(max_workers) limits real concurrency", "[executor][threads]") {
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    aio::ThreadPoolExecutor ex(2);
    std::vector<aio::Coro<int>> v;
    for (int i = 0; i < 6; ++i)
      v.push_back([](aio::ThreadPoolExecutor* ex, int i) -> aio::Coro<int> {
        co_return co_await aio::run_in_executor(ex, &counting_job, i);
      }(&ex, i));
    auto r = co_await aio::gather(std::move(v));
    CHECK(r == std::vector<int>{0, 1, 2, 3, 4, 5});
  }());
  CHECK(g_max_active.load() >= 1);
  CHECK(g_max_active.load() <= 2);
}

TEST_CASE("executor: a to_thread whose awaiter is cancelled does not stop its thread; the loop stays usable",
          "[executor][threads]") {
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    auto t = aio::create_task(aio::to_thread(&gated_job, 5));
    co_await aio::sleep(0);  // the task submits the job
    REQUIRE(await_flag(g_started));
    t.cancel();
    auto e = co_await test::error_of(t);
    CHECK_THROWS_AS(test::rethrow(e), aio::CancelledError);
    CHECK(t.cancelled());
    CHECK_FALSE(g_effect.load());  // still blocked in the worker
    g_release = true;
    // The job completes on its thread anyway; the loop keeps running meanwhile.
    for (int i = 0; i < 1000000 && !g_effect.load(); ++i) co_await aio::sleep(0);
    CHECK(g_effect.load());
    {
      auto r16 = co_await aio::to_thread(&add, 3, 4);
      CHECK(r16 == 7);
    }
    double before = test::now();
    co_await aio::sleep(1);
    CHECK(test::now() == before + 1);
  }());
  CHECK(g_effect.load());
}

TEST_CASE("executor: a job cancelled before a worker takes it is skipped", "[executor][threads]") {
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    aio::ThreadPoolExecutor ex(1);
    auto blocker = aio::run_in_executor(&ex, &gated_job, 1);
    REQUIRE(await_flag(g_started));
    auto queued = aio::run_in_executor(&ex, &sleep_job, 1.0);
    CHECK(queued.cancel());
    g_release = true;
    {
      auto r17 = co_await blocker;
      CHECK(r17 == 1);
    }
    CHECK(queued.cancelled());
    // The skipped job took no worker time: a new job starts as soon as the blocker is done.
    double t0 = test::now();
    co_await aio::run_in_executor(&ex, &sleep_job, 0.5);
    CHECK(test::now() == t0 + 0.5);
  }());
}

TEST_CASE("executor: shutdown() then submit throws", "[executor][threads]") {
  test::run_virtual([]() -> aio::Coro<> {
    aio::ThreadPoolExecutor ex(2);
    {
      auto r18 = co_await aio::run_in_executor(&ex, &add, 1, 2);
      CHECK(r18 == 3);
    }
    ex.shutdown();
    CHECK_THROWS_AS(aio::run_in_executor(&ex, &add, 1, 2), std::runtime_error);
    ex.shutdown();  // twice is harmless
    aio::ThreadPoolExecutor unused(1);
    unused.shutdown();
    CHECK_THROWS_AS(aio::run_in_executor(&unused, &add, 1, 2), std::runtime_error);
  }());
}

TEST_CASE("executor: shutting a pool down with queued jobs fails them with a clear exception",
          "[executor][threads]") {
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    aio::ThreadPoolExecutor ex(1);
    auto running = aio::run_in_executor(&ex, &gated_job, 1);
    REQUIRE(await_flag(g_started));
    auto queued = aio::run_in_executor(&ex, &quick_job, 2);
    ex.shutdown(false);
    try {
      co_await queued;
      FAIL("the queued job should have failed");
    } catch (const std::runtime_error& e) {
      std::string what = e.what();
      CHECK_THAT(what, Catch::Contains("shut"));
    }
    g_release = true;
    REQUIRE(await_flag(g_effect));  // the running job is left to finish on its own
    CHECK(running.done());
  }());
}

TEST_CASE("executor: shutdown(wait) lets a running job finish and delivers its result", "[executor][threads]") {
  // concurrent.futures: shutdown(wait=True) waits for running jobs, whose futures get their results.
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    aio::ThreadPoolExecutor ex(1);
    auto running = aio::run_in_executor(&ex, &gated_job, 9);
    REQUIRE(await_flag(g_started));
    std::thread releaser([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      g_release = true;
    });
    ex.shutdown(true);
    releaser.join();
    CHECK(g_effect.load());
    {
      auto r19 = co_await running;
      CHECK(r19 == 9);
    }
  }());
}

TEST_CASE("executor: the default executor is shut down at the end of aio::run", "[executor][threads]") {
  // The main task leaves a job running on the default executor; aio::run's exit waits for it.
  reset_flags();
  std::thread releaser([] {
    await_flag(g_started);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    g_release = true;
  });
  test::run_virtual([]() -> aio::Coro<> {
    auto f = aio::run_in_executor(nullptr, &gated_job, 3);
    REQUIRE(await_flag(g_started));  // running on a worker, not merely queued
    CHECK_FALSE(f.done());
    co_return;
  }());
  CHECK(g_effect.load());
  releaser.join();
  // A new run gets a fresh default executor.
  int again = test::run_virtual([]() -> aio::Coro<int> { co_return co_await aio::to_thread(&add, 1, 2); }());
  CHECK(again == 3);
}

TEST_CASE("executor: a void job works through run_in_executor and to_thread", "[executor][threads]") {
  reset_flags();
  test::run_virtual([]() -> aio::Coro<> {
    co_await aio::to_thread(&set_effect);
    CHECK(g_effect.load());
    g_effect = false;
    aio::Future<void> f = aio::run_in_executor(nullptr, &set_effect);
    co_await f;
    CHECK(g_effect.load());
  }());
}
