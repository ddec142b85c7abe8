#include "aio/sleep.hpp"

namespace aio {

void SleepAwaiter::start_timer(coro_ns::coroutine_handle<> h, std::int64_t delay_ns) {
  auto* t = detail::current_task_base();
  EventLoop& loop = EventLoop::current();
  t->add_ref();  // the timer entry's
  detail::suspend_sleeping(h, loop.add_timer(loop.now_ns() + delay_ns, *t));
}

}  // namespace aio
