#include "aio/gather.hpp"

namespace aio::detail {

GatherBase::GatherBase(bool return_exceptions) : return_exceptions_(return_exceptions) {}

GatherBase::~GatherBase() = default;

void GatherBase::finish_empty() {
  collect();
  finish(State::done);
}

void GatherBase::watch_through_link(TaskBase& c) {
  auto link = std::make_unique<Link>();
  link->owner = this;
  link->notify = [](Waiter* w, FutureBase& f) { static_cast<Link*>(w)->owner->child_done(f); };
  Link& l = *link;
  links_.push_back(std::move(link));
  c.add_waiter(l);
}

// A child that failed or was cancelled: the first error decides, unless every outcome is collected.
void GatherBase::child_unsuccessful(FutureBase& child) noexcept {
  if (!return_exceptions_) {
    first_error_ = child.stored_error();
  } else if (finished_ < count_) {
    return;
  } else if (child.cancelled()) {
    last_cancel_ = child.stored_error();
  }
  decide();
}

void GatherBase::decide() noexcept {
  decided_ = true;
  add_ref();  // while queued
  EventLoop::current().push(*this);
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
  for (std::size_t i = 0; i < count_; ++i)
    if (TaskBase* c = child(i); c && c->cancel(msg)) any = true;
  if (any) cancel_requested_ = true;
  return any;
}

}  // namespace aio::detail
