#include "aio/gather.hpp"

namespace aio::detail {

GatherBase::GatherBase(bool return_exceptions, std::size_t n) : return_exceptions_(return_exceptions) {
  links_.resize(n);
  run = &deliver;
}

GatherBase::~GatherBase() {
  for (std::size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->done()) children_[i]->remove_waiter(links_[i]);
    children_[i]->release();
  }
}

void GatherBase::watch() {
  if (children_.empty()) {
    // gather() of nothing: finished at once, with an empty result.
    collect();
    finish(State::done);
    return;
  }
  for (std::size_t i = 0; i < children_.size(); ++i) {
    links_[i].owner = this;
    links_[i].notify = &on_child_done;
    children_[i]->add_waiter(links_[i]);
  }
}

// CPython's _done_callback, decided when the child finishes and delivered a loop turn later.
void GatherBase::on_child_done(Waiter* w, FutureBase& child) {
  GatherBase* self = static_cast<Link*>(w)->owner;
  ++self->finished_;
  if (self->decided_ || self->done()) return;
  if (!self->return_exceptions_ && child.state() != State::done) {
    self->first_error_ = child.stored_error();
  } else if (self->finished_ < self->children_.size()) {
    return;
  } else if (child.cancelled()) {
    self->last_cancel_ = child.stored_error();
  }
  self->decided_ = true;
  self->add_ref();  // while queued
  self->children_.front()->loop().push(*self);
}

void GatherBase::deliver(Runnable* r) {
  auto* self = static_cast<GatherBase*>(r);
  if (!self->done()) {
    if (self->first_error_) {
      self->set_exception(self->first_error_);
    } else if (self->cancel_requested_) {
      // Cancelled through gather: CPython raises the CancelledError of the last child.
      self->set_exception(self->last_cancel_ ? self->last_cancel_ : std::make_exception_ptr(CancelledError()));
    } else {
      self->collect();
      self->finish(State::done);
    }
  }
  self->release();
}

bool GatherBase::cancel(std::string_view msg) {
  if (done()) return false;
  bool any = false;
  for (auto* c : children_)
    if (c->cancel(msg)) any = true;
  if (any) cancel_requested_ = true;
  return any;
}

}  // namespace aio::detail
