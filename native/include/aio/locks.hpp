// Synchronisation primitives: asyncio.Event, asyncio.Lock, asyncio.Semaphore, asyncio.BoundedSemaphore.
// For tasks of one loop (not thread-safe), fair (first come, first served), as in CPython 3.11.
//
// Event: wait() suspends until set(); set() wakes every waiter; clear() resets.
// Lock: `co_await lock.acquire()` ... `lock.release()`, or `auto held = co_await lock.hold();` which
//       releases when `held` goes out of scope. release() of an unlocked lock throws std::runtime_error.
// Semaphore(n): acquire() takes one of n permits, waiting if none is free; release() returns one.
// BoundedSemaphore(n): release() beyond n throws std::invalid_argument (Python's ValueError).
// Cancelling a task that waits in acquire() or wait() raises CancelledError there and passes the
// wake-up it may have received on to the next waiter, so nothing is lost.
#pragma once

#include <cstdint>
#include <list>
#include <utility>

#include "coro.hpp"
#include "future.hpp"

namespace aio {

class Event {
 public:
  bool is_set() const noexcept { return value_; }
  void set();
  void clear() noexcept { value_ = false; }
  Coro<bool> wait();

 private:
  bool value_ = false;
  std::list<Future<>> waiters_;
};

// Releases what it holds when it goes out of scope (Python's `async with`).
template <class Primitive>
class [[nodiscard]] Held {
 public:
  explicit Held(Primitive& p) noexcept : p_(&p) {}
  Held(Held&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Held& operator=(Held&&) = delete;
  ~Held() {
    if (p_) p_->release();
  }

 private:
  Primitive* p_;
};

class Lock {
 public:
  bool locked() const noexcept { return locked_; }
  Coro<bool> acquire();
  void release();
  Coro<Held<Lock>> hold();

 private:
  void wake_up_first();
  bool locked_ = false;
  std::list<Future<>> waiters_;
};

class Semaphore {
 public:
  explicit Semaphore(std::int64_t value = 1);
  bool locked() const noexcept;
  std::int64_t value() const noexcept { return value_; }
  Coro<bool> acquire();
  virtual void release();
  Coro<Held<Semaphore>> hold();
  virtual ~Semaphore() = default;

 protected:
  void wake_up_next();
  std::int64_t value_;
  std::list<Future<>> waiters_;
};

class BoundedSemaphore final : public Semaphore {
 public:
  explicit BoundedSemaphore(std::int64_t value = 1) : Semaphore(value), bound_(value) {}
  void release() override;

 private:
  std::int64_t bound_;
};

}  // namespace aio
