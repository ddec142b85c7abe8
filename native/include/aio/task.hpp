// Task<T>: asyncio.Task. A coroutine scheduled on the loop; a shared handle that many may await.
//
// create_task(coro, name) schedules the coroutine and returns at once: the task first runs when the
// creator next yields to the loop, and tasks start in creation order.
// `co_await task` returns its result or rethrows its exception (CancelledError if it was cancelled).
// Awaiting a task handle (an lvalue) leaves the result in the task, so a task may be awaited any number
// of times: it yields a copy, or for a move-only T a `const T&` into the task (valid while a handle lives).
// Awaiting an rvalue (`co_await std::move(task)`, `co_await create_task(...)`) takes that handle over
// (the variable is left empty, as after a move) and moves the result out when it was the last handle to
// the task; with other handles left it copies, and for a move-only T it raises InvalidStateError
// instead, leaving the result to the other handles. result() is always a `const T&`.
// ```cpp
// aio::Coro<std::unique_ptr<int>> make_box(int v);
//
// aio::Coro<> main_coro() {
//   aio::Task<std::unique_ptr<int>> t = aio::create_task(make_box(1), "box");
//   const std::unique_ptr<int>& peek = co_await t;   // stays in the task
//   aio::print(*peek, t.name());
//   std::unique_ptr<int> mine = co_await std::move(t);  // the last handle: moved out
// }
// ```
// Cancelling the awaiting task cancels the awaited task too, as in asyncio (use shield() to prevent it).
// cancel(msg) is a request: CancelledError is raised inside the task at its next suspension, and a task
// that catches it and returns normally ends done, not cancelled.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "concepts.hpp"
#include "coro.hpp"
#include "errors.hpp"

namespace aio {

// A task of any result type (asyncio's Task[Any]): what current_task() returns, and what every Task<T>
// is. A shared handle; handles compare equal when they refer to the same task.
class AnyTask {
 public:
  // An empty handle (valid() is false), to be assigned later.
  AnyTask() = default;

  bool valid() const noexcept { return static_cast<bool>(p_); }
  bool done() const noexcept { return p_->done(); }
  bool cancelled() const noexcept { return p_->cancelled(); }
  bool cancel(std::string_view msg = {}) { return p_->cancel(msg); }
  std::uint32_t cancelling() const noexcept { return p_->cancelling(); }
  std::uint32_t uncancel() noexcept { return p_->uncancel(); }

  // The task's exception (null if it succeeded); CancelledError if cancelled; InvalidStateError if pending.
  std::exception_ptr exception() const { return p_->exception(); }

  std::string name() const { return p_->name(); }
  void set_name(std::string name) { p_->set_name(std::move(name)); }
  std::uint64_t id() const noexcept { return p_->id(); }

  friend bool operator==(const AnyTask& a, const AnyTask& b) noexcept { return a.p_.get() == b.p_.get(); }

 protected:
  explicit AnyTask(detail::Ref<detail::TaskBase> p) noexcept : p_(std::move(p)) {}
  detail::TaskBase& base() const noexcept { return *p_; }
  detail::Ref<detail::TaskBase> p_;

 private:
  friend struct detail::access;
};

namespace detail {

// The value of a task that succeeded, as `co_await` gives it (see the top of this file).
template <class T, bool Rvalue>
decltype(auto) task_result(Promise<T>& p) {
  if constexpr (std::is_void_v<T>) {
    return;
  } else if constexpr (Rvalue) {
    if (p.only_ref()) return T(std::move(*p.value));
    if constexpr (std::is_copy_constructible_v<T>) {
      return T(*p.value);
    } else {
      throw InvalidStateError(
          "aio: co_await std::move(task) of a move-only result needs the last handle to the task "
          "(await the handle itself for a const reference)");
    }
  } else if constexpr (std::is_copy_constructible_v<T>) {
    return T(*p.value);
  } else {
    return static_cast<const T&>(*p.value);
  }
}

}  // namespace detail

template <class T = void>
class Task : public AnyTask {
 public:
  using value_type = T;

  Task() = default;

