#include "aio/future.hpp"

#include <memory>
#include <stdexcept>

#include "aio/detail/task_base.hpp"

namespace aio::detail {

std::exception_ptr FutureBase::exception() const {
  switch (state_) {
    case State::pending: throw InvalidStateError("Exception is not set.");
    case State::cancelled: std::rethrow_exception(error_);
    case State::failed: return error_;
    case State::done: return nullptr;
  }
  return nullptr;
}

void FutureBase::rethrow_if_unsuccessful() const {
  switch (state_) {
    case State::pending: throw InvalidStateError("Result is not set.");
    case State::cancelled:
    case State::failed: std::rethrow_exception(error_);
    case State::done: return;
  }
}

void FutureBase::require_pending(const char* what) const {
  if (state_ != State::pending) throw InvalidStateError(std::string(what) + ": the future is already done");
}

void FutureBase::add_waiter(Waiter& w) noexcept {
  if (done()) {
    w.next = nullptr;
    w.notify(&w, *this);
    return;
  }
  Waiter** at = &head_;
  while (*at && !is_parent_link(*at)) at = &(*at)->next;
  w.next = *at;  // the parent, if any, stays last
  *at = &w;
}

bool FutureBase::remove_waiter(Waiter& w) noexcept {
  for (Waiter** at = &head_; *at && !is_parent_link(*at); at = &(*at)->next) {
    if (*at != &w) continue;
    *at = w.next;
    w.next = nullptr;
    return true;
  }
  return false;
}

void FutureBase::notify_waiters() noexcept {
  // The parent is told first: unlinked from the end of the list, then told (any waiter added from
  // now on is told at once, the future being done).
  for (Waiter** at = &head_; *at; at = &(*at)->next) {
    if (!is_parent_link(*at)) continue;
    auto* p = reinterpret_cast<Parent*>(reinterpret_cast<std::uintptr_t>(std::exchange(*at, nullptr)) - 1);
    p->child_done(*this);
    break;
  }
  // Each waiter may unregister others or free itself: take the list first.
  Waiter* w = std::exchange(head_, nullptr);
  while (w) {
    Waiter* next = w->next;
    w->next = nullptr;
    w->notify(w, *this);
    w = next;
  }
}

bool FutureBase::cancel(std::string_view msg) {
  if (done()) return false;
  error_ = std::make_exception_ptr(CancelledError(std::string(msg)));
  finish(State::cancelled);
  return true;
}

void FutureBase::set_exception(std::exception_ptr e) {
  require_pending("set_exception");
  if (!e) throw std::invalid_argument("set_exception: null exception");
  error_ = std::move(e);
  finish(is_cancellation(error_) ? State::cancelled : State::failed);
}

void FutureAwaiter::await_suspend(coro_ns::coroutine_handle<> h) {
  task_ = current_task_base();
  fut_->add_waiter(*this);
  suspend_current(h, this, false);
}

void FutureAwaiter::on_done(Waiter* w, FutureBase&) {
  auto* self = static_cast<FutureAwaiter*>(w);
  self->task_->wake();
}

bool FutureAwaiter::on_cancel(Suspension* s, TaskBase&, std::string_view msg) {
  auto* self = static_cast<FutureAwaiter*>(s);
  return self->fut_->cancel(msg);
}

void FutureAwaiter::await_resume_check() {
  throw_if_cancel_requested();
  fut_->rethrow_if_unsuccessful();
}

namespace {
// A done callback: a waiter that, when the future completes, schedules fn like call_soon.
struct DoneCallback final : Waiter, Runnable {
  std::function<void()> fn;
  EventLoop* loop;
  DoneCallback(std::function<void()> f, EventLoop& l) : fn(std::move(f)), loop(&l) {
    notify = [](Waiter* w, FutureBase&) {
      auto* self = static_cast<DoneCallback*>(w);
      access::push(*self->loop, *self);
    };
  }
  void run() override {
    auto f = std::move(fn);
    delete this;
    f();
  }
};
}  // namespace

void on_done_now(FutureBase& f, std::function<void(FutureBase&)> fn) {
  struct Now final : Waiter {
    std::function<void(FutureBase&)> fn;
  };
  auto* w = new Now();
  w->fn = std::move(fn);
  w->notify = [](Waiter* self, FutureBase& done) {
    std::unique_ptr<Now> own(static_cast<Now*>(self));
    own->fn(done);
  };
  f.add_waiter(*w);
}

void add_done_callback(FutureBase& f, std::function<void()> fn) {
  f.add_waiter(*new DoneCallback(std::move(fn), EventLoop::current()));
}

}  // namespace aio::detail
