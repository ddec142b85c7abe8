#include "aio/detail/task_base.hpp"

#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "aio/task.hpp"
#include "aio/trace.hpp"

namespace aio {
namespace detail {

namespace {
// Names and cancel messages are rare, so they live here rather than in every task's frame.
struct Extras {
  std::string name;
  std::string cancel_msg;
};
std::mutex g_extras_mutex;
std::unordered_map<const TaskBase*, Extras>& extras() {
  static std::unordered_map<const TaskBase*, Extras> map;
  return map;
}
}  // namespace

void TaskBase::drop_extras() noexcept {
  std::lock_guard<std::mutex> lock(g_extras_mutex);
  extras().erase(this);
}

std::string TaskBase::cancel_message() const {
  if (!has_extras_) return {};
  std::lock_guard<std::mutex> lock(g_extras_mutex);
  return extras()[this].cancel_msg;
}

void TaskBase::set_cancel_message(std::string_view msg) {
  if (msg.empty() && !has_extras_) return;
  std::lock_guard<std::mutex> lock(g_extras_mutex);
  extras()[this].cancel_msg = std::string(msg);
  has_extras_ = true;
}

void TaskBase::record_state(int state, const char* detail) noexcept {
  Trace* tr = loop().trace();
  TraceEvent e;
  e.kind = TraceEvent::Kind::task;
  e.state = static_cast<std::uint8_t>(state);
  e.t = loop().time();
  e.id = id_;
  if (state == static_cast<int>(TaskState::created)) {
    e.text = name();
    if (t_current_task) e.parent = t_current_task->id_;
    if (StepRecorder* r = t_steps) step_task_created(*r, *this);  // a recorder needs a trace
  } else if (detail) {
    e.text = detail;
  }
  tr->record(std::move(e));
}

std::string TaskBase::name() const {
  if (has_extras_) {
    std::lock_guard<std::mutex> lock(g_extras_mutex);
    const std::string& n = extras()[this].name;
    if (!n.empty()) return n;
  }
  return "Task-" + std::to_string(id_);
}

void TaskBase::set_name(std::string name) {
  std::lock_guard<std::mutex> lock(g_extras_mutex);
  extras()[this].name = std::move(name);
  has_extras_ = true;
}

bool TaskBase::cancel(std::string_view msg) {
  if (done()) return false;
  ++num_cancels_;
  set_cancel_message(msg);
  // CPython: if the task waits on a future, cancelling that future is how the request is delivered.
  if (waiting_on_ && cancel_wait(msg)) return true;
  must_cancel_ = true;
  return true;
}

// Cancelled before it ever ran: the coroutine body never starts.
void TaskBase::cancel_unstarted() noexcept {
  leave_task_list();
  error_ = std::make_exception_ptr(CancelledError(cancel_message()));
  must_cancel_ = false;
  complete();
  release();
}

void TaskBase::run() {
  if (must_cancel_) [[unlikely]] {
    if (!started_) return cancel_unstarted();
    must_cancel_ = false;
    deliver_cancel_ = true;
  } else {
    deliver_cancel_ = false;
  }
  started_ = true;
  TaskBase* outer = std::exchange(t_current_task, this);
  trace_state(static_cast<int>(TaskState::running));
  resume_.resume();
  t_current_task = outer;
  if (finished_) release();  // the loop's reference
}

void TaskBase::complete() noexcept {
  finished_ = true;
  leave_task_list();
  State s = State::done;
  if (error_ || must_cancel_) [[unlikely]]
    s = unsuccessful_outcome();
  if (loop().trace()) [[unlikely]]
    trace_outcome(s);
  finish(s);
}

// What complete() does for a task that did not return normally, out of its way.
State TaskBase::unsuccessful_outcome() noexcept {
  State s;
  if (error_) {
    s = is_cancellation(error_) ? State::cancelled : State::failed;
  } else {
    // CPython: a cancel() that arrived during the last step, never delivered, still cancels the task.
    error_ = std::make_exception_ptr(CancelledError(cancel_message()));
    s = State::cancelled;
  }
  must_cancel_ = false;
  return s;
}

void TaskBase::trace_outcome(State s) noexcept {
  TaskState ts = s == State::done ? TaskState::done : s == State::cancelled ? TaskState::cancelled : TaskState::failed;
  std::string why = s == State::failed ? describe(error_) : std::string();
  trace_state(static_cast<int>(ts), why.empty() ? nullptr : why.c_str());
  if (StepRecorder* r = t_steps) step_task_finished(*r, *this);  // while the value is still here
}

void TaskBase::leave_task_list() noexcept {
  if (!listed_) return;
  EventLoop& l = loop();
  TaskBase* next = next_task_;
  if (prev_task_) prev_task_->next_task_ = next; else l.tasks_ = next;
  if (next) next->prev_task_ = prev_task_;
  prev_task_ = nullptr;
  listed_ = false;
  new (&error_) std::exception_ptr();
  --l.task_total_;
}

bool TaskBase::cancel_wait(std::string_view msg) {
  if (is_sleeping()) {
    loop().timer_went_stale();  // wake() below makes the entry stale
    request_cancel_on_resume();
    wake();
    return true;
  }
  Suspension* s = suspension();
  return s && s->cancel && s->cancel(s, *this, msg);
}

// Inlined into both callers below: a sleep and a wait each pay one call.
[[gnu::always_inline]] inline TaskBase& TaskBase::suspend(coro_ns::coroutine_handle<> h, std::uint64_t on, bool sleeping) {
  resume_ = h;
  waiting_on_ = on;
  deliver_cancel_ = false;
  trace_state(static_cast<int>(sleeping ? TaskState::sleeping : TaskState::waiting));
  // CPython: a cancel() that came while the task ran cancels what it now waits on, straight away.
  if (must_cancel_ && on) {
    must_cancel_ = false;
    if (!cancel_wait(cancel_message())) must_cancel_ = true;
  }
  return *this;
}

void awaited_outside_task() { throw std::logic_error("aio: awaited outside a task"); }

TaskBase& suspend_current(coro_ns::coroutine_handle<> h, Suspension* s, bool sleeping) {
  TaskBase* t = t_current_task;
  if (!t) awaited_outside_task();
  return t->suspend(h, TaskBase::suspended_on(s), sleeping);
}

TaskBase& suspend_sleeping(coro_ns::coroutine_handle<> h, std::uint64_t timer_seq) {
  TaskBase* t = t_current_task;
  if (!t) awaited_outside_task();
  return t->suspend(h, TaskBase::sleeping_on(timer_seq), true);
}

void TaskBase::raise_cancel() {
  deliver_cancel_ = false;
  throw CancelledError(cancel_message());
}

}  // namespace detail

AnyTask current_task() {
  auto* t = detail::current_task_base();
  if (!t) throw std::logic_error("aio: current_task() called outside a task");
  return detail::access::make<AnyTask>(detail::Ref<detail::TaskBase>(t));
}

}  // namespace aio
