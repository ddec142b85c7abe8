// gather(aws...): asyncio.gather.
//
// Every coroutine argument becomes a task at once, in argument order; tasks are used as they are; any
// other Awaitable (a sleep, a future, another gather) is awaited by a task of its own (concepts.hpp).
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
// ```cpp
// aio::Coro<std::string> fetch(int id);
//
// aio::Coro<> main_coro() {
//   auto [a, b, slept] = co_await aio::gather(fetch(1), fetch(2), aio::sleep(0.5));
//   std::vector<aio::Coro<std::string>> many;
//   for (int id = 0; id < 10; ++id) many.push_back(fetch(id));
//   std::vector<std::string> all = co_await aio::gather(std::move(many));
//   auto outcomes = co_await aio::gather(aio::return_exceptions, fetch(3), fetch(4));
//   if (!std::get<0>(outcomes).ok()) aio::print("fetch(3) failed");
// }
// ```
#pragma once

#include <cstddef>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "concepts.hpp"
#include "coro.hpp"
#include "outcome.hpp"
#include "task.hpp"

namespace aio {

struct ReturnExceptions {};
inline constexpr ReturnExceptions return_exceptions{};

namespace detail {

// The untyped part of a gather: counts children, decides when it is done, delivers a loop turn later.
// Each unfinished child holds a reference to it, so it outlives them and never has to unregister.
class GatherBase : private Parent, public FutureBase {
 public:
  bool cancel(std::string_view msg = {}) override;

 protected:
  explicit GatherBase(bool return_exceptions);
  ~GatherBase() override;
  // Null once the gather has let go of the child (collected early, see GatherRange).
  virtual TaskBase* child(std::size_t i) const noexcept = 0;
  // Fills the value from the finished children.
  virtual void collect() = 0;
  // Registers on the `n` children, which for_each_child(f) passes to f in order; the derived
  // constructor calls it once the children are in place. Inline: a range's children come by the million.
  template <class ForEachChild>
  void watch(std::size_t n, ForEachChild for_each_child) {
    count_ = n;
    if (n == 0) return finish_empty();
    refs_ += static_cast<std::uint32_t>(n);  // one for each child, released when it is done
    for_each_child([this](TaskBase& c) {
      if (!c.set_parent(*this)) [[unlikely]] watch_through_link(c);
    });
  }
  // CPython's _done_callback, decided when the child finishes and delivered a loop turn later. Each
  // kind of gather's child_done is this, with its own collect_early(): told of each child that
  // finishes while the gather is undecided, a chance to collect early. Inline there, so that a
  // finishing child costs the gather one call.
  template <class Self>
  [[gnu::always_inline]] void on_child_done(Self& self, FutureBase& child) noexcept {
    ++finished_;
    if (!decided_ && !done()) {
      self.collect_early();
      if (child.state() != State::done) [[unlikely]]
        child_unsuccessful(child);
      else if (finished_ >= count_)
        decide();
    }
    release();  // this child's reference
  }

 private:
  struct Link : Waiter {
    GatherBase* owner;
  };
  // gather() of nothing: finished at once, with an empty result.
  void finish_empty();
  // A child that already has waiters (or is done): a node in its list keeps CPython's callback order.
  void watch_through_link(TaskBase& c);
  void child_unsuccessful(FutureBase& child) noexcept;
  void decide() noexcept;
  void run() override;  // delivers the decision a loop turn after it was taken
  std::vector<std::unique_ptr<Link>> links_;  // only for children that already had waiters
  std::size_t count_ = 0;
  std::size_t finished_ = 0;
  bool return_exceptions_;
  bool decided_ = false;
  bool cancel_requested_ = false;
  std::exception_ptr first_error_;
  std::exception_ptr last_cancel_;
};

template <class T>
const value_of<T>& task_value(TaskBase& t) {
  if constexpr (std::is_void_v<T>) {
    static const None none;
    return none;
  } else {
    return *static_cast<Promise<T>&>(t).value;
  }
}

template <class T>
Outcome<T> task_outcome(TaskBase& t) {
  if (t.state() == State::done) return Outcome<T>::of_value(task_value<T>(t));
  return Outcome<T>::of_error(t.stored_error());
}

// gather over a range: the children are the caller's vector of tasks, adopted as it is.
template <class T, bool Outcomes>
class GatherRange final : public GatherBase {
 public:
  using R = std::conditional_t<Outcomes, std::vector<Outcome<T>>, std::vector<value_of<T>>>;
  GatherRange(std::vector<Task<T>> tasks) : GatherBase(Outcomes), tasks_(std::move(tasks)) {
    if constexpr (kEarly) out_.resize(tasks_.size()); else out_.reserve(tasks_.size());
    watch(tasks_.size(), [this](auto&& f) {
      for (auto& t : tasks_) f(access::base(t));
    });
  }
  std::optional<R> value;

