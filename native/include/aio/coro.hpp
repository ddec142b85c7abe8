// Coro<T>: what a coroutine function returns, like a Python coroutine object.
//
// Lazy: calling the function runs nothing. `co_await f()` runs it inside the awaiting task, as Python's
// `await f()` does (no new task, no loop turn, cancellation reaches it because it is part of the task).
// aio::create_task(f()) turns the same frame into a task instead. A Coro is awaited once, or handed to
// create_task, gather, wait_for, ...; one that is neither is destroyed unstarted with its owner.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/coroutine.hpp"
#include "detail/frame_allocator.hpp"
#include "detail/step_hooks.hpp"
#include "detail/task_base.hpp"
#include "sleep.hpp"

namespace aio {

template <class T = void>
class Coro;
template <class T>
class Task;

namespace detail {

template <class T>
class Promise;

template <class T>
struct ReturnValue {
  std::optional<T> value;
  void return_value(T v) { value.emplace(std::move(v)); }
};
template <>
struct ReturnValue<void> {
  void return_void() noexcept {}
};

// Python's repr of a finished task's value, for the step record: None, str, int, float, bool; other
// types have none (empty).
std::string step_repr_double(double v);
template <class T>
std::string step_repr(TaskBase& t);

template <class T>
class Promise final : public TaskBase, public ReturnValue<T> {
 public:
  using Handle = coro_ns::coroutine_handle<Promise>;

  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* p, std::size_t size) noexcept { free_frame(p, size); }

  Coro<T> get_return_object() noexcept;
  // The step recorder (steps.hpp) learns which function made the frame and where each co_await is:
  // the locations are default arguments, filled in at the coroutine's source, and cost one
  // thread-local test when nobody records.
  coro_ns::suspend_always initial_suspend(const char* file = __builtin_FILE(),
                                          const char* function = __builtin_FUNCTION()) noexcept {
    if (StepRecorder* r = t_steps) [[unlikely]]
      step_note_frame(*r, *this, file, function, &step_repr<T>);
    return {};
  }
  template <class A>
  A&& await_transform(A&& awaited, unsigned line = __builtin_LINE(), const char* file = __builtin_FILE()) noexcept {
    if (StepRecorder* r = t_steps) [[unlikely]] {
      FutureBase* f = nullptr;
      if constexpr (access::has_base<std::remove_cvref_t<A>>) f = &access::base(awaited);
      step_note_await(*r, file, line, f);
    }
    return std::forward<A>(awaited);
  }
  Sleeping await_transform(SleepAwaiter s, unsigned line = __builtin_LINE(), const char* file = __builtin_FILE()) noexcept {
    if (StepRecorder* r = t_steps) [[unlikely]]
      step_note_await(*r, file, line, nullptr);
    t_sleep_delay_ns = s.delay_ns();  // see Sleeping
    return {};
  }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
#if AIO_SYMMETRIC_TRANSFER
    coro_ns::coroutine_handle<> await_suspend(Handle h) noexcept {
      Promise& p = h.promise();
      if (p.is_task()) {
        p.complete();
        return coro_ns::noop_coroutine();
      }
      return p.resume_;  // back to the coroutine that awaited this one
    }
#else
    // WebAssembly without tail calls: the trampoline of detail/coroutine.hpp does the transfer.
    [[gnu::always_inline]] void await_suspend(Handle h) noexcept {
      Promise& p = h.promise();
      if (p.is_task()) {
        p.complete();
        return;
      }
      transfer_to(p.resume_);  // back to the coroutine that awaited this one
    }
#endif
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept {
    leave_task_list();
    error_ = std::current_exception();
  }

  void start_task(EventLoop& loop, std::string* name) { start(loop, Handle::from_promise(*this), name); }
  void set_continuation(coro_ns::coroutine_handle<> h) noexcept { resume_ = h; }
  const std::exception_ptr& error() const noexcept { return error_; }

 protected:
  void destroy() noexcept override { Handle::from_promise(*this).destroy(); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Coro {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;
  using Handle = coro_ns::coroutine_handle<promise_type>;

  Coro() = default;
  Coro(Coro&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Coro& operator=(Coro&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  ~Coro() { reset(); }

  bool valid() const noexcept { return static_cast<bool>(h_); }

  // The awaiter owns the frame from here on, so `co_await f()` keeps the temporary's frame alive.
  auto operator co_await() && noexcept {
    struct Awaiter {
      Coro c;
      bool await_ready() const noexcept { return false; }
#if AIO_SYMMETRIC_TRANSFER
      coro_ns::coroutine_handle<> await_suspend(coro_ns::coroutine_handle<> awaiting) noexcept {
        c.h_.promise().set_continuation(awaiting);
        return c.h_;  // symmetric transfer: runs in the awaiting task, no loop turn
      }
#else
      [[gnu::always_inline]] void await_suspend(coro_ns::coroutine_handle<> awaiting) noexcept {
        c.h_.promise().set_continuation(awaiting);
        detail::transfer_to(c.h_);  // runs in the awaiting task, no loop turn
      }
#endif
      T await_resume() {
        auto& p = c.h_.promise();
        if (p.error()) std::rethrow_exception(p.error());
        if constexpr (!std::is_void_v<T>) return std::move(*p.value);
      }
    };
    return Awaiter{std::move(*this)};
  }

 private:
  friend struct detail::access;
  friend class detail::Promise<T>;
  explicit Coro(Handle h) noexcept : h_(h) {}
  // Gives up ownership of the frame (create_task takes it over).
  Handle release() noexcept { return std::exchange(h_, {}); }
  void reset() noexcept {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_;
};

template <class T>
std::string detail::step_repr(TaskBase& t) {
  if constexpr (std::is_void_v<T>) {
    return "None";
  } else {
    auto& v = static_cast<Promise<T>&>(t).value;
    if (!v) return {};
    if constexpr (std::is_same_v<T, bool>) return *v ? "True" : "False";
    else if constexpr (std::is_integral_v<T>) return std::to_string(*v);
    else if constexpr (std::is_floating_point_v<T>) return step_repr_double(static_cast<double>(*v));
    else if constexpr (std::is_convertible_v<const T&, std::string_view>) return "'" + std::string(std::string_view(*v)) + "'";
    else return {};
  }
}

template <class T>
Coro<T> detail::Promise<T>::get_return_object() noexcept {
  return Coro<T>(Handle::from_promise(*this));
}

}  // namespace aio
