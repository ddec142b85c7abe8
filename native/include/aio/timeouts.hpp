// Timeouts: asyncio.wait_for and asyncio.timeout (Python 3.11 semantics).
//
// wait_for(aw, timeout): awaits a coroutine (made a task), a task or any other Awaitable (awaited by a
// task), for at most `timeout` seconds (std::nullopt: no limit, it is then awaited inline like `await`).
// The result is moved out of the task when wait_for holds its last handle (a move-only result needs
// that: wait_for on a move-only task someone else holds raises InvalidStateError, see task.hpp).
//   - On expiry it cancels the inner task, WAITS for it to finish its cleanup, then raises TimeoutError.
//   - timeout <= 0: the coroutine never starts (its task is cancelled before its first step); a task
//     already done gives its result.
//   - Cancelling the awaiter cancels the inner task and waits for it, then raises CancelledError.
//
// timeout(delay, body) / timeout_at(when, body): awaits `body` (any Awaitable) in the current task, and
// cancels the task if the deadline passes; the CancelledError that causes is turned into TimeoutError
// at the scope's exit. Nested scopes raise TimeoutError only from the scope that expired (the others see
// a CancelledError they did not cause and let it through, counting with Task.cancelling()).
// delay std::nullopt: no deadline.
#pragma once

#include <exception>
#include <memory>
#include <optional>

#include "coro.hpp"
#include "concepts.hpp"
#include "future.hpp"
#include "gather.hpp"
#include "sleep.hpp"
#include "task.hpp"

namespace aio {

namespace detail {

// A waiter that releases `waiter` a loop turn after the future it is registered on finishes
// (CPython's functools.partial(_release_waiter, waiter) as a done callback). Removable.
struct ReleaseOnDone : Waiter {
  Future<> waiter;
  ReleaseOnDone();
};

// CPython's _cancel_and_wait: cancels `f` and waits until it has finished.
Coro<> cancel_and_wait(FutureBase& f);

// The state of one timeout scope (CPython's asyncio.Timeout).
class TimeoutScope {
 public:
  TimeoutScope(TaskBase& task, std::optional<std::int64_t> when_ns);
  ~TimeoutScope();
  // __aexit__: returns the exception to raise instead of `error` (TimeoutError), or `error` itself.
  std::exception_ptr exit(std::exception_ptr error);

 private:
  enum class Phase { entered, expiring, expired, exited };
  struct Shared;
  TaskBase& task_;
  std::uint32_t cancelling_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace detail

namespace detail {

template <class A>
Coro<awaited_t<A>> wait_for(A aw, std::optional<double> timeout) {
  using T = detail::awaited_t<A>;
  if (!timeout) co_return co_await std::move(aw);
  Task<T> fut = detail::ensure_task(std::move(aw));
  // The result moves out when this is the task's last handle (a move-only T needs it to be).
  auto result = [&]() -> T { return detail::take_result(std::move(fut)); };
  auto cancelled_to_timeout = [&]() -> T {
    try {
      return result();
    } catch (const CancelledError&) {
      throw TimeoutError();
    }
  };
  if (*timeout <= 0) {
    if (fut.done()) co_return result();
    co_await detail::cancel_and_wait(detail::access::base(fut));
    co_return cancelled_to_timeout();
  }
  Future<> waiter;
  EventLoop::TimerHandle timer = EventLoop::current().call_later(*timeout, [waiter]() mutable {
    if (!waiter.done()) waiter.set_result();
  });
  struct CancelTimer {
    EventLoop::TimerHandle& h;
    ~CancelTimer() { h.cancel(); }
  } cancel_timer{timer};
  detail::ReleaseOnDone link;
  link.waiter = waiter;
  detail::access::base(fut).add_waiter(link);
  std::exception_ptr cancelled;
  try {
    co_await waiter;
  } catch (const CancelledError&) {
    cancelled = std::current_exception();
  }
  if (fut.done()) co_return result();  // 3.11: a result that is there wins, even over a cancellation
  detail::access::base(fut).remove_waiter(link);
  co_await detail::cancel_and_wait(detail::access::base(fut));  // the inner task is not running after wait_for returns
  if (cancelled) std::rethrow_exception(cancelled);
  co_return cancelled_to_timeout();
}

}  // namespace detail

// The awaitable is taken by forwarding reference so that the concept sees it as given (a coroutine
// kept in a variable must be moved in), then held by value in the coroutine.
template <Awaitable A>
Coro<detail::awaited_t<A>> wait_for(A&& aw, std::optional<double> timeout) {
  return detail::wait_for(std::decay_t<A>(std::forward<A>(aw)), timeout);
}

namespace detail {

template <class A>
Coro<awaited_t<A>> timeout_at(std::optional<std::int64_t> when_ns, A body) {
  using T = awaited_t<A>;
  detail::TimeoutScope scope(detail::access::base(current_task()), when_ns);
  std::exception_ptr error;
  std::optional<detail::value_of<T>> value;
  try {
    if constexpr (std::is_void_v<T>) co_await std::move(body); else value.emplace(co_await std::move(body));
  } catch (...) {
    error = std::current_exception();
  }
  if (auto raise = scope.exit(error)) std::rethrow_exception(raise);
  if constexpr (!std::is_void_v<T>) co_return std::move(*value);
}

}  // namespace detail

template <Awaitable A>
Coro<detail::awaited_t<A>> timeout_at(std::optional<std::int64_t> when_ns, A&& body) {
  return detail::timeout_at(when_ns, std::decay_t<A>(std::forward<A>(body)));
}

template <Awaitable A>
Coro<detail::awaited_t<A>> timeout(std::optional<double> delay, A&& body) {
  std::optional<std::int64_t> when;
  if (delay) when = EventLoop::current().now_ns() + to_loop_ns(*delay);
  return detail::timeout_at(when, std::decay_t<A>(std::forward<A>(body)));
}

}  // namespace aio