 private:
  // Values that copy as plain bytes (no user code, nothing thrown: this runs inside a child's
  // completion) are collected as soon as the children before them have succeeded too. Children that
  // finish about in order are then collected while their frames are hot, spread over the gather's
  // lifetime instead of in one pass over every frame at the end. A child collected as it finishes (the
  // running task) is let go of as well: the loop drops its own reference at the end of the child's
  // step, so the frame goes there, as any finished task's does, not all at once when the gather goes.
  // The result vector is then made at its full size at once and filled in place.
  using V = value_of<T>;
  static constexpr bool kEarly = !Outcomes && std::is_trivially_copyable_v<V> &&
                                 std::is_default_constructible_v<V> && std::is_copy_assignable_v<V>;

  TaskBase* child(std::size_t i) const noexcept override {
    return tasks_[i].valid() ? &access::base(tasks_[i]) : nullptr;
  }
  void collect() override {
    if constexpr (kEarly) {
      for (std::size_t i = collected_; i < tasks_.size(); ++i) out_[i] = task_value<T>(access::base(tasks_[i]));
    } else {
      for (auto& t : tasks_) {
        if constexpr (Outcomes) out_.push_back(task_outcome<T>(access::base(t)));
        else out_.push_back(task_value<T>(access::base(t)));
      }
    }
    value.emplace(std::move(out_));
  }
  friend class GatherBase;
  void child_done(FutureBase& child) noexcept override { on_child_done(*this, child); }
  void collect_early() noexcept {
    if constexpr (kEarly) {
      Task<T>* const tasks = tasks_.data();
      V* const out = out_.data();
      const std::size_t n = tasks_.size();
      TaskBase* const running = current_task_base();
      std::size_t i = collected_;
      for (; i < n; ++i) {
        TaskBase& c = access::base(tasks[i]);
        if (c.state() != State::done) break;
        out[i] = task_value<T>(c);
        if (&c == running) access::detach(tasks[i])->release_not_last();  // the loop still holds it
      }
      collected_ = i;
    }
  }
  std::size_t collected_ = 0;  // kEarly: out_[0, collected_) are collected (and their handles maybe let go)
  std::vector<Task<T>> tasks_;
  R out_;  // the values collected so far, in order
};

// gather of a fixed list of awaitables: a tuple of results.
template <bool Outcomes, class... T>
class GatherTuple final : public GatherBase {
 public:
  using R = std::conditional_t<Outcomes, std::tuple<Outcome<T>...>, std::tuple<value_of<T>...>>;
  GatherTuple(std::tuple<Task<T>...> tasks) : GatherBase(Outcomes), tasks_(std::move(tasks)) {
    watch(sizeof...(T), [this](auto&& f) {
      std::apply([&](auto&... t) { (f(access::base(t)), ...); }, tasks_);
    });
  }
  std::optional<R> value;

