// Task<T>: asyncio.Task. A coroutine scheduled on the loop; a shared handle that many may await.
//
// create_task(coro, name) schedules the coroutine and returns at once: the task first runs when the
// creator next yields to the loop, and tasks start in creation order.
// `co_await task` returns its result or rethrows its exception (CancelledError if it was cancelled).
// Cancelling the awaiting task cancels the awaited task too, as in asyncio (use shield() to prevent it).
// cancel(msg) is a request: CancelledError is raised inside the task at its next suspension, and a task
// that catches it and returns normally ends done, not cancelled.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "coro.hpp"

namespace aio {

template <class T = void>
class Task {
 public:
  using value_type = T;
  using promise_type = detail::Promise<T>;

  // An empty handle (valid() is false), to be assigned later.
  Task() = default;

  bool valid() const noexcept { return static_cast<bool>(p_); }
  bool done() const noexcept { return p_->done(); }
  bool cancelled() const noexcept { return p_->cancelled(); }
  bool cancel(std::string_view msg = {}) { return p_->cancel(msg); }
  std::uint32_t cancelling() const noexcept { return p_->cancelling(); }
  std::uint32_t uncancel() noexcept { return p_->uncancel(); }

  // The result; rethrows the task's exception; CancelledError if cancelled; InvalidStateError if pending.
  decltype(auto) result() const {
    p_->rethrow_if_unsuccessful();
    if constexpr (std::is_void_v<T>) return; else return static_cast<const T&>(*p_->value);
  }
  // The task's exception (null if it succeeded); CancelledError if cancelled; InvalidStateError if pending.
  std::exception_ptr exception() const { return p_->exception(); }

  std::string name() const { return p_->name(); }
  void set_name(std::string name) { p_->set_name(std::move(name)); }
  std::uint64_t id() const noexcept { return p_->id(); }

  // Calls fn(task) once the task is done, scheduled on the loop like call_soon (immediately scheduled if
  // it is done already).
  void add_done_callback(std::function<void(const Task&)> fn);

  auto operator co_await() const noexcept {
    struct Awaiter : detail::FutureAwaiter {
      promise_type* p;
      T await_resume() {
        await_resume_check();
        if constexpr (!std::is_void_v<T>) return *p->value;
      }
    };
    return Awaiter{detail::FutureAwaiter(*p_), p_.get()};
  }

  detail::TaskBase& base() const noexcept { return *p_; }
  friend bool operator==(const Task& a, const Task& b) noexcept { return a.p_.get() == b.p_.get(); }

  // Adopts a frame that create_task has just started (its reference is the handle's).
  static Task adopt(promise_type* p) noexcept {
    Task t;
    t.p_ = detail::Ref<promise_type>::adopt(p);
    return t;
  }

 private:
  detail::Ref<promise_type> p_;
};

template <class T>
void Task<T>::add_done_callback(std::function<void(const Task&)> fn) {
  detail::add_done_callback(*p_, [fn = std::move(fn), self = *this] { fn(self); });
}

// asyncio.create_task: schedules `coro` on the running loop. The name defaults to "Task-N".
template <class T>
Task<T> create_task(Coro<T> coro, std::string name = {}) {
  auto h = coro.release();
  auto& p = h.promise();
  p.start_task(EventLoop::current(), std::move(name));
  return Task<T>::adopt(&p);
}

// A Task passes through unchanged: the ensure_future of combinators that take both.
template <class T>
Task<T> create_task(Task<T> task) noexcept { return task; }

// The running task's name, id and cancel state (asyncio.current_task()); throws outside a task.
detail::TaskBase& current_task();

}  // namespace aio
