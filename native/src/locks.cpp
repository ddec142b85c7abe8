#include "aio/locks.hpp"

#include <stdexcept>

namespace aio {

namespace {
// Removes the waiter's entry whatever way the await ends (CPython's `finally: waiters.remove(fut)`).
struct Unlist {
  std::list<Future<>>& list;
  std::list<Future<>>::iterator it;
  ~Unlist() { list.erase(it); }
};
}  // namespace

void Event::set() {
  if (value_) return;
  value_ = true;
  for (auto& f : waiters_)
    if (!f.done()) f.set_result();
}

Coro<bool> Event::wait() {
  if (value_) co_return true;
  auto it = waiters_.emplace(waiters_.end());
  Unlist unlist{waiters_, it};
  Future<> f = *it;
  co_await f;
  co_return true;
}

Coro<bool> Lock::acquire() {
  bool all_cancelled = true;
  for (auto& w : waiters_)
    if (!w.cancelled()) all_cancelled = false;
  if (!locked_ && all_cancelled) {
    locked_ = true;
    co_return true;
  }
  auto it = waiters_.emplace(waiters_.end());
  Future<> f = *it;
  std::exception_ptr cancelled;
  {
    Unlist unlist{waiters_, it};
    try {
      co_await f;
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
  }
  if (cancelled) {
    // A wake-up this waiter received but cannot use goes to the next one.
    if (!locked_) wake_up_first();
    std::rethrow_exception(cancelled);
  }
  locked_ = true;
  co_return true;
}

void Lock::release() {
  if (!locked_) throw std::runtime_error("Lock is not acquired.");
  locked_ = false;
  wake_up_first();
}

void Lock::wake_up_first() {
  if (waiters_.empty()) return;
  auto& f = waiters_.front();
  if (!f.done()) f.set_result();
}

Coro<Held<Lock>> Lock::hold() {
  co_await acquire();
  co_return Held<Lock>(*this);
}

Semaphore::Semaphore(std::int64_t value) : value_(value) {
  if (value < 0) throw std::invalid_argument("Semaphore initial value must be >= 0");
}

bool Semaphore::locked() const noexcept {
  if (value_ == 0) return true;
  for (auto& w : waiters_)
    if (!w.cancelled()) return true;
  return false;
}

Coro<bool> Semaphore::acquire() {
  if (!locked()) {
    --value_;
    co_return true;
  }
  auto it = waiters_.emplace(waiters_.end());
  Future<> f = *it;
  std::exception_ptr cancelled;
  {
    Unlist unlist{waiters_, it};
    try {
      co_await f;
    } catch (const CancelledError&) {
      cancelled = std::current_exception();
    }
  }
  if (cancelled) {
    if (!f.cancelled()) {
      // Woken, then cancelled before it could run: give the permit back and pass it on.
      ++value_;
      wake_up_next();
    }
    std::rethrow_exception(cancelled);
  }
  if (value_ > 0) wake_up_next();
  co_return true;
}

void Semaphore::release() {
  ++value_;
  wake_up_next();
}

void Semaphore::wake_up_next() {
  for (auto& f : waiters_) {
    if (!f.done()) {
      --value_;
      f.set_result();
      return;
    }
  }
}

Coro<Held<Semaphore>> Semaphore::hold() {
  co_await acquire();
  co_return Held<Semaphore>(*this);
}

void BoundedSemaphore::release() {
  if (value_ >= bound_) throw std::invalid_argument("BoundedSemaphore released too many times");
  Semaphore::release();
}

}  // namespace aio
