#include "aio/sleep.hpp"

namespace aio {

void SleepAwaiter::await_suspend(coro_ns::coroutine_handle<> h) {
  const auto delay_ns = static_cast<std::int64_t>(seq_);
  if (delay_ns <= 0) {
    // A bare yield: nothing to cancel, the task is simply queued again.
    detail::suspend_current(h, nullptr, true).wake();
    return;
  }
  auto* t = detail::current_task_base();
  EventLoop& loop = EventLoop::current();
  t->add_ref();  // the timer entry's
  seq_ = loop.add_timer(loop.now_ns() + delay_ns, *t);
  detail::suspend_sleeping(h, &seq_);
}

}  // namespace aio
