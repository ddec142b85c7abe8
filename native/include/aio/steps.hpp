// StepRecorder: the event loop one iteration at a time, as data. What the playground's Step mode, the
// CLI's `--steps` and the tests show; the Python harness (native/patterns/python/_steps.py) prints the
// same record from CPython's own loop.
//
// One record per iteration in which anything ran (a task step or a callback), taken when the iteration
// ends:
//   iteration  the loop's iteration count, from 1 (iterations in which nothing ran count too)
//   time       the loop time, seconds
//   ran        the tasks whose steps ran, in order, by name ("Task-1" is aio::run's main task)
//   callbacks  the other callbacks that ran, by short name ("timer fired for Task-3",
//              "gather: child done", "callback")
//   printed    the lines aio::print printed in the iteration
//   ready      what the next iteration runs first, in order (task names and callback names)
//   timers     the live timers in firing order: {task (null: not a task's sleep), at}
//   tasks      every task created so far, in creation order, then the executors' jobs, in submission
//              order ("blocking_io (job 2)", state pending, running, done or failed):
//              {name, state, cpp_line, py_line, awaiting, until, result}
// state is one of pending ready running sleeping waiting done cancelled failed; awaiting names the
// future a waiting task awaits (a task's name, "gather" or "future"); until is a sleeping task's wake
// time; result a short repr (Python's) of a done task's value, the error of a failed one.
// cpp_line is the line of the task's innermost co_await in the recorder's source file (or, for a
// task that has not started, the line of its coroutine's definition, which the caller maps from
// `function`); py_line is left for the caller to fill in (the pattern registry maps C++ lines to the
// Python original's, see native/patterns/steps.hpp). Both are null once the task is done.
//
// How it knows: every co_await in a coroutine passes its file and line to the promise's
// await_transform as default arguments, and every coroutine frame its function's name to
// initial_suspend; the loop runs a recording copy of its iteration. All of it hides behind one
// thread-local pointer test per coroutine frame and per co_await: when nobody records, the spawn + gather
// benchmark runs 1% more instructions with the hooks than with them compiled out. A recorder needs the run's
// trace (task states and printed lines come from it): pass trace() to the run, and call attach() from
// its on_start, before the main task exists. One recorder per loop; it must outlive the run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detail/step_hooks.hpp"
#include "trace.hpp"

namespace aio {

class EventLoop;
namespace detail {
class Runnable;
}

struct StepTask {
  std::string name;
  std::string state;
  std::optional<int> cpp_line;
  std::optional<int> py_line;
  std::string awaiting;             // empty: null
  std::optional<double> until;
  std::optional<std::string> result;
  std::string function;  // a task that has not started: the coroutine function that made it
};

struct StepTimer {
  std::string task;  // empty: a callback's timer
  double at = 0;
};

struct StepRecord {
  std::uint64_t iteration = 0;
  double time = 0;
  std::vector<std::string> ran;
  std::vector<std::string> callbacks;
  std::vector<std::string> printed;
  std::vector<std::string> ready;
  std::vector<StepTimer> timers;
  std::vector<StepTask> tasks;
  // One JSON object on one line, the fields in the order above.
  std::string to_json() const;
};

class StepRecorder {
 public:
  using Sink = std::function<void(StepRecord&)>;
  // `source_file`: the file name (or path suffix, "gather.cpp") whose co_await lines count for
  // cpp_line; empty: every file's.
  explicit StepRecorder(Sink on_step, std::string source_file = {});
  ~StepRecorder();
  StepRecorder(const StepRecorder&) = delete;
  StepRecorder& operator=(const StepRecorder&) = delete;

  Trace& trace() noexcept { return trace_; }
  // Starts recording `loop` (the loop of this thread); throws std::logic_error if one already records.
  void attach(EventLoop& loop);
  // Stops recording (the destructor does too).
  void detach() noexcept;

  // Called by the loop (see loop.cpp), only while attached.
  void begin_iteration();
  void before_run(detail::Runnable& r);
  void before_fire(detail::Runnable& target);
  void end_iteration();

  struct Impl;

 private:
  friend void detail::step_note_await(StepRecorder&, const char*, unsigned, detail::FutureBase*) noexcept;
  friend void detail::step_note_frame(StepRecorder&, detail::TaskBase&, const char*, const char*, detail::StepRepr) noexcept;
  friend void detail::step_task_created(StepRecorder&, detail::TaskBase&) noexcept;
  friend void detail::step_task_finished(StepRecorder&, detail::TaskBase&) noexcept;
  Impl* impl() const noexcept { return impl_.get(); }
  void on_event(const TraceEvent& e);
  Trace trace_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aio