 private:
  friend class GatherBase;
  void child_done(FutureBase& child) noexcept override { on_child_done(*this, child); }
  void collect_early() noexcept {}
  TaskBase* child(std::size_t i) const noexcept override {
    TaskBase* out = nullptr;
    std::size_t k = 0;
    std::apply([&](auto&... t) { ((k++ == i ? (out = &access::base(t), 0) : 0), ...); }, tasks_);
    return out;
  }
  void collect() override {
    std::apply(
        [&](auto&... t) {
          if constexpr (Outcomes) value.emplace(task_outcome<T>(access::base(t))...);
          else value.emplace(task_value<T>(access::base(t))...);
        },
        tasks_);
  }
  std::tuple<Task<T>...> tasks_;
};

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
  // Awaiting yields a copy of the result, which other handles may still read. Awaiting the only handle
  // as an rvalue (co_await gather(...), or co_await std::move(g)) moves the result out instead.
  auto operator co_await() const& noexcept { return Awaiter{detail::FutureAwaiter(*s_), value_, nullptr}; }
  auto operator co_await() && noexcept { return Awaiter{detail::FutureAwaiter(*s_), value_, s_.get()}; }

 private:
  friend struct detail::access;
  template <class State>
  explicit Gathering(detail::Ref<State> s) noexcept
      : value_(&s->value), s_(detail::Ref<detail::FutureBase>::adopt(s.detach())) {}
  detail::FutureBase& base() const noexcept { return *s_; }

  struct Awaiter : detail::FutureAwaiter {
    std::optional<R>* v;
    const detail::FutureBase* rvalue_of;  // the state, when awaited through an rvalue handle
    R await_resume() {
      await_resume_check();
      if (rvalue_of && rvalue_of->only_ref()) return std::move(**v);
      return **v;
    }
  };
  std::optional<R>* value_;
  detail::Ref<detail::FutureBase> s_;
};

namespace detail {

template <bool Outcomes, class... A>
auto gather_variadic(A&&... aws) {
  using State = GatherTuple<Outcomes, awaited_t<A>...>;
  // Braced: tasks are created in argument order.
  std::tuple<Task<awaited_t<A>>...> tasks{ensure_task(std::forward<A>(aws))...};
  return access::make<Gathering<typename State::R>>(Ref<State>::adopt(new State(std::move(tasks))));
}

template <bool Outcomes, class Range>
auto gather_range(Range&& range) {
  using A = std::decay_t<decltype(*std::begin(range))>;
  using T = awaited_t<A>;
  using State = GatherRange<T, Outcomes>;
  std::vector<Task<T>> tasks;
  if constexpr (std::is_same_v<std::decay_t<Range>, std::vector<Task<T>>>) {
    // Tasks are shared handles: an rvalue vector is adopted as it is, an lvalue one copied.
    tasks = std::vector<Task<T>>(std::forward<Range>(range));
  } else {
    if constexpr (requires { std::size(range); }) tasks.reserve(std::size(range));
    for (auto& a : range) {
      if constexpr (std::is_same_v<A, Task<T>>) tasks.push_back(a); else tasks.push_back(ensure_task(std::move(a)));
    }
  }
  return access::make<Gathering<typename State::R>>(Ref<State>::adopt(new State(std::move(tasks))));
}

}  // namespace detail

// gather(a, b, ...): a tuple of results, each argument any Awaitable.
template <Awaitable... A>
auto gather(A&&... aws) {
  return detail::gather_variadic<false>(std::forward<A>(aws)...);
}

// gather(range): a vector of results (a range of coroutines, tasks or other awaitables of one type).
template <AwaitableRange Range>
  requires(!Awaitable<Range>)
auto gather(Range&& range) {
  return detail::gather_range<false>(std::forward<Range>(range));
}

// gather(return_exceptions, a, b, ...): a tuple of Outcome<T>; nothing is raised.
template <Awaitable... A>
auto gather(ReturnExceptions, A&&... aws) {
  return detail::gather_variadic<true>(std::forward<A>(aws)...);
}

// gather(range, return_exceptions): a vector of Outcome<T>; nothing is raised.
template <AwaitableRange Range>
auto gather(Range&& range, ReturnExceptions) {
  return detail::gather_range<true>(std::forward<Range>(range));
}

}  // namespace aio
