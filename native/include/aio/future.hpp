// Future<T>: asyncio.Future. A result that is set once (value, exception or cancellation) and that
// tasks await. Tasks are futures too (detail::FutureBase is their common part), and every combinator
// here is built from futures the way CPython's are.
//
// Contract of `co_await future`: returns the value, rethrows the exception, or throws CancelledError
// when the future was cancelled. Cancelling the awaiting task cancels the future (as in asyncio: the
// task's pending "fut_waiter" is cancelled), so the awaiter wakes with CancelledError.
// Callbacks run in registration order, each scheduled like call_soon when the future completes.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "detail/coroutine.hpp"
#include "errors.hpp"
#include "loop.hpp"

namespace aio {

// The value a void future or task yields where a value is needed (gather's tuple): Python's None.
struct None {
  friend bool operator==(None, None) noexcept { return true; }
};

namespace detail {

template <class T>
using value_of = std::conditional_t<std::is_void_v<T>, None, T>;

class FutureBase;
class TaskBase;

// The one door through which the library's own templates reach what its handles keep private: their
// shared state (base()), the constructors that adopt it, and the few members only combinators call.
// Users never name it, and the tests do not either.
struct access {
  template <class H>
  static auto& base(const H& h) noexcept { return h.base(); }
  // Whether H is a handle with a shared state: tested here, where its private base() is reachable.
  template <class H>
  static constexpr bool has_base = requires(const H& h) { h.base(); };
  template <class H, class... A>
  static H make(A&&... a) { return H(std::forward<A>(a)...); }
  template <class C>
  static auto release(C& coro) noexcept { return coro.release(); }
  // Empties a task handle and returns its reference (the caller now holds it).
  template <class H>
  static auto* detach(H& task) noexcept { return task.p_.detach(); }
  template <class E, class... A>
  static void submit(E& executor, A&&... a) { executor.submit(std::forward<A>(a)...); }
  template <class G, class... A>
  static auto join(G& group, A&&... a) { return group.join(std::forward<A>(a)...); }
  static void push(EventLoop& loop, Runnable& r) noexcept { loop.push(r); }
};

// A registration on a future, called synchronously when it completes, in registration order. A
// waiter never runs user code there: it pushes a task or a callback onto the ready queue, which is
// what CPython's call_soon of the done callback amounts to.
struct Waiter {
  Waiter* next = nullptr;
  void (*notify)(Waiter* self, FutureBase& done) = nullptr;
};

// What a suspended task is waiting on. Task::cancel() asks it first (CPython's fut_waiter.cancel()):
// returning true means it took the request and will wake the task, which then raises CancelledError.
// (A sleep is not one: see suspend_sleeping.)
struct Suspension {
  bool (*cancel)(Suspension* self, TaskBase& task, std::string_view msg) = nullptr;
};

enum class State : std::uint8_t { pending, done, failed, cancelled };

// An aggregate that waits on many futures (gather): told first when each one finishes. A future keeps
// one such parent inline, so gathering a million tasks needs no node per task.
class Parent {
 public:
  virtual void child_done(FutureBase& child) noexcept = 0;

 protected:
  ~Parent() = default;
};

class FutureBase : public Runnable {
 public:
  FutureBase(const FutureBase&) = delete;
  FutureBase& operator=(const FutureBase&) = delete;

  void add_ref() noexcept { ++refs_; }
  void release() noexcept {
    if (--refs_ == 0) destroy();
  }
  // Drops a reference that is not the last (another holder is known to outlive the call).
  void release_not_last() noexcept { --refs_; }
  // Nothing but the one holder of the reference can reach the future (or read its result).
  bool only_ref() const noexcept { return refs_ == 1; }

  State state() const noexcept { return state_; }
  bool done() const noexcept { return state_ != State::pending; }
  bool cancelled() const noexcept { return state_ == State::cancelled; }

  // The exception of a failed future; throws CancelledError if cancelled, InvalidStateError if pending.
  std::exception_ptr exception() const;
  // Throws what result() would throw, returns normally for a future that has a value.
  void rethrow_if_unsuccessful() const;
  // The CancelledError a cancelled future raises; null otherwise.
  std::exception_ptr cancellation() const noexcept { return state_ == State::cancelled ? error_ : nullptr; }
  const std::exception_ptr& stored_error() const noexcept { return error_; }

