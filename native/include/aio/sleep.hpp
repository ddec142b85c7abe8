// sleep(seconds) / sleep(duration): asyncio.sleep.
//
// Suspends the running task for the delay, on the loop's clock (pattern seconds: a time scale or the
// virtual clock apply). sleep(0) yields exactly one loop turn: the task goes to the back of the ready
// queue, as asyncio's bare `yield`. A sleep that times out wakes its task one iteration after the
// deadline's callbacks, exactly as asyncio's does (see loop.hpp). Cancelling the task ends the sleep at
// once with CancelledError. A negative or NaN delay is treated as 0, like asyncio; a positive one below
// a nanosecond sets a 1 ns timer (asyncio's sleep(1e-10) is a timer, not a yield); an infinite one
// waits until cancelled.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

#include "detail/task_base.hpp"

namespace aio {

namespace detail {
struct Sleeping;
}

// The delay until the sleep starts; awaited as it is only outside aio's own coroutines (see Sleeping).
class [[nodiscard]] SleepAwaiter {
 public:
  explicit SleepAwaiter(std::int64_t delay_ns) noexcept : delay_ns_(delay_ns) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro_ns::coroutine_handle<> h) { start(h, delay_ns_); }
  void await_resume() { detail::throw_if_cancel_requested(); }
  std::int64_t delay_ns() const noexcept { return delay_ns_; }

 private:
  friend struct detail::Sleeping;
  // Starts the sleep of the running task, suspended at `h`: a bare yield for a delay of 0, else a timer.
  static void start(coro_ns::coroutine_handle<> h, std::int64_t delay_ns) {
    if (delay_ns <= 0) detail::yield_current(h); else start_timer(h, delay_ns);
  }
  static void start_timer(coro_ns::coroutine_handle<> h, std::int64_t delay_ns);
  std::int64_t delay_ns_;
};

namespace detail {
// Inside an aio coroutine a sleep is awaited through this empty awaiter (Promise::await_transform),
// its delay handed over on the side: g++ gives the awaited temporary and the awaiter each a slot of
// their own in the frame, which for a SleepAwaiter would be two words in every coroutine that sleeps.
// await_transform and await_suspend of one co_await run back to back on the loop's thread.
inline thread_local std::int64_t t_sleep_delay_ns = 0;
struct Sleeping {
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro_ns::coroutine_handle<> h) { SleepAwaiter::start(h, t_sleep_delay_ns); }
  void await_resume() { throw_if_cancel_requested(); }
};
}  // namespace detail

// Seconds to loop nanoseconds, saturating: NaN and negatives are 0, huge values are "forever", and a
// positive delay is at least 1 ns (asyncio sets a timer for any delay > 0, never a bare yield).
constexpr std::int64_t to_loop_ns(double seconds) noexcept {
  if (!(seconds > 0)) return 0;
  if (seconds >= 9.2e9) return std::numeric_limits<std::int64_t>::max() / 2;
  const auto ns = static_cast<std::int64_t>(seconds * 1e9 + 0.5);
  return ns > 0 ? ns : 1;
}

inline SleepAwaiter sleep(double seconds) noexcept { return SleepAwaiter(to_loop_ns(seconds)); }

template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> d) noexcept {
  return SleepAwaiter(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() > 0
                          ? std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()
                          : 0);
}

}  // namespace aio
