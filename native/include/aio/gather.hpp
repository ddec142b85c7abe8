// gather(aws...): asyncio.gather.
//
// Every coroutine argument becomes a task at once, in argument order; tasks are used as they are.
// Returns a Gathering: a future that many may await, yielding the results in argument order, as a
// std::tuple for the variadic form and a std::vector for a range (void results are aio::None).
//   - The first exception (a failure or a child's cancellation) is raised to the awaiter; the other
//     children are NOT cancelled and keep running (as in asyncio).
//   - With aio::return_exceptions, nothing is raised: each result is an Outcome<T> holding the value or
//     the exception, cancellations included.
//   - Cancelling the Gathering, or the task that awaits it, cancels every unfinished child; the awaiter
//     then gets CancelledError.
//   - gather() of nothing is an already finished Gathering with an empty result.
// A child's completion reaches the awaiter two loop iterations later, as in CPython (its done callback
// runs, then the awaiting task's wake-up), so output interleaves exactly like asyncio's.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "coro.hpp"
#include "outcome.hpp"
#include "task.hpp"

namespace aio {

struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

template <class A>
struct awaited_type;
template <class T>
struct awaited_type<Coro<T>> { using type = T; };
template <class T>
struct awaited_type<Task<T>> { using type = T; };
template <class A>
using awaited_t = typename awaited_type<std::decay_t<A>>::type;

template <class A>
auto ensure_task(A&& a) {
  return create_task(std::forward<A>(a));
}

// The untyped part of a gather: counts children, decides when it is done, delivers a loop turn later.
class GatherBase : public FutureBase, public Runnable {
 public:
  bool cancel(std::string_view msg = {}) override;

 protected:
  GatherBase(bool return_exceptions, std::size_t n);
  ~GatherBase() override;
  // Registers on every child; call once the children are in place.
  void watch();
  // Fills the value from the finished children (typed, in the derived class).
  virtual void collect() = 0;

  std::vector<TaskBase*> children_;  // each holds a reference

 private:
  struct Link : Waiter {
    GatherBase* owner;
  };
  static void on_child_done(Waiter* w, FutureBase& child);
  static void deliver(Runnable* r);
  std::vector<Link> links_;
  std::size_t finished_ = 0;
  bool return_exceptions_;
  bool decided_ = false;
  bool cancel_requested_ = false;
  std::exception_ptr first_error_;
  std::exception_ptr last_cancel_;
};

template <class R, class Collect>
class GatherState final : public GatherBase {
 public:
  GatherState(bool return_exceptions, std::size_t n, Collect c) : GatherBase(return_exceptions, n), collect_(std::move(c)) {}
  std::optional<R> value;
  void start(std::vector<TaskBase*> children) {
    children_ = std::move(children);
    watch();
  }

 private:
  void collect() override { value.emplace(collect_(children_)); }
  Collect collect_;
};

template <class T>
const value_of<T>& task_value(TaskBase* t) {
  if constexpr (std::is_void_v<T>) {
    static const None none;
    return none;
  } else {
    return *static_cast<Promise<T>*>(t)->value;
  }
}

template <class T>
Outcome<T> task_outcome(TaskBase* t) {
  if (t->state() == State::done) return Outcome<T>::of_value(task_value<T>(t));
  return Outcome<T>::of_error(t->stored_error());
}

}  // namespace detail

// The future gather returns: await it (co_await), cancel it, or read it once done.
template <class R>
class Gathering {
 public:
  using value_type = R;
  bool done() const noexcept { return s_->done(); }
  bool cancelled() const noexcept { return s_->cancelled(); }
  bool cancel(std::string_view msg = {}) { return s_->cancel(msg); }
  const R& result() const {
    s_->rethrow_if_unsuccessful();
    return **value_;
  }
  auto operator co_await() const noexcept {
    struct Awaiter : detail::FutureAwaiter {
      const std::optional<R>* v;
      R await_resume() {
        await_resume_check();
        return **v;
      }
    };
    return Awaiter{detail::FutureAwaiter(*s_), value_};
  }
  detail::FutureBase& base() const noexcept { return *s_; }

