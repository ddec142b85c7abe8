#include "aio/timeouts.hpp"

namespace aio::detail {

ReleaseOnDone::ReleaseOnDone() {
  notify = [](Waiter* w, FutureBase&) {
    Future<> waiter = static_cast<ReleaseOnDone*>(w)->waiter;
    EventLoop::current().call_soon([waiter]() mutable {
      if (!waiter.done()) waiter.set_result();
    });
  };
}

Coro<> cancel_and_wait(FutureBase& f) {
  ReleaseOnDone link;
  f.add_waiter(link);
  struct Remove {
    FutureBase& f;
    ReleaseOnDone& link;
    ~Remove() { f.remove_waiter(link); }
  } remove{f, link};
  f.cancel();
  co_await link.waiter;
}

struct TimeoutScope::Shared {
  Phase phase = Phase::entered;
  bool live = true;
  EventLoop::TimerHandle timer;
};

TimeoutScope::TimeoutScope(TaskBase& task, std::optional<std::int64_t> when_ns)
    : task_(task), cancelling_(task.cancelling()), shared_(std::make_shared<Shared>()) {
  if (!when_ns) return;
  EventLoop& loop = EventLoop::current();
  TaskBase* t = &task;
  std::weak_ptr<Shared> weak = shared_;
  auto on_timeout = [t, weak] {
    auto s = weak.lock();
    if (!s || !s->live) return;
    t->cancel();
    s->phase = Phase::expiring;
  };
  if (*when_ns <= loop.now_ns()) {
    loop.call_soon(on_timeout);  // CPython: an expired deadline cancels on the next turn
  } else {
    shared_->timer = loop.call_at(*when_ns, on_timeout);
  }
}

TimeoutScope::~TimeoutScope() {
  shared_->live = false;
  shared_->timer.cancel();
}

std::exception_ptr TimeoutScope::exit(std::exception_ptr error) {
  shared_->live = false;
  shared_->timer.cancel();
  if (shared_->phase == Phase::expiring) {
    shared_->phase = Phase::expired;
    // Only this scope's own cancellation becomes TimeoutError; a newer cancel() request goes through.
    if (task_.uncancel() <= cancelling_ && is_cancellation(error)) return std::make_exception_ptr(TimeoutError());
  } else if (shared_->phase == Phase::entered) {
    shared_->phase = Phase::exited;
  }
  return error;
}

}  // namespace aio::detail
