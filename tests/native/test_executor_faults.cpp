// Executor faults: jobs that throw, jobs that never return, and shutting a pool down under them.
// Real threads and the real clock: every test is tagged [threads] (the TSan run executes them).
// A job "that never returns" blocks on a Gate that the test opens at its very end, so that the thread
// left behind by a bounded shutdown can finish before the process exits.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// What the blocking job waits for.
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> entered{0};
  std::atomic<int> left{0};
  void release() {
    {
      std::lock_guard<std::mutex> l(m);
      open = true;
    }
    cv.notify_all();
  }
  void reset() {
    std::lock_guard<std::mutex> l(m);
    open = false;
    entered = 0;
    left = 0;
  }
  // Waits (really) until every job that entered has left.
  void drain() {
    auto t0 = Clock::now();
    while (left.load() < entered.load() && since(t0) < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the worker's own exit
  }
};
Gate g_gate;

int blocked_job(int v) {
  ++g_gate.entered;
  std::unique_lock<std::mutex> l(g_gate.m);
  g_gate.cv.wait(l, [] { return g_gate.open; });
  ++g_gate.left;
  return v;
}

int failing_job(int v) {
  if (v % 2) throw std::domain_error("job " + std::to_string(v) + " failed");
  return v * 10;
}

std::string exclaim_job(std::string s) { return s + "!"; }

aio::RunOptions real_clock() {
  aio::RunOptions o;
  o.clock = aio::ClockKind::real;
  o.output = [](std::string_view, double) {};
  return o;
}

// Ticks every 5 ms until told to stop: proof that the loop serves other tasks.
aio::Coro<> ticker(std::atomic<int>& ticks, const bool& stop) {
  while (!stop) {
    co_await aio::sleep(0.005);
    ++ticks;
  }
}

}  // namespace

TEST_CASE("executor faults: throwing jobs on several workers fail their own futures only", "[threads][executor][faults]") {
  struct R {
    int ok = 0, failed = 0;
    bool messages_right = true;
  };
  R r = aio::run(
      []() -> aio::Coro<R> {
        aio::ThreadPoolExecutor ex(4);
        std::vector<aio::Future<int>> fs;
        for (int i = 0; i < 64; ++i) fs.push_back(aio::run_in_executor(&ex, &failing_job, i));
        R r;
        for (int i = 0; i < 64; ++i) {
          std::exception_ptr e;
          int v = -1;
          try {
            v = co_await fs[static_cast<std::size_t>(i)];
          } catch (const std::domain_error& x) {
            e = std::current_exception();
            if (std::string(x.what()) != "job " + std::to_string(i) + " failed") r.messages_right = false;
          }
          if (e) ++r.failed;
          else if (v == i * 10) ++r.ok;
        }
        // The pool still works after its jobs threw.
        std::string s = co_await aio::run_in_executor(&ex, &exclaim_job, std::string("after"));
        if (s != "after!") r.messages_right = false;
        ex.shutdown(true, 5);
        co_return r;
      }(),
      real_clock());
  CHECK(r.ok == 32);
  CHECK(r.failed == 32);
  CHECK(r.messages_right);
}

TEST_CASE("executor faults: a job that never returns, shutdown(wait, grace) ends in a bounded wait, the loop carries on",
          "[threads][executor][faults]") {
  g_gate.reset();
  struct R {
    int ticks_while_blocked = 0;
    int ticks_after_shutdown = 0;
    double shutdown_seconds = -1;
    std::string error;
    bool done_before_shutdown = true;
  };
  R r = aio::run(
      []() -> aio::Coro<R> {
        R r;
        std::atomic<int> ticks{0};
        bool stop = false;
        auto tick_task = aio::create_task(ticker(ticks, stop));
        aio::ThreadPoolExecutor ex(2);
        aio::Future<int> stuck = aio::run_in_executor(&ex, &blocked_job, 1);
        // The job blocks; the loop keeps serving the ticker meanwhile.
        co_await aio::sleep(0.1);
        r.ticks_while_blocked = ticks.load();
        r.done_before_shutdown = stuck.done();
        auto t0 = Clock::now();
        ex.shutdown(true, 0.2);  // waits for the running job at most 0.2 s, then leaves its thread behind
        r.shutdown_seconds = since(t0);
        // The stuck job's future fails with a clear error instead of hanging its awaiter.
        r.error = test::what_of(co_await test::error_of(stuck));
        int before = ticks.load();
        co_await aio::sleep(0.05);
        r.ticks_after_shutdown = ticks.load() - before;
        stop = true;
        co_await tick_task;
        co_return r;
      }(),
      real_clock());
  g_gate.release();
  g_gate.drain();
  CHECK_FALSE(r.done_before_shutdown);
  CHECK(r.ticks_while_blocked >= 5);
  CHECK(r.shutdown_seconds >= 0.15);
  CHECK(r.shutdown_seconds < 2.0);
  CHECK(r.error.find("shut down") != std::string::npos);
  CHECK(r.ticks_after_shutdown >= 3);
  CHECK(g_gate.left.load() == 1);
}

