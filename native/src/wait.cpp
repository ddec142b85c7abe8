#include "aio/wait.hpp"

#include <memory>

#include "aio/sleep.hpp"

namespace aio::detail {

namespace {
struct WaitState {
  struct Link : Waiter {
    WaitState* owner;
  };
  Future<> waiter;
  std::vector<FutureBase*> futures;
  std::vector<Link> links;
  std::size_t counter = 0;
  ReturnWhen when = ALL_COMPLETED;
  EventLoop::TimerHandle timer;

  // CPython's _on_completion, which it runs a loop turn after the future finishes: the hop is the
  // done callback scheduled here.
  static void on_done(Waiter* w, FutureBase& f) {
    WaitState* s = static_cast<Link*>(w)->owner;
    --s->counter;
    bool release = s->counter == 0 || s->when == FIRST_COMPLETED ||
                   (s->when == FIRST_EXCEPTION && f.state() == State::failed);
    if (!release) return;
    s->timer.cancel();
    Future<> waiter = s->waiter;
    add_done_callback_now(waiter);
  }
  static void add_done_callback_now(Future<> waiter) {
    EventLoop::current().call_soon([waiter]() mutable {
      if (!waiter.done()) waiter.set_result();
    });
  }
};
}  // namespace

Coro<> wait_for_condition(std::vector<FutureBase*> futures, ReturnWhen return_when, std::optional<double> timeout) {
  auto s = std::make_unique<WaitState>();
  s->futures = std::move(futures);
  s->counter = s->futures.size();
  s->when = return_when;
  s->links.resize(s->futures.size());
  if (timeout) {
    Future<> waiter = s->waiter;
    s->timer = EventLoop::current().call_later(*timeout, [waiter]() mutable {
      if (!waiter.done()) waiter.set_result();
    });
  }
  for (std::size_t i = 0; i < s->futures.size(); ++i) {
    s->links[i].owner = s.get();
    s->links[i].notify = &WaitState::on_done;
    s->futures[i]->add_waiter(s->links[i]);
  }
  try {
    co_await s->waiter;
  } catch (...) {
    s->timer.cancel();
    for (std::size_t i = 0; i < s->futures.size(); ++i) s->futures[i]->remove_waiter(s->links[i]);
    throw;
  }
  s->timer.cancel();
  for (std::size_t i = 0; i < s->futures.size(); ++i) s->futures[i]->remove_waiter(s->links[i]);
}

}  // namespace aio::detail
