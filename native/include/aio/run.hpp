// aio::run(coro, options): asyncio.run.
//
// Makes a new loop on this thread with the chosen clock, runs `coro` as its main task until it finishes,
// then cancels every task still unfinished and runs them to their end, shuts the default executor down,
// and returns the main task's result or rethrows its exception (CancelledError if it was stopped).
// Like asyncio.run, it cannot be called while a loop runs on the same thread (std::logic_error); loops
// on different threads are independent.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string_view>

#include "loop.hpp"
#include "platform.hpp"
#include "task.hpp"

namespace aio {

class Trace;

struct RunOptions {
  ClockKind clock = ClockKind::real;
  // Real clock only: every delay lasts `time_scale` times as long; the loop reads pattern seconds.
  double time_scale = 1.0;
  // Records the run's events when set.
  Trace* trace = nullptr;
  // Receives each aio::print line with its loop time; by default lines go to stdout.
  EventLoop::LineSink output{};
  // Called with the loop before the main task starts (e.g. to keep it for request_stop()).
  std::function<void(EventLoop&)> on_start{};
  // A platform to use instead of make_platform(clock, time_scale) (tests, embedding).
  Platform* platform = nullptr;
};

namespace detail {
// Everything of aio::run that does not depend on the result type.
class Runner {
 public:
  explicit Runner(const RunOptions& opts);
  ~Runner();
  EventLoop& loop() noexcept { return *loop_; }
  // Runs `main` to its end, then cancels and finishes the leftovers and the default executor. False
  // when the loop failed (it stalled, a callback threw): rethrow_failure() throws why. On the suspending
  // path, so it catches nothing (see EventLoop::run_until).
  bool run(TaskBase& main);
  [[noreturn]] void rethrow_failure() const;

 private:
  std::unique_ptr<Platform> owned_;
  std::unique_ptr<EventLoop> loop_;
  std::exception_ptr failure_;
};

// aio::run in three steps, for a caller that must hold nothing across the run (in the browser the run
// suspends: see EventLoop::run_until): the constructor makes the loop and schedules `main`, run() runs
// them, result() returns or rethrows what aio::run does.
template <class T>
class MainRun {
 public:
  MainRun(Coro<T> main, const RunOptions& opts) : runner_(opts), task_(create_task(std::move(main))) {}
  void run() { ok_ = runner_.run(access::base(task_)); }
  decltype(auto) result() const {
    if (!ok_) runner_.rethrow_failure();
    return task_.result();
  }

 private:
  Runner runner_;
  Task<T> task_;
  bool ok_ = false;
};
}  // namespace detail

template <class T>
T run(Coro<T> main, const RunOptions& opts = {}) {
  detail::MainRun<T> run(std::move(main), opts);
  run.run();
  return run.result();
}

}  // namespace aio