  // The result; rethrows the task's exception; CancelledError if cancelled; InvalidStateError if pending.
  decltype(auto) result() const {
    base().rethrow_if_unsuccessful();
    if constexpr (std::is_void_v<T>) return; else return static_cast<const T&>(*promise().value);
  }

  // Calls fn(task) once the task is done, scheduled on the loop like call_soon (immediately scheduled if
  // it is done already).
  void add_done_callback(std::function<void(const Task&)> fn);

  // See the top of this file for what each form yields.
  auto operator co_await() const& noexcept { return Awaiter<false>{detail::FutureAwaiter(base()), &promise(), {}}; }
  auto operator co_await() && noexcept {
    Promise* p = &promise();
    return Awaiter<true>{detail::FutureAwaiter(*p), p, std::move(p_)};
  }

 private:
  friend struct detail::access;
  using Promise = detail::Promise<T>;
  // Adopts a frame that create_task has just started (its reference is the handle's).
  explicit Task(Promise* p) noexcept : AnyTask(detail::Ref<detail::TaskBase>::adopt(p)) {}
  Promise& promise() const noexcept { return static_cast<Promise&>(base()); }

  struct NoHandle {};
  template <bool Rvalue>
  struct Awaiter : detail::FutureAwaiter {
    Promise* p;
    // An rvalue's handle, taken over (so the only handles left are other people's); nothing otherwise.
    [[no_unique_address]] std::conditional_t<Rvalue, detail::Ref<detail::TaskBase>, NoHandle> handle;
    decltype(auto) await_resume() {
      await_resume_check();
      return detail::task_result<T, Rvalue>(*p);
    }
  };
};

template <class T>
void Task<T>::add_done_callback(std::function<void(const Task&)> fn) {
  detail::add_done_callback(base(), [fn = std::move(fn), self = *this] { fn(self); });
}

// asyncio.create_task: schedules `coro` on the running loop. The name defaults to "Task-N".
template <class T>
Task<T> create_task(Coro<T> coro) {
  auto h = detail::access::release(coro);
  auto& p = h.promise();
  p.start_task(EventLoop::current(), nullptr);
  return detail::access::make<Task<T>>(&p);
}
// The same, named (an empty name is "Task-N" too). An overload rather than a defaulted parameter:
// the unnamed call, the common one, then builds and moves no string.
template <class T>
Task<T> create_task(Coro<T> coro, std::string name) {
  auto h = detail::access::release(coro);
  auto& p = h.promise();
  p.start_task(EventLoop::current(), &name);
  return detail::access::make<Task<T>>(&p);
}

// asyncio.current_task(): the running task; throws std::logic_error outside a task.
AnyTask current_task();

namespace detail {

// What a combinator's task for `A` yields: T for a Coro<T> or a Task<T>, else the awaited value.
template <class A>
struct awaited_type {
  using type = std::remove_cvref_t<await_result_t<A>>;
};
template <class T>
struct awaited_type<Coro<T>> {
  using type = T;
};
template <class T>
struct awaited_type<Task<T>> {
  using type = T;
};
template <class A>
using awaited_t = typename awaited_type<std::decay_t<A>>::type;

// The result of a finished task whose handle is given up (co_await std::move(task) without the await).
template <class T>
decltype(auto) take_result(Task<T>&& t) {
  access::base(t).rethrow_if_unsuccessful();
  return task_result<T, true>(static_cast<Promise<T>&>(access::base(t)));
}

template <class T, class A>
Coro<T> await_in_task(A aw) {
  co_return co_await std::move(aw);
}

// asyncio.ensure_future: a task is used as it is, a coroutine becomes a task, and any other awaitable
// is awaited by a new task (a sleep, a future, a gather...).
template <Awaitable A>
Task<awaited_t<A>> ensure_task(A&& a) {
  using D = std::decay_t<A>;
  using T = awaited_t<A>;
  if constexpr (std::is_same_v<D, Task<T>>) {
    return a;
  } else if constexpr (std::is_same_v<D, Coro<T>>) {
    return create_task(std::move(a));
  } else {
    return create_task(await_in_task<T>(D(std::forward<A>(a))));
  }
}

}  // namespace detail

}  // namespace aio
