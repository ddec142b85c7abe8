// EventLoop: asyncio's BaseEventLoop, reduced to what tasks need. One loop per thread, made by aio::run.
//
// A ready queue (an intrusive FIFO: pushing a task allocates nothing) and a timer heap ordered by
// (deadline, scheduling order), so timers with equal deadlines fire in the order they were set.
// One iteration mirrors CPython's _run_once exactly, because the order of prints depends on it:
//   1. wait for the next deadline if nothing is ready (the platform's idle wait),
//   2. take the timers that are due now,
//   3. run the callbacks that were ready when the iteration began (not the ones they schedule),
//   4. then fire the due timers: each pushes its task or runs its callback.
// Step 4 comes after 3 where CPython appends timer handles behind the ready ones: a timer wakes its
// task one iteration later than a call_soon, exactly as asyncio's sleep does.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "detail/timer_queue.hpp"
#include "platform.hpp"

namespace aio {

class Trace;
class StepRecorder;
class ThreadPoolExecutor;
class EventLoop;
class SleepAwaiter;

namespace detail {

class TaskBase;
class GatherBase;
struct access;
ThreadPoolExecutor& default_executor(EventLoop& loop);

// The loop running on this thread. In the header so that the paths every task step takes read it inline.
inline thread_local EventLoop* t_loop = nullptr;

// What the loop calls back: an object on the ready queue (run) or the target of a timer entry
// (timer_*). One polymorphic base for both, so that a task, which is both, carries a single vtable
// pointer: tasks come by the million. Each kind overrides what it is used for.
class Runnable {
 public:
  // One word for two uses that never overlap. While the object is in the ready queue: the next one
  // there (the queue is intrusive: an object is in it at most once). While a task is suspended, and so
  // not queued: what it waits on (TaskBase::waiting_on_, whose tags make a queue link read as nothing).
  union {
    Runnable* next_ready = nullptr;
    std::uint64_t waiting_on_;
  };
  // Called when the object comes off the ready queue; may free it.
  virtual void run() {}
  // A timer entry holds a reference to its target until it fires or is dropped. timer_live is false
  // once the entry with this sequence number no longer matters (its sleep was cancelled).
  virtual bool timer_live(std::uint64_t /*seq*/) const { return false; }
  virtual void timer_fire(std::uint64_t /*seq*/) {}
  virtual void timer_release() noexcept {}

