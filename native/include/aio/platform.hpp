// The seam between the loop and the machine it runs on: the only door through which the core meets a
// clock, an idle wait or a worker. Natively: the monotonic clock, a condition variable, std::threads.
// In the browser: performance.now(), an Asyncify wait on the timer queue, Web Workers. The virtual clock
// (native/src/virtual_clock.cpp) is one more implementation: it jumps to the next deadline instead of waiting.
//
// Times are loop nanoseconds: the pattern's own time. A real clock with a time scale s reports
// (real elapsed) / s, so a pattern that sleeps 1 s at scale 0.1 waits 100 ms and reads 1 s.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace aio {

enum class ClockKind { real, virtual_time };

// One blocking call to run on a worker. `invoke` turns packed arguments into a packed result (or
// throws); it and `fn` are plain function addresses, so a Web Worker running its own instance of the
// same WebAssembly module can call them too.
struct Job {
  using Invoke = std::string (*)(std::uintptr_t fn, const std::string& args);
  Invoke invoke = nullptr;
  std::uintptr_t fn = 0;
  std::string args;
  std::string name;
  // The loop's clock: on a virtual clock a blocking_sleep() inside the job only counts its time.
  ClockKind clock = ClockKind::real;
  double time_scale = 1.0;
  // Set when the job's future was cancelled: a worker that has not started it skips it.
  std::shared_ptr<const std::atomic<bool>> skip;
};


// What a worker reports back. `virtual_seconds` is the time the job's blocking sleeps took on a
// virtual clock (they return at once there); `worker` is the index of the worker that ran it.
struct JobOutcome {
  bool ok = false;
  bool skipped = false;       // cancelled before a worker took it
  std::string value;          // the packed result, or the error message when !ok
  std::exception_ptr error;   // the job's own exception, where it could be kept (threads)
  double virtual_seconds = 0;
  int worker = 0;
};

// Runs a job on the calling worker: sets up what blocking_sleep() reads, calls it, packs the outcome.
// Every WorkerPool (threads, Web Workers) runs its jobs through this.
JobOutcome run_job(const Job& job, int worker);

// A fixed set of workers that run one job each at a time, in submission order.
class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  // Called on the loop's thread. `done` is called exactly once, on any thread: the loop hands it over
  // with EventLoop::call_soon_threadsafe. `started` (optional) is called on any thread when a worker takes it.
  virtual void submit(Job job, std::function<void(JobOutcome)> done, std::function<void(int worker)> started) = 0;
  // Stops accepting jobs; queued jobs that no worker has started fail. Waits at most `grace_seconds`
  // (real time) for running jobs; workers still busy after that are left to finish on their own.
  virtual void shutdown(double grace_seconds) = 0;
  virtual int max_workers() const = 0;
};

class Platform {
 public:
  virtual ~Platform() = default;
  virtual ClockKind clock() const = 0;
  virtual double time_scale() const = 0;
  // Loop time, nanoseconds since the platform was made.
  virtual std::int64_t now() = 0;
  // Called by the loop when no task is ready: returns at `deadline` (loop ns), or earlier after wake().
  // `external` says whether something outside the loop (a worker job) may still call wake().
  virtual void idle_wait(std::optional<std::int64_t> deadline, bool external) = 0;
  // Thread-safe: makes the current or the next idle_wait return.
  virtual void wake() = 0;
  // A pool of `max_workers` workers for an executor.
  virtual std::unique_ptr<WorkerPool> make_pool(int max_workers) = 0;
  // How long the loop may run callbacks before it must give the host a turn (the browser's ~10 ms),
  // measured on host_now(); 0 means never. Checked between loop iterations, and every few hundred
  // callbacks within one (an iteration of 100,000 ready tasks is far longer than a turn).
  virtual std::int64_t yield_every_ns() const { return 0; }
  // The host's own clock for yield_every_ns: the loop's clock, except on the virtual clock, whose time
  // stands still while callbacks run and whose host keeps real time.
  virtual std::int64_t host_now() { return now(); }
  // Gives the host a turn without waiting for a deadline (the browser's MessageChannel post). Nothing the
  // loop computes depends on it: the inbox is drained only at the start of an iteration, and on the
  // virtual clock nothing from the host is delivered during a turn.
  virtual void yield_to_host() {}
};

// A real clock's reading in loop nanoseconds: `real_ns` of host time since the platform was made, at
// time scale `scale`. Rounded, not truncated: the host's reading at a deadline's very tick, divided by a
// scale such as 0.1 (not exact in binary), can come out a hair short of the deadline; truncated, it read
// one nanosecond early and the timer waited a whole tick more. In the browser, whose performance.now()
// ticks every 100 us, that made every other wake-up 100 us late (0.5% of a dozen sleeps at scale 0.1).
inline std::int64_t scaled_loop_ns(double real_ns, double scale) { return static_cast<std::int64_t>(std::floor(real_ns / scale + 0.5)); }

// The platform this build runs on (native or browser), with the given clock and time scale.
std::unique_ptr<Platform> make_platform(ClockKind clock, double time_scale);
// The virtual clock over a host platform: loop time jumps to the next deadline instead of waiting; it
// waits on the host only while a worker job is out. Jobs run on the host's workers.
std::unique_ptr<Platform> make_virtual_platform(std::unique_ptr<Platform> host);
// Blocks the calling thread or worker for `real_seconds` (what blocking_sleep does on a real clock).
void host_blocking_sleep(double real_seconds);

}  // namespace aio
