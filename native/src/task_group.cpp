#include "aio/task_group.hpp"

#include <stdexcept>

namespace aio {

TaskGroup::TaskGroup() : parent_(&detail::access::base(current_task())) {}

void TaskGroup::check_open() const {
  if (exiting_ && tasks_.empty()) throw std::runtime_error("TaskGroup is finished");
  if (aborting_) throw std::runtime_error("TaskGroup is shutting down");
}

void TaskGroup::adopt(detail::TaskBase& t) {
  auto it = tasks_.emplace(tasks_.end(), &t);
  detail::add_done_callback(t, [this, it] { on_task_done(it); });
}

void TaskGroup::abort() {
  aborting_ = true;
  for (auto& t : tasks_)
    if (!t->done()) t->cancel();
}

// CPython's _on_task_done, run as the child's done callback.
void TaskGroup::on_task_done(std::list<detail::Ref<detail::TaskBase>>::iterator it) {
  detail::Ref<detail::TaskBase> task = std::move(*it);
  tasks_.erase(it);
  if (on_completed_ && tasks_.empty() && !on_completed_->done()) on_completed_->set_result();
  if (task->cancelled()) return;
  std::exception_ptr e = task->stored_error();
  if (!e) return;
  errors_.push_back(e);
  if (parent_->done()) return;
  if (!aborting_ && !parent_cancel_requested_) {
    // Abort the body too: cancel the parent, and remember to take that cancellation back on exit.
    abort();
    parent_cancel_requested_ = true;
    parent_->cancel();
  }
}

Coro<> TaskGroup::join(std::exception_ptr body_error) {
  exiting_ = true;
  std::exception_ptr propagate_cancel = is_cancellation(body_error) ? body_error : nullptr;
  // A cancellation the group itself requested is not the parent's to propagate.
  if (parent_cancel_requested_ && parent_->uncancel() == 0) propagate_cancel = nullptr;
  if (body_error && !aborting_) abort();
  while (!tasks_.empty()) {
    on_completed_.emplace();
    bool cancelled = false;
    try {
      co_await *on_completed_;
    } catch (const CancelledError&) {
      cancelled = true;
      if (!aborting_) propagate_cancel = std::current_exception();
    }
    if (cancelled && !aborting_) abort();
    on_completed_.reset();
  }
  if (propagate_cancel && errors_.empty()) std::rethrow_exception(propagate_cancel);
  if (body_error && !is_cancellation(body_error)) errors_.push_back(body_error);
  if (!errors_.empty()) throw ExceptionGroup("unhandled errors in a TaskGroup", std::move(errors_));
}

}  // namespace aio