 protected:
  ~Runnable() = default;
};

}  // namespace detail

void shutdown_default_executor(EventLoop& loop);

// Nothing is ready, no timer is set and nothing external is outstanding, yet a task still waits.
class LoopStalled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class EventLoop {
 public:
  explicit EventLoop(Platform& platform, Trace* trace = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The loop running on this thread; throws std::logic_error outside aio::run (asyncio's
  // "no running event loop").
  static EventLoop& current() {
    if (!detail::t_loop) [[unlikely]] no_running_loop();
    return *detail::t_loop;
  }
  static EventLoop* current_or_null() noexcept { return detail::t_loop; }

  Platform& platform() noexcept { return platform_; }
  Trace* trace() const noexcept { return trace_; }

  // Loop time in nanoseconds and in seconds (asyncio's loop.time()).
  std::int64_t now_ns() { return platform_.now(); }
  // Divided, not multiplied by 1e-9: sleep(0.3) from 0 then reads exactly 0.3.
  double time() { return static_cast<double>(now_ns()) / 1e9; }

  // asyncio's call_soon / call_later, for callbacks that are not tasks. A call_later handle cancels.
  void call_soon(std::function<void()> fn);
  class TimerHandle;
  TimerHandle call_later(double delay_seconds, std::function<void()> fn);
  TimerHandle call_at(std::int64_t when_ns, std::function<void()> fn);

  // Thread-safe: queues `fn` for the loop's thread and wakes the loop.
  void call_soon_threadsafe(std::function<void()> fn);

  // Work outside the loop (an executor job) that will come back through call_soon_threadsafe:
  // while any is outstanding, an idle loop waits for it instead of declaring itself stalled.
  void hold_external() noexcept { ++external_; }
  void release_external() noexcept { --external_; }

  // Running the loop. What stops an iteration — a callback that throws, a stall (LoopStalled: nothing is
  // ready, no timer is set and nothing external is outstanding, yet more is awaited) — is not thrown
  // from these: they return false and the loop keeps the exception for take_failure() (aio::run
  // rethrows it).
  //
  // Why: these functions are the suspending path. In the browser the platform's idle_wait and
  // yield_to_host suspend the WebAssembly stack (Asyncify), and Binaryen's Asyncify (Emscripten 3.1.6)
  // cannot instrument a function in which a handler encloses a call that may suspend: a catch, or the
  // cleanup that destroys a local when a call throws. So on the way from aio::run down to the platform
  // no function holds a local with a destructor across such a call, and none catches; what may throw
  // in an iteration runs in helpers that catch (and never suspend).
  //
  // Runs iterations until `done()` is true.
  template <class Done>
  bool run_until(Done done) {
    last_yield_ns_ = platform_.host_now();
    while (!done())
      if (!run_once()) return false;
    return true;
  }
  // One iteration (see the top of this file).
  bool run_once();
  // Runs iterations while callbacks are ready (the done callbacks left when the last task finished).
  bool run_ready();
  // Why the last run_until, run_once, run_ready or cancel_all_tasks returned false (and forgets it).
  std::exception_ptr take_failure() noexcept { return std::move(failure_); }

  // Task bookkeeping, for names ("Task-N"), asyncio.all_tasks() and cancelling leftovers at exit.
  std::size_t task_count() const noexcept { return task_total_; }
  std::size_t ready_count() const noexcept;
  std::size_t timer_count() const noexcept { return timers_.size(); }
  // Cancels every unfinished task and runs the loop until they have all finished (asyncio.run's exit).
  bool cancel_all_tasks();

  // The task aio::run is running; request_stop() cancels it (thread-safe).
  void set_main(detail::TaskBase* t) noexcept { main_ = t; }
  void request_stop(std::string msg = "stopped");

  // The run's printed output: aio::print ends here, with the loop time of the line.
  using LineSink = std::function<void(std::string_view text, double t)>;
  void set_output(LineSink sink) { output_ = std::move(sink); }
  void print_line(std::string_view text);

 private:
  // What tasks, gather and sleep do to the queue and the timers (their friends below), never user code:
  // a Runnable is queued at most once, and a timer entry owns a reference, rules only they keep.
  friend class detail::TaskBase;
  friend class detail::GatherBase;
  friend class SleepAwaiter;
  friend struct detail::access;  // a future's done callbacks (future.cpp)
  // Appends to the ready queue. The object must not be queued already.
  void push(detail::Runnable& r) noexcept {
    r.next_ready = nullptr;
    if (tail_) tail_->next_ready = &r; else head_ = &r;
    tail_ = &r;
  }
  // Adds a timer; takes over one reference to `target`. Returns the entry's sequence number.
  std::uint64_t add_timer(std::int64_t when_ns, detail::Runnable& target);
  // Tells the loop that one entry went stale, so it can sweep the heap when most entries are stale.
  void timer_went_stale() noexcept { ++stale_timers_; }
  // The next task's number, for its name ("Task-N").
  std::uint64_t next_task_id() noexcept { return ++task_counter_; }

  using Entry = detail::TimerEntry;
  [[noreturn]] static void no_running_loop();
  // run_once, and its copy that tells a step recorder (steps.hpp) what runs: chosen once per
  // iteration, so that nothing in the loop over ready callbacks tests for a recorder.
  template <bool Record>
  bool run_once_impl();
  // The parts of an iteration that may throw, between the points where it may suspend (see run_until):
  // each catches into failure_ and returns false (or Next::failed). Never inlined into the suspending
  // functions, so that their handlers stay out of them (noinline here; wasm-opt's inlining of functions
  // with one caller is turned off for the page's module, native/bindings/CMakeLists.txt).
  enum class Next { done, turn, failed };
  struct Turns {
    std::int64_t every;  // Platform::yield_every_ns, read once an iteration
    unsigned countdown;  // callbacks until the host's clock is looked at again
  };
  template <bool Record>
  [[gnu::noinline]] bool begin_iteration() noexcept;
  template <bool Record>
  [[gnu::noinline]] Next run_ready_callbacks(detail::Runnable* last, Turns& turns) noexcept;
  template <bool Record>
  [[gnu::noinline]] Next fire_due_timers(std::int64_t now, std::uint64_t last_seq, Turns& turns) noexcept;
  template <bool Record>
  [[gnu::noinline]] bool end_iteration() noexcept;
  [[gnu::noinline]] bool stalled() noexcept;
  [[gnu::noinline]] bool cancel_leftovers() noexcept;
  bool leftovers_done() const noexcept;
  void release_leftovers() noexcept;
  bool turn_due(Turns& turns);
  friend class StepRecorder;  // reads the ready queue and the timers when an iteration ends
  void sweep_stale_timers();
  void restore_set_aside();
  [[gnu::noinline]] bool drain_inbox() noexcept;

  Platform& platform_;
  Trace* trace_;
  EventLoop* previous_;  // the loop this one shadows on this thread (nested aio::run in tests)
  detail::Runnable* head_ = nullptr;
  detail::Runnable* tail_ = nullptr;
  detail::TimerQueue timers_;
  std::vector<Entry> set_aside_;  // see run_once
  std::uint64_t timer_seq_ = 0;
  std::size_t stale_timers_ = 0;
  std::size_t external_ = 0;
  std::uint64_t task_counter_ = 0;
  std::size_t task_total_ = 0;
  detail::TaskBase* tasks_ = nullptr;  // unfinished tasks, an intrusive list
  detail::TaskBase* main_ = nullptr;
  std::vector<detail::TaskBase*> leftovers_;  // cancel_all_tasks' tasks (a reference each) until they finish
  std::exception_ptr failure_;
  LineSink output_;
  friend ThreadPoolExecutor& detail::default_executor(EventLoop&);
  friend void shutdown_default_executor(EventLoop&);
  std::unique_ptr<ThreadPoolExecutor> default_executor_;
  std::int64_t last_yield_ns_ = 0;
  std::mutex inbox_mutex_;
  std::vector<std::function<void()>> inbox_;
  std::atomic<bool> inbox_pending_{false};
};

// asyncio.TimerHandle: cancel() stops a call_later callback that has not run yet.
class EventLoop::TimerHandle {
 public:
  struct State;
  TimerHandle() = default;
  explicit TimerHandle(State* s) noexcept;
  TimerHandle(TimerHandle&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  TimerHandle& operator=(TimerHandle&& o) noexcept;
  ~TimerHandle();
  void cancel() noexcept;
  bool cancelled() const noexcept;

 private:
  State* s_ = nullptr;
};

}  // namespace aio
