// Queue<T>: asyncio.Queue, a FIFO for tasks of one loop, bounded when maxsize > 0.
//
// put() waits while the queue is full; get() waits while it is empty; both are fair (first come, first
// served). put_nowait() throws QueueFull, get_nowait() throws QueueEmpty. Each put counts an unfinished
// item; task_done() marks one finished (throws std::invalid_argument if called more often than put);
// join() waits until every item put so far is finished. Cancelling a task waiting in put() or get()
// raises CancelledError there and hands its wake-up to the next waiter, so no item and no slot is lost.
#pragma once

#include <cstddef>
#include <deque>
#include <list>
#include <stdexcept>
#include <utility>

#include "coro.hpp"
#include "future.hpp"
#include "locks.hpp"

namespace aio {

class QueueFull : public std::runtime_error {
 public:
  QueueFull() : std::runtime_error("QueueFull") {}
};
class QueueEmpty : public std::runtime_error {
 public:
  QueueEmpty() : std::runtime_error("QueueEmpty") {}
};

template <class T>
class Queue {
 public:
  explicit Queue(std::size_t maxsize = 0) : maxsize_(maxsize) { finished_.set(); }

  std::size_t qsize() const noexcept { return items_.size(); }
  std::size_t maxsize() const noexcept { return maxsize_; }
  bool empty() const noexcept { return items_.empty(); }
  bool full() const noexcept { return maxsize_ > 0 && items_.size() >= maxsize_; }

  Coro<> put(T item) {
    while (full()) co_await wait_in(putters_, [this] { return !full(); });
    put_nowait(std::move(item));
  }

  void put_nowait(T item) {
    if (full()) throw QueueFull();
    items_.push_back(std::move(item));
    ++unfinished_;
    finished_.clear();
    wakeup_next(getters_);
  }

  Coro<T> get() {
    while (empty()) co_await wait_in(getters_, [this] { return !empty(); });
    co_return get_nowait();
  }

  T get_nowait() {
    if (empty()) throw QueueEmpty();
    T item = std::move(items_.front());
    items_.pop_front();
    wakeup_next(putters_);
    return item;
  }

  void task_done() {
    if (unfinished_ == 0) throw std::invalid_argument("task_done() called too many times");
    if (--unfinished_ == 0) finished_.set();
  }

  Coro<> join() {
    if (unfinished_ > 0) co_await finished_.wait();
  }

 private:
  using Waiters = std::list<Future<>>;

  static void wakeup_next(Waiters& waiters) {
    while (!waiters.empty()) {
      Future<> w = std::move(waiters.front());
      waiters.pop_front();
      if (!w.done()) {
        w.set_result();
        break;
      }
    }
  }

  // One wait of put() or get(): on cancellation, a wake-up this waiter got is passed on.
  template <class Ready>
  Coro<> wait_in(Waiters& waiters, Ready ready) {
    Future<> w;
    waiters.push_back(w);
    std::exception_ptr error;
    try {
      co_await w;
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      w.cancel();
      waiters.remove_if([&](const Future<>& f) { return f == w; });
      if (ready() && !w.cancelled()) wakeup_next(waiters);
      std::rethrow_exception(error);
    }
  }

  std::size_t maxsize_;
  std::deque<T> items_;
  Waiters getters_;
  Waiters putters_;
  std::size_t unfinished_ = 0;
  Event finished_;
};

}  // namespace aio