  // Registers `w`; if already done, notifies it at once (a callback added late is still scheduled).
  void add_waiter(Waiter& w) noexcept;
  // Unregisters `w` if it is still registered; returns whether it was.
  bool remove_waiter(Waiter& w) noexcept;
  // Makes `p` the inline parent, told before any waiter; false (nothing done) if the future is done,
  // already has a parent, or already has waiters (the parent would then be told out of order).
  bool set_parent(Parent& p) noexcept {
    if (done() || head_) return false;
    head_ = parent_link(&p);
    return true;
  }

  // asyncio's Future.cancel / Task.cancel. Returns false when already done.
  virtual bool cancel(std::string_view msg = {});

  // Completion, for futures (tasks complete through their coroutine).
  void set_exception(std::exception_ptr e);

  void timer_release() noexcept override { release(); }

 protected:
  FutureBase() noexcept : error_() {}
  virtual ~FutureBase() {
    if (!listed_) error_.~exception_ptr();
  }
  virtual void destroy() noexcept { delete this; }
  // Marks the outcome and notifies every waiter, in order. Inline for a gathered child, whose only
  // waiter is usually the parent: unlinked, then told.
  void finish(State s) noexcept {
    state_ = s;
    if (is_parent_link(head_)) {
      reinterpret_cast<Parent*>(reinterpret_cast<std::uintptr_t>(std::exchange(head_, nullptr)) - 1)->child_done(*this);
      return;
    }
    notify_waiters();
  }
  // finish() for a list of waiters, which may end in the parent (told first).
  void notify_waiters() noexcept;
  void require_pending(const char* what) const;

  // Packed: a task's whole state lives in its coroutine frame, and frames are what a million tasks cost.
  std::uint32_t refs_ = 1;
  std::uint32_t num_cancels_ = 0;  // tasks: cancel() requests not yet uncancel()ed (Task.cancelling())
  State state_ = State::pending;
  bool must_cancel_ : 1 = false;     // tasks: deliver CancelledError at the next resumption
  bool deliver_cancel_ : 1 = false;  // tasks: this step raises CancelledError at the resumed await
  bool started_ : 1 = false;         // tasks: the coroutine has run
  bool finished_ : 1 = false;        // tasks: the coroutine has returned (the frame may go)
  bool is_task_ : 1 = false;         // a scheduled task, not a coroutine awaited directly
  bool has_extras_ : 1 = false;      // tasks: a name or cancel message is kept by the loop
  bool listed_ : 1 = false;          // tasks: in the loop's list of unfinished tasks (next_task_ below)
  // Tasks: the number of "Task-N", in creation order. 48 bits fill the padding here (2^48 tasks take
  // years to create), in bytes of their own: setting it never has to merge with a flag just written.
  std::uint8_t : 0;
  std::uint64_t id_ : 48 = 0;
  // Who is told of the completion: the waiters in registration order (rarely more than one), the list
  // ending in the parent if there is one (see set_parent), its address tagged with the low bit. One
  // word for both, since a gathered child is rarely awaited by anyone else.
  Waiter* head_ = nullptr;
  static Waiter* parent_link(Parent* p) noexcept { return reinterpret_cast<Waiter*>(reinterpret_cast<std::uintptr_t>(p) | 1); }
  static bool is_parent_link(const Waiter* w) noexcept { return reinterpret_cast<std::uintptr_t>(w) & 1; }
  // A task's link in the loop's list of unfinished tasks, while it is there, shares a word with the
  // error, which a task only gets once its coroutine has ended and it has left that list.
  union {
    std::exception_ptr error_;  // failed: the exception; cancelled: the CancelledError to raise
    TaskBase* next_task_;       // tasks, while listed_
  };
};

// Intrusive shared ownership of a FutureBase-derived object.
template <class F>
class Ref {
 public:
  Ref() = default;
  static Ref adopt(F* p) noexcept { Ref r; r.p_ = p; return r; }
  explicit Ref(F* p) noexcept : p_(p) { if (p_) p_->add_ref(); }
  Ref(const Ref& o) noexcept : p_(o.p_) { if (p_) p_->add_ref(); }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept { std::swap(p_, o.p_); return *this; }
  ~Ref() { if (p_) p_->release(); }
  F* get() const noexcept { return p_; }
  F* operator->() const noexcept { return p_; }
  F& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  F* detach() noexcept { return std::exchange(p_, nullptr); }

