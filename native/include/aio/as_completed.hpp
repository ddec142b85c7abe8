// as_completed(awaitables, timeout): asyncio.as_completed.
//
// Schedules every coroutine as a task at once (any other awaitable too, see concepts.hpp) and returns a
// range of awaitables, one per input; the k-th `co_await` yields the k-th result to finish (its value,
// or rethrows its exception):
// ```cpp
// aio::Coro<int> fetch(int id);
//
// aio::Coro<> main_coro() {
//   std::vector<aio::Coro<int>> coros;
//   for (int id = 0; id < 3; ++id) coros.push_back(fetch(id));
//   for (auto next : aio::as_completed(std::move(coros), 5.0)) aio::print(co_await next);
// }
// ```
// The timeout is one deadline for the whole iteration, in seconds: once it passes, each remaining await
// raises TimeoutError. It does not cancel the tasks still running; they go on in the background.
// Cancelling the task that awaits leaves the other tasks running too. Tasks are created in input order
// (Python starts them in the order of a set).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "concepts.hpp"
#include "coro.hpp"
#include "future.hpp"
#include "gather.hpp"
#include "task.hpp"

namespace aio {

template <class T>
class AsCompleted {
  struct State {
    struct Link : detail::Waiter {
      State* owner;
      Task<T> task;
    };
    std::vector<Link> links;
    std::deque<std::optional<Task<T>>> done;  // nullopt: the deadline passed
    std::size_t todo = 0;
    std::optional<Future<>> getter;
    EventLoop::TimerHandle timer;

    void put(std::optional<Task<T>> t) {
      done.push_back(std::move(t));
      if (getter && !getter->done()) getter->set_result();
    }
    // CPython's _on_completion runs as the task's done callback, a loop turn later: so does put().
    static void on_done(detail::Waiter* w, detail::FutureBase&) {
      auto* link = static_cast<Link*>(w);
      State* s = link->owner;
      if (s->todo == 0) return;
      --s->todo;
      if (s->todo == 0) s->timer.cancel();
      EventLoop::current().call_soon([keep = s->self.lock(), t = link->task] {
        if (keep) keep->put(t);
      });
    }
    void on_timeout() {
      for (auto& l : links)
        if (!l.task.done()) detail::access::base(l.task).remove_waiter(l);
      std::size_t left = todo;
      todo = 0;
      for (std::size_t i = 0; i < left; ++i) put(std::nullopt);
    }
    std::weak_ptr<State> self;
    ~State() {
      for (auto& l : links)
        if (!l.task.done()) detail::access::base(l.task).remove_waiter(l);
    }
  };

  friend struct detail::access;
  template <class Range>
  AsCompleted(Range&& awaitables, std::optional<double> timeout) : s_(std::make_shared<State>()) {
    s_->self = s_;
    for (auto& a : awaitables) {
      Task<T> t;
      if constexpr (std::is_same_v<std::decay_t<decltype(a)>, Task<T>>) t = a; else t = detail::ensure_task(std::move(a));
      s_->links.emplace_back();
      s_->links.back().task = std::move(t);
    }
    s_->todo = s_->links.size();
    if (timeout && s_->todo) {
      std::weak_ptr<State> weak = s_;
      s_->timer = EventLoop::current().call_later(*timeout, [weak] {
        if (auto s = weak.lock()) s->on_timeout();
      });
    }
    for (auto& l : s_->links) {
      l.owner = s_.get();
      l.notify = &State::on_done;
      detail::access::base(l.task).add_waiter(l);
    }
  }

 public:
  // One await of the iteration: the next result to finish.
  class Next {
   public:
    explicit Next(std::shared_ptr<State> s) : s_(std::move(s)) {}
    auto operator co_await() const { return get(s_).operator co_await(); }

   private:
    static Coro<T> get(std::shared_ptr<State> s) {
      while (s->done.empty()) {
        s->getter.emplace();
        Future<> g = *s->getter;
        co_await g;
      }
      std::optional<Task<T>> t = std::move(s->done.front());
      s->done.pop_front();
      if (!t) throw TimeoutError();
      if constexpr (std::is_void_v<T>) {
        t->result();
        co_return;
      } else {
        co_return t->result();
      }
    }
    std::shared_ptr<State> s_;
  };

  class iterator {
   public:
    using difference_type = std::ptrdiff_t;
    using value_type = Next;
    iterator(std::shared_ptr<State> s, std::size_t i) : s_(std::move(s)), i_(i) {}
    Next operator*() const { return Next(s_); }
    iterator& operator++() { ++i_; return *this; }
    bool operator==(const iterator& o) const { return i_ == o.i_; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    std::shared_ptr<State> s_;
    std::size_t i_;
  };
  iterator begin() const { return iterator(s_, 0); }
  iterator end() const { return iterator(s_, s_->links.size()); }
  std::size_t size() const { return s_->links.size(); }

 private:
  std::shared_ptr<State> s_;
};

template <AwaitableRange Range>
auto as_completed(Range&& awaitables, std::optional<double> timeout = std::nullopt) {
  using A = std::decay_t<decltype(*std::begin(awaitables))>;
  return detail::access::make<AsCompleted<detail::awaited_t<A>>>(std::forward<Range>(awaitables), timeout);
}

}  // namespace aio
