#include "aio/sleep.hpp"

namespace aio {

void SleepAwaiter::await_suspend(coro_ns::coroutine_handle<> h) {
  const auto delay_ns = static_cast<std::int64_t>(timer_seq);
  if (delay_ns <= 0) {
    // A bare yield: nothing to cancel, the task is simply queued again.
    detail::suspend_current(h, nullptr, true).wake();
    return;
  }
  auto* t = detail::current_task_base();
  EventLoop& loop = EventLoop::current();
  t->add_ref();  // the timer entry's
  timer_seq = loop.add_timer(loop.now_ns() + delay_ns, *t);
  detail::suspend_current(h, this, true);
}

bool SleepAwaiter::on_cancel(detail::Suspension* s, detail::TaskBase& t, std::string_view) {
  s->timer_seq = 0;  // the heap entry goes stale
  t.loop().timer_went_stale();
  t.request_cancel_on_resume();
  t.wake();
  return true;
}

}  // namespace aio
