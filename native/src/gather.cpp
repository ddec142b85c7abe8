#include "aio/gather.hpp"

namespace aio::detail {

GatherBase::GatherBase(bool return_exceptions) : return_exceptions_(return_exceptions) {}

GatherBase::~GatherBase() = default;

void GatherBase::watch() {
  const std::size_t n = count();
  if (n == 0) {
    // gather() of nothing: finished at once, with an empty result.
    collect();
    finish(State::done);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    TaskBase& c = *child(i);
    add_ref();  // released when this child is done
    if (c.set_parent(*this)) continue;
    // The child already has waiters (or is done): a node in its list keeps CPython's callback order.
    auto link = std::make_unique<Link>();
    link->owner = this;
    link->notify = [](Waiter* w, FutureBase& f) { static_cast<Link*>(w)->owner->child_done(f); };
    Link& l = *link;
    links_.push_back(std::move(link));
    c.add_waiter(l);
  }
}

// CPython's _done_callback, decided when the child finishes and delivered a loop turn later.
void GatherBase::child_done(FutureBase& child) {
  ++finished_;
  if (!decided_ && !done()) {
    collect_early();
    bool decide = true;
    if (!return_exceptions_ && child.state() != State::done) {
      first_error_ = child.stored_error();
    } else if (finished_ < count()) {
      decide = false;
    } else if (child.cancelled()) {
      last_cancel_ = child.stored_error();
    }
    if (decide) {
      decided_ = true;
      add_ref();  // while queued
      EventLoop::current().push(*this);
    }
  }
  release();  // this child's reference
}

void GatherBase::run() {
  if (!done()) {
    if (first_error_) {
      set_exception(first_error_);
    } else if (cancel_requested_) {
      // Cancelled through gather: CPython raises the CancelledError of the last child.
      set_exception(last_cancel_ ? last_cancel_ : std::make_exception_ptr(CancelledError()));
    } else {
      collect();
      finish(State::done);
    }
  }
  release();
}

bool GatherBase::cancel(std::string_view msg) {
  if (done()) return false;
  bool any = false;
  for (std::size_t i = 0, n = count(); i < n; ++i)
    if (TaskBase* c = child(i); c && c->cancel(msg)) any = true;
  if (any) cancel_requested_ = true;
  return any;
}

}  // namespace aio::detail