TEST_CASE("executor faults: shutting a pool down fails its queued jobs with a clear exception",
          "[threads][executor][faults]") {
  g_gate.reset();
  struct R {
    std::vector<std::string> errors;
    std::string stuck_error;
    double shutdown_seconds = -1;
    std::string after;
  };
  R r = aio::run(
      []() -> aio::Coro<R> {
        R r;
        aio::ThreadPoolExecutor ex(1);
        aio::Future<int> stuck = aio::run_in_executor(&ex, &blocked_job, 1);  // takes the only worker
        std::vector<aio::Future<std::string>> queued;
        for (int i = 0; i < 5; ++i) queued.push_back(aio::run_in_executor(&ex, &exclaim_job, std::to_string(i)));
        co_await aio::sleep(0.02);
        auto t0 = Clock::now();
        ex.shutdown(false);  // wait=false: returns at once
        r.shutdown_seconds = since(t0);
        for (auto& f : queued) r.errors.push_back(test::what_of(co_await test::error_of(f)));
        r.stuck_error = test::what_of(co_await test::error_of(stuck));
        // A shut-down pool refuses new work; the loop's default executor is unaffected.
        try {
          (void)aio::run_in_executor(&ex, &exclaim_job, std::string("late"));
          r.after = "accepted";
        } catch (const std::runtime_error& e) {
          r.after = e.what();
        }
        r.after += " / " + co_await aio::to_thread(&exclaim_job, std::string("default"));
        co_return r;
      }(),
      real_clock());
  g_gate.release();
  g_gate.drain();
  REQUIRE(r.errors.size() == 5);
  for (auto& e : r.errors) {
    INFO(e);
    CHECK(e.find("shut down") != std::string::npos);
  }
  CHECK(r.stuck_error.find("shut down") != std::string::npos);
  CHECK(r.shutdown_seconds < 0.5);
  CHECK(r.after == "cannot schedule new futures after shutdown / default!");
}

TEST_CASE("executor faults: an awaiter that times out leaves its blocked job behind, the run still ends",
          "[threads][executor][faults]") {
  g_gate.reset();
  struct R {
    bool timed_out = false;
    int after = 0;
    double wall = 0;
  };
  auto t0 = Clock::now();
  R r = aio::run(
      []() -> aio::Coro<R> {
        R r;
        aio::ThreadPoolExecutor ex(1);
        auto via = [](aio::ThreadPoolExecutor* ex) -> aio::Coro<int> {
          co_return co_await aio::run_in_executor(ex, &blocked_job, 2);
        };
        try {
          co_await aio::wait_for(via(&ex), 0.05);
        } catch (const aio::TimeoutError&) {
          r.timed_out = true;
        }
        // The worker is still blocked: a second pool serves the next job.
        aio::ThreadPoolExecutor other(1);
        r.after = co_await aio::run_in_executor(&other, &failing_job, 4);
        ex.shutdown(true, 0.1);
        other.shutdown(true, 5);
        co_return r;
      }(),
      real_clock());
  r.wall = since(t0);
  g_gate.release();
  g_gate.drain();
  CHECK(r.timed_out);
  CHECK(r.after == 40);
  CHECK(r.wall < 5);
}

TEST_CASE("executor faults: many short jobs finishing while the loop handles earlier ones, each result once",
          "[threads][executor][faults]") {
  // Workers finish jobs while the loop thread is consuming earlier completions: under TSan this checks
  // that nothing of a job's bookkeeping is released on a worker thread.
  int sum = aio::run(
      []() -> aio::Coro<int> {
        aio::ThreadPoolExecutor ex(4);
        int sum = 0;
        for (int round = 0; round < 20; ++round) {
          std::vector<aio::Future<int>> fs;
          for (int i = 0; i < 10; ++i) fs.push_back(aio::run_in_executor(&ex, &failing_job, 2 * i));
          for (auto& f : fs) sum += co_await f;
          co_await aio::sleep(0.001);
        }
        ex.shutdown(true, 5);
        co_return sum;
      }(),
      real_clock());
  CHECK(sum == 20 * 900);
}
