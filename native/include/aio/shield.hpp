// shield(aw): asyncio.shield.
//
// Runs `aw` (a coroutine, made a task, a task, or any other Awaitable, awaited by a task) and returns a Future of its outcome. Cancelling that
// future, or the task awaiting it, does not cancel the inner task: it keeps running to its end (the
// awaiter gets CancelledError at once). If the inner task itself is cancelled, the future is cancelled.
#pragma once

#include "concepts.hpp"
#include "future.hpp"
#include "gather.hpp"
#include "task.hpp"

namespace aio {

template <Awaitable A>
Future<detail::awaited_t<A>> shield(A&& aw) {
  using T = detail::awaited_t<A>;
  Task<T> inner = detail::ensure_task(std::forward<A>(aw));
  Future<T> outer;
  detail::add_done_callback(detail::access::base(inner), [inner, outer]() mutable {
    if (outer.done()) return;  // the outer was cancelled: the result is dropped
    if (inner.cancelled()) {
      outer.cancel();
    } else if (auto e = inner.exception()) {
      outer.set_exception(e);
    } else if constexpr (std::is_void_v<T>) {
      outer.set_result();
    } else {
      outer.set_result(inner.result());
    }
  });
  return outer;
}

}  // namespace aio
