#include "aio/wait.hpp"

#include <memory>

#include "aio/sleep.hpp"

namespace aio::detail {

namespace {
struct WaitState : std::enable_shared_from_this<WaitState> {
  struct Link : Waiter {
    WaitState* owner;
  };
  Future<> waiter;
  std::vector<FutureBase*> futures;
  std::vector<Link> links;
  std::size_t counter = 0;
  ReturnWhen when = ALL_COMPLETED;
  EventLoop::TimerHandle timer;

  // CPython's _on_completion, a done callback: it runs a loop turn after each future finishes, the
  // ones that decide nothing included (each takes its place in that iteration, as in asyncio).
  static void on_done(Waiter* w, FutureBase& f) {
    auto s = static_cast<Link*>(w)->owner->shared_from_this();
    const bool failed = f.state() == State::failed;
    EventLoop::current().call_soon([s, failed] {
      --s->counter;
      bool release = s->counter == 0 || s->when == FIRST_COMPLETED || (s->when == FIRST_EXCEPTION && failed);
      if (!release || s->waiter.done()) return;
      s->timer.cancel();
      s->waiter.set_result();
    });
  }
};
}  // namespace

Coro<> wait_for_condition(std::vector<FutureBase*> futures, ReturnWhen return_when, std::optional<double> timeout) {
  auto s = std::make_shared<WaitState>();
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
