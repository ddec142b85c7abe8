// The browser side of the seam: performance.now() for the clock, an Asyncify suspension on a Promise for
// the idle wait, Web Workers for executors (worker_pool.cpp). The JavaScript half is aio_host.js.
//
// Idle wait: the loop's C++ stack is unwound by Asyncify and the page's event loop runs until the
// Promise resolves: at the next deadline, or earlier when a worker reports or wake() is called (a stop
// request). Timers fire late (a millisecond or two when idle, more under load, and nested timeouts are
// clamped to 4 ms), so the wait is made of three parts: a setTimeout for the bulk, set short by how late
// timers have fired lately (3 ms at least, aio_host.js); then MessageChannel posts, one page turn each (these resume at once);
// and the last kSpinMs spun here on the clock without giving the page a turn, since a turn can take
// longer than that (a redraw, a message). Busy loop: yield_to_host() every 10 ms of real time gives the
// page a turn through a MessageChannel post, so input and rendering never wait long; on the virtual
// clock too (its time stands still, the turns go by performance.now()).
#include <emscripten.h>

#include "aio/platform.hpp"
#include "browser.hpp"

// performance.now(): milliseconds, sub-millisecond resolution, monotonic.
EM_JS(double, aio_js_now_ms, (), { return performance.now(); });
// Suspends until `ms` have passed (ms < 0: until woken) or a wake-up comes first.
EM_ASYNC_JS(void, aio_js_idle, (double ms), { await AioHost.idle(ms); });
// Gives the page one turn (a MessageChannel post) and comes back.
EM_ASYNC_JS(void, aio_js_yield, (), { await AioHost.yieldNow(); });
// Whether a turn may be taken now: compiled code runs inside an awaited (async) call.
EM_JS(int, aio_js_may_yield, (), { return AioHost.mayYield() ? 1 : 0; });
// Makes the current idle wait return (posted, so it is safe from inside compiled code).
EM_JS(void, aio_js_wake, (), { AioHost.wake(); });
// A worker has no other way to block without SharedArrayBuffer (Atomics.wait needs one, and that needs
// COOP/COEP headers): it spins on the clock. That blocks that worker only, which is what a blocking
// call in an executor job means. On the main thread (Node tests, or misuse) it blocks the page.
EM_JS(void, aio_js_busy_wait, (double ms), {
  var end = performance.now() + ms;
  while (performance.now() < end) {
  }
});

namespace aio {

namespace {

void (*g_before_suspend)() = nullptr;

// The end of a wait spun on the clock rather than spent in page turns (milliseconds).
constexpr double kSpinMs = 1.0;

class BrowserPlatform final : public Platform {
 public:
  // `virtual_host`: the host of the virtual clock, whose turns must deliver nothing (see yield_to_host).
  BrowserPlatform(double scale, bool virtual_host)
      : scale_(scale > 0 ? scale : 1.0), start_ms_(aio_js_now_ms()), virtual_host_(virtual_host) {}
  ClockKind clock() const override { return ClockKind::real; }
  double time_scale() const override { return scale_; }

  std::int64_t now() override { return scaled_loop_ns((aio_js_now_ms() - start_ms_) * 1e6, scale_); }

  void idle_wait(std::optional<std::int64_t> deadline, bool) override {
    if (!woken_ && !browser::run_inline_job()) {
      double ms = -1;
      if (deadline) {
        ms = static_cast<double>(*deadline - now()) * scale_ * 1e-6;
        if (ms < 0) ms = 0;
      }
      if (ms >= 0 && ms <= kSpinMs) {
        // On the loop's own clock, as the loop will test the deadline: a spin to a time converted back
        // to milliseconds could end a rounding short of it.
        while (now() < *deadline) {
        }
      } else {
        if (g_before_suspend) g_before_suspend();
        waiting_ = true;
        aio_js_idle(ms);
        waiting_ = false;
      }
    }
    // The loop drains its inbox right after this returns: a wake-up that came meanwhile is served.
    browser::deliver_events();
    woken_ = false;
  }

  void wake() override {
    woken_ = true;
    if (waiting_) aio_js_wake();
  }

  std::unique_ptr<WorkerPool> make_pool(int max_workers) override { return browser::make_worker_pool(max_workers); }

  // 10 ms of real time, in loop nanoseconds. The virtual clock's host only inside an awaited call: a
  // synchronous one (the benchmark's) cannot suspend, and used never to need to.
  std::int64_t yield_every_ns() const override {
    if (virtual_host_ && !aio_js_may_yield()) return 0;
    return static_cast<std::int64_t>(10e6 / scale_);
  }

  void yield_to_host() override {
    if (g_before_suspend) g_before_suspend();
    aio_js_yield();
    // On the virtual clock the workers' reports wait for the idle wait, as they would without turns:
    // when a job's end reaches the loop must not depend on when the page had its turns.
    if (!virtual_host_) browser::deliver_events();
  }

 private:
  double scale_;
  double start_ms_;
  bool virtual_host_;
  bool woken_ = false;
  bool waiting_ = false;
};

}  // namespace

void browser::set_before_suspend(void (*hook)()) { g_before_suspend = hook; }

std::unique_ptr<Platform> make_platform(ClockKind clock, double time_scale) {
  if (clock == ClockKind::virtual_time) return make_virtual_platform(std::make_unique<BrowserPlatform>(1.0, true));
  return std::make_unique<BrowserPlatform>(time_scale, false);
}

void host_blocking_sleep(double real_seconds) {
  if (real_seconds > 0) aio_js_busy_wait(real_seconds * 1e3);
}

}  // namespace aio
