// The native side of the seam: std::chrono::steady_clock, a condition variable for the idle wait,
// std::thread workers.
#include <sys/prctl.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "aio/platform.hpp"
#include "thread_pool.hpp"

namespace aio {

namespace {

class NativePlatform final : public Platform {
 public:
  explicit NativePlatform(double scale) : scale_(scale > 0 ? scale : 1.0), start_(Clock::now()) {
    // Linux lets a timed wait run up to 50 us late by default; a pattern's sleeps add that up, so the
    // loop's thread asks for 1 us (it is the thread that makes the platform, in aio::run).
    ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  }
  ClockKind clock() const override { return ClockKind::real; }
  double time_scale() const override { return scale_; }

  std::int64_t now() override {
    auto real = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
    return scaled_loop_ns(static_cast<double>(real), scale_);
  }

  void idle_wait(std::optional<std::int64_t> deadline, bool) override {
    if (deadline) {
      // Rounded up: at the target the clock reads the deadline (scaled_loop_ns), not a nanosecond before.
      auto target = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(static_cast<double>(*deadline) * scale_)));
      // A deadline this close is cheaper to spin for than to sleep for: a timed wait is a system call
      // and wakes late by the scheduler's latency, which thousands of close timers would add up.
      if (target - Clock::now() < std::chrono::microseconds(50)) {
        while (Clock::now() < target && !woken_.load(std::memory_order_acquire)) {
        }
        woken_.store(false, std::memory_order_relaxed);
        return;
      }
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_until(lock, target, [&] { return woken_.load(std::memory_order_relaxed); });
    } else {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return woken_.load(std::memory_order_relaxed); });
    }
    woken_.store(false, std::memory_order_relaxed);
  }

  void wake() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      woken_.store(true, std::memory_order_release);
    }
    cv_.notify_one();
  }

  std::unique_ptr<WorkerPool> make_pool(int max_workers) override { return make_thread_pool(max_workers); }

 private:
  using Clock = std::chrono::steady_clock;
  double scale_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> woken_{false};
};

}  // namespace

std::unique_ptr<Platform> make_platform(ClockKind clock, double time_scale) {
  if (clock == ClockKind::virtual_time) return make_virtual_platform(std::make_unique<NativePlatform>(1.0));
  return std::make_unique<NativePlatform>(time_scale);
}

void host_blocking_sleep(double real_seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(real_seconds));
}

}  // namespace aio
