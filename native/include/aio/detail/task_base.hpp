// The part of a task that does not depend on its result type. A task is a future that drives a
// coroutine: its state lives in the coroutine frame's promise, so creating a task is one allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "../future.hpp"
#include "../trace.hpp"

namespace aio::detail {

inline void throw_if_cancel_requested();
inline void yield_current(coro_ns::coroutine_handle<> h);
[[noreturn]] void awaited_outside_task();

class TaskBase : public FutureBase {
 public:
  // Task.cancel(msg): a request, delivered as CancelledError at the task's next suspension (or at
  // once through what it is suspended on). Returns false if the task is already done.
  bool cancel(std::string_view msg = {}) override;
  // Task.uncancel() and Task.cancelling(): the count of cancel() requests still outstanding.
  std::uint32_t uncancel() noexcept { return num_cancels_ ? --num_cancels_ : 0u; }
  std::uint32_t cancelling() const noexcept { return num_cancels_; }

  std::uint64_t id() const noexcept { return id_; }
  std::string name() const;
  void set_name(std::string name);
  bool is_task() const noexcept { return is_task_; }
  // A task runs on the loop of the thread that created it, which is the running loop.
  EventLoop& loop() const noexcept { return *EventLoop::current_or_null(); }

  // Puts the task back on the ready queue (what it was suspended on no longer holds it).
  void wake() noexcept { loop().push(*this); }  // the queue's link replaces what it waited on

  // The next resumption raises CancelledError (what a cancelled sleep or wait delivers).
  void request_cancel_on_resume() noexcept { must_cancel_ = true; }

  bool timer_live(std::uint64_t seq) const override { return waiting_on_ == sleeping_on(seq); }
  void timer_fire(std::uint64_t) override { wake(); }

 protected:
  TaskBase() noexcept = default;
  ~TaskBase() {
    if (has_extras_) [[unlikely]] drop_extras();
  }
  // Makes this coroutine frame a task of `loop`, ready to run; `handle` resumes its coroutine. A
  // non-empty `name` (taken over) replaces "Task-N". Inline: create_task's whole work.
  void start(EventLoop& loop, coro_ns::coroutine_handle<> handle, std::string* name) {
    is_task_ = true;
    resume_ = handle;
    id_ = loop.next_task_id();
    refs_ = 2;  // the Task handle, and the loop's until the coroutine finishes
    if (name && !name->empty()) set_name(std::move(*name));
    // error_ is null (its destructor would do nothing): its word becomes the list link.
    next_task_ = loop.tasks_;
    listed_ = true;
    if (next_task_) next_task_->prev_task_ = this;
    loop.tasks_ = this;
    ++loop.task_total_;
    trace_state(static_cast<int>(TaskState::created));
    loop.push(*this);
  }
  // Called at the coroutine's final suspension: records the outcome and wakes the waiters.
  void complete() noexcept;
  // Leaves the loop's list of unfinished tasks (if still there), which frees the word of error_: before
  // the error is stored, and at the latest when the task completes.
  void leave_task_list() noexcept;

  // A root task: what the next step resumes (the innermost awaiting coroutine). A coroutine awaited
  // directly (a child, not a task): the coroutine to return to when it finishes.
  coro_ns::coroutine_handle<> resume_;

 private:
  friend TaskBase& suspend_current(coro_ns::coroutine_handle<>, Suspension*, bool);
  friend TaskBase& suspend_sleeping(coro_ns::coroutine_handle<>, std::uint64_t);
  TaskBase& suspend(coro_ns::coroutine_handle<> h, std::uint64_t on, bool sleeping);
  // Cancels what the task is suspended on (CPython's fut_waiter.cancel()); true if that took the request.
  bool cancel_wait(std::string_view msg);
  friend void throw_if_cancel_requested();
  friend void yield_current(coro_ns::coroutine_handle<>);
  friend class ::aio::EventLoop;
  friend struct TaskList;
  void run() override;  // one step: resumes the coroutine
  // The rare paths of run(), complete() and the destructor, out of line so that the usual ones save
  // no registers for them.
  [[gnu::noinline]] void cancel_unstarted() noexcept;
  [[gnu::noinline]] State unsuccessful_outcome() noexcept;
  [[gnu::noinline]] void trace_outcome(State s) noexcept;
  [[gnu::noinline]] void drop_extras() noexcept;
  // Records a state change in the loop's trace, if it keeps one (checked inline: every step comes here).
  void trace_state(int state, const char* detail = nullptr) noexcept {
    if (loop().trace()) record_state(state, detail);
  }
  void record_state(int state, const char* detail) noexcept;

  [[noreturn]] void raise_cancel();
  std::string cancel_message() const;
  void set_cancel_message(std::string_view msg);

  // What the suspended task waits on, in Runnable's word (waiting_on_), by its two low bits: a
  // Suspension's address tagged 2, or the timer sequence number of its sleep shifted and tagged 1 (a
  // sleep keeps nothing in the frame: its timer entry is live while the task sleeps on that number).
  // Untagged, it waits on nothing: 0 while it runs or after a bare yield, the ready queue's link while
  // it is queued (only the low bits are tested, so a 32-bit link's stale upper half does not matter).
  static constexpr std::uint64_t kTagMask = 3, kSleeping = 1, kSuspended = 2;
  static constexpr std::uint64_t sleeping_on(std::uint64_t seq) noexcept { return seq << 2 | kSleeping; }
  // A bare yield (s null) is tagged too: it reads as a Suspension that cannot cancel.
  static std::uint64_t suspended_on(Suspension* s) noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(s)) | kSuspended;
  }
  bool is_sleeping() const noexcept { return (waiting_on_ & kTagMask) == kSleeping; }
  Suspension* suspension() const noexcept {
    if ((waiting_on_ & kTagMask) != kSuspended) return nullptr;
    return reinterpret_cast<Suspension*>(static_cast<std::uintptr_t>(waiting_on_ - kSuspended));
  }
  TaskBase* prev_task_ = nullptr;  // the loop's list of unfinished tasks (next_task_: FutureBase)
};

// Delivers a pending cancellation: throws CancelledError if cancel() reached the running task while it
// was suspended. Every awaiter calls this first thing on resumption, so the test is inline.
inline void throw_if_cancel_requested() {
  if (TaskBase* t = t_current_task; t && t->deliver_cancel_) [[unlikely]]
    t->raise_cancel();
}

// A bare yield (sleep(0)): suspends the running task at `h` and puts it at the back of the ready
// queue. Inline, as every sleep(0) comes here. It is suspend() on a Suspension that cannot cancel,
// less what that cannot change: a cancel() that came while the task ran finds nothing to cancel in
// a yield and stays for the next step, and the queue's link overwrites what the task waits on.
inline void yield_current(coro_ns::coroutine_handle<> h) {
  TaskBase* t = t_current_task;
  if (!t) [[unlikely]] awaited_outside_task();
  t->resume_ = h;
  t->deliver_cancel_ = false;
  t->trace_state(static_cast<int>(TaskState::sleeping));
  t->wake();
}

}  // namespace aio::detail