  template <class State>
  explicit Gathering(detail::Ref<State> s) noexcept
      : value_(&s->value), s_(detail::Ref<detail::FutureBase>::adopt(s.detach())) {}

 private:
  const std::optional<R>* value_;
  detail::Ref<detail::FutureBase> s_;
};

namespace detail {

template <class R, class Collect>
Gathering<R> start_gather(bool return_exceptions, std::vector<TaskBase*> children, Collect collect) {
  auto* s = new GatherState<R, Collect>(return_exceptions, children.size(), std::move(collect));
  s->start(std::move(children));
  return Gathering<R>(Ref<GatherState<R, Collect>>::adopt(s));
}

template <bool Outcomes, class... A>
auto gather_variadic(A&&... aws) {
  using R = std::conditional_t<Outcomes, std::tuple<Outcome<awaited_t<A>>...>, std::tuple<value_of<awaited_t<A>>...>>;
  std::vector<TaskBase*> children;
  children.reserve(sizeof...(A));
  // Braced: tasks are created in argument order.
  std::tuple<Task<awaited_t<A>>...> tasks{ensure_task(std::forward<A>(aws))...};
  std::apply([&](auto&... t) { ((t.base().add_ref(), children.push_back(&t.base())), ...); }, tasks);
  auto collect = [](const std::vector<TaskBase*>& c) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      if constexpr (Outcomes) return R{task_outcome<awaited_t<A>>(c[I])...};
      else return R{task_value<awaited_t<A>>(c[I])...};
    }(std::index_sequence_for<A...>{});
  };
  return start_gather<R>(Outcomes, std::move(children), collect);
}

template <bool Outcomes, class Range>
auto gather_range(Range&& range) {
  using A = std::decay_t<decltype(*std::begin(range))>;
  using T = awaited_t<A>;
  using R = std::conditional_t<Outcomes, std::vector<Outcome<T>>, std::vector<value_of<T>>>;
  std::vector<TaskBase*> children;
  if constexpr (requires { std::size(range); }) children.reserve(std::size(range));
  for (auto& a : range) {
    // Tasks are shared handles (copied, the caller keeps them); coroutines are consumed.
    Task<T> t = [&] {
      if constexpr (std::is_same_v<A, Task<T>>) return a; else return ensure_task(std::move(a));
    }();
    children.push_back(&t.base());
    t.base().add_ref();
  }
  auto collect = [](const std::vector<TaskBase*>& c) {
    R out;
    out.reserve(c.size());
    for (auto* t : c) {
      if constexpr (Outcomes) out.push_back(task_outcome<T>(t));
      else out.push_back(task_value<T>(t));
    }
    return out;
  };
  return start_gather<R>(Outcomes, std::move(children), collect);
}

template <class A>
inline constexpr bool is_range_v = requires(A& a) { std::begin(a); std::end(a); };

}  // namespace detail

// gather(a, b, ...): a tuple of results. gather(range): a vector of results.
template <class... A>
auto gather(A&&... aws) {
  if constexpr (sizeof...(A) == 1 && (detail::is_range_v<std::remove_reference_t<A>> && ...)) {
    return detail::gather_range<false>(std::forward<A>(aws)...);
  } else {
    return detail::gather_variadic<false>(std::forward<A>(aws)...);
  }
}

// gather(return_exceptions, a, b, ...): a tuple of Outcome<T>; nothing is raised.
template <class... A>
auto gather(ReturnExceptions, A&&... aws) {
  return detail::gather_variadic<true>(std::forward<A>(aws)...);
}

// gather(range, return_exceptions): a vector of Outcome<T>; nothing is raised.
template <class Range>
auto gather(Range&& range, ReturnExceptions) {
  return detail::gather_range<true>(std::forward<Range>(range));
}

}  // namespace aio