 private:
  F* p_ = nullptr;
};

// The task that is running now (set by the loop around each step); null between steps.
inline thread_local TaskBase* t_current_task = nullptr;
inline TaskBase* current_task_base() noexcept { return t_current_task; }

// Suspends the running task on `s` at `h`: the loop resumes `h` when the task is woken.
// `sleeping` picks the trace state (a timer) over "waiting" (on other tasks or futures).
TaskBase& suspend_current(coro_ns::coroutine_handle<> h, Suspension* s, bool sleeping);
// Suspends the running task in a sleep whose timer entry has sequence number `timer_seq` (the entry is
// live while the task sleeps on it; cancelling the task wakes it with CancelledError).
TaskBase& suspend_sleeping(coro_ns::coroutine_handle<> h, std::uint64_t timer_seq);
// throw_if_cancel_requested(), which every awaiter calls first thing on resumption: detail/task_base.hpp.

// A done callback: calls fn once f is done, scheduled like call_soon (at once if f is done already).
void add_done_callback(FutureBase& f, std::function<void()> fn);
// Internal bookkeeping that must happen the moment f is done, before anything else runs (never user
// code): fn is called synchronously from f's completion.
void on_done_now(FutureBase& f, std::function<void(FutureBase&)> fn);

// Awaits any future from inside a task.
class FutureAwaiter : public Waiter, public Suspension {
 public:
  explicit FutureAwaiter(FutureBase& f) noexcept : fut_(&f) {
    Waiter::notify = &on_done;
    Suspension::cancel = &on_cancel;
  }
  bool await_ready() const noexcept { return fut_->done(); }
  void await_suspend(coro_ns::coroutine_handle<> h);
  // Throws a pending cancellation or the future's error; the caller reads the value.
  void await_resume_check();

 private:
  static void on_done(Waiter* w, FutureBase&);
  static bool on_cancel(Suspension* s, TaskBase& task, std::string_view msg);
  FutureBase* fut_;
  TaskBase* task_ = nullptr;
};

template <class T>
class FutureState final : public FutureBase {
 public:
  std::optional<value_of<T>> value;
  void set(value_of<T> v) {
    require_pending("set_result");
    value.emplace(std::move(v));
    finish(State::done);
  }
};

}  // namespace detail

// asyncio.Future: a shared handle; copies refer to the same future.
template <class T = void>
class Future {
 public:
  // A new pending future for the running loop.
  Future() : s_(detail::Ref<detail::FutureState<T>>::adopt(new detail::FutureState<T>())) {}

  bool done() const noexcept { return s_->done(); }
  bool cancelled() const noexcept { return s_->cancelled(); }
  bool cancel(std::string_view msg = {}) { return s_->cancel(msg); }

  template <class U = T, class = std::enable_if_t<!std::is_void_v<U>>>
  void set_result(U v) { s_->set(std::move(v)); }
  template <class U = T, class = std::enable_if_t<std::is_void_v<U>>>
  void set_result() { s_->set(None{}); }
  void set_exception(std::exception_ptr e) { s_->set_exception(std::move(e)); }

  // The value; rethrows the exception; CancelledError if cancelled; InvalidStateError if pending.
  decltype(auto) result() const {
    s_->rethrow_if_unsuccessful();
    if constexpr (std::is_void_v<T>) return; else return static_cast<const T&>(*s_->value);
  }
  std::exception_ptr exception() const { return s_->exception(); }

  // Handles compare equal when they refer to the same future.
  friend bool operator==(const Future& a, const Future& b) noexcept { return a.s_.get() == b.s_.get(); }

  auto operator co_await() const noexcept {
    struct Awaiter : detail::FutureAwaiter {
      detail::FutureState<T>* s;
      T await_resume() {
        await_resume_check();
        if constexpr (!std::is_void_v<T>) return *s->value;
      }
    };
    Awaiter a{detail::FutureAwaiter(*s_), s_.get()};
    return a;
  }


 private:
  friend struct detail::access;
  detail::FutureBase& base() const noexcept { return *s_; }
  detail::Ref<detail::FutureState<T>> s_;
};

}  // namespace aio
