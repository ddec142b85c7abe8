#include "aio/loop.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "aio/detail/task_base.hpp"
#include "aio/executor.hpp"
#include "aio/sleep.hpp"
#include "aio/steps.hpp"
#include "aio/trace.hpp"

namespace aio {

namespace {

// How many callbacks (or timers) run between two looks at the host's clock within one iteration.
constexpr unsigned kYieldCheck = 128;

// A call_soon callback: a Runnable that runs once and deletes itself.
struct Callback final : detail::Runnable {
  std::function<void()> fn;
  explicit Callback(std::function<void()> f) : fn(std::move(f)) {}
  void run() override {
    auto f = std::move(fn);
    delete this;
    f();
  }
};
}  // namespace

// A call_later callback: the timer entry and the handle share it.
struct EventLoop::TimerHandle::State final : detail::Runnable {
  std::function<void()> fn;
  int refs = 1;
  bool cancelled = false;
  bool fired = false;
  EventLoop* loop = nullptr;
  bool timer_live(std::uint64_t) const override { return !cancelled && !fired; }
  void timer_fire(std::uint64_t) override {
    fired = true;
    auto f = std::move(fn);
    f();
  }
  void timer_release() noexcept override {
    if (--refs == 0) delete this;
  }
};

EventLoop::TimerHandle::TimerHandle(State* s) noexcept : s_(s) {}
EventLoop::TimerHandle& EventLoop::TimerHandle::operator=(TimerHandle&& o) noexcept {
  if (this != &o) {
    if (s_) s_->timer_release();
    s_ = std::exchange(o.s_, nullptr);
  }
  return *this;
}
EventLoop::TimerHandle::~TimerHandle() {
  if (s_) s_->timer_release();
}
void EventLoop::TimerHandle::cancel() noexcept {
  if (s_ && !s_->cancelled && !s_->fired) {
    s_->cancelled = true;
    s_->fn = nullptr;
    s_->loop->timer_went_stale();
  }
}
bool EventLoop::TimerHandle::cancelled() const noexcept { return s_ && s_->cancelled; }

EventLoop::EventLoop(Platform& platform, Trace* trace)
    : platform_(platform), trace_(trace), previous_(detail::t_loop) {
  detail::t_loop = this;
}

EventLoop::~EventLoop() {
  { std::lock_guard<std::mutex> wait_for_wakers(inbox_mutex_); }
  release_leftovers();
  // Whatever is left (only after an error stopped the loop): drop the timers' references.
  restore_set_aside();
  timers_.remove_if([](const Entry& e) {
    e.target->timer_release();
    return true;
  });
  detail::t_loop = previous_;
}

void EventLoop::no_running_loop() {
  throw std::logic_error("aio: no running event loop (call this inside aio::run)");
}

std::uint64_t EventLoop::add_timer(std::int64_t when_ns, detail::Runnable& target) {
  std::uint64_t seq = ++timer_seq_;
  timers_.push(Entry{when_ns, seq, &target});
  return seq;
}

void EventLoop::call_soon(std::function<void()> fn) { push(*new Callback(std::move(fn))); }

EventLoop::TimerHandle EventLoop::call_later(double delay_seconds, std::function<void()> fn) {
  return call_at(now_ns() + to_loop_ns(delay_seconds), std::move(fn));
}

EventLoop::TimerHandle EventLoop::call_at(std::int64_t when_ns, std::function<void()> fn) {
  auto* s = new TimerHandle::State();
  s->fn = std::move(fn);
  s->loop = this;
  s->refs = 2;  // the handle and the heap entry
  add_timer(when_ns, *s);
  return TimerHandle(s);
}

void EventLoop::call_soon_threadsafe(std::function<void()> fn) {
  // wake() under the lock: the loop (and its platform) cannot be torn down in between, since the
  // destructor takes this lock too.
  std::lock_guard<std::mutex> lock(inbox_mutex_);
  inbox_.push_back(std::move(fn));
  inbox_pending_.store(true, std::memory_order_release);
  platform_.wake();
}

bool EventLoop::drain_inbox() noexcept {
  if (!inbox_pending_.load(std::memory_order_acquire)) return true;
  try {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(inbox_mutex_);
      batch.swap(inbox_);
      inbox_pending_.store(false, std::memory_order_relaxed);
    }
    for (auto& fn : batch) fn();
    return true;
  } catch (...) {
    failure_ = std::current_exception();
    return false;
  }
}

std::size_t EventLoop::ready_count() const noexcept {
  std::size_t n = 0;
  for (auto* r = head_; r; r = r->next_ready) ++n;
  return n;
}

// CPython sweeps its heap when more than half of at least 100 entries are cancelled; so does this.
void EventLoop::sweep_stale_timers() {
  timers_.remove_if([](const Entry& e) {
    if (e.target->timer_live(e.seq)) return false;
    e.target->timer_release();
    return true;
  });
  stale_timers_ = 0;
}

bool EventLoop::run_once() {
  if (detail::t_steps) [[unlikely]]
    return run_once_impl<true>();
  return run_once_impl<false>();
}

// On the suspending path (see run_until in loop.hpp): the turns and the idle wait are taken here, and
// everything between them that may throw runs in the helpers below.
template <bool Record>
bool EventLoop::run_once_impl() {
  if (!begin_iteration<Record>()) return false;
  if (!head_) {
    if (timers_.empty() && external_ == 0) return stalled();
    std::optional<std::int64_t> deadline;
    if (!timers_.empty()) deadline = timers_.top().when;
    if (!deadline || *deadline > platform_.now()) platform_.idle_wait(deadline, external_ > 0);
    if (!drain_inbox()) return false;
  } else if (auto every = platform_.yield_every_ns()) {
    std::int64_t now = platform_.host_now();
    if (now - last_yield_ns_ >= every) {
      platform_.yield_to_host();
      last_yield_ns_ = platform_.host_now();
      if (!drain_inbox()) return false;
    }
  }
  // Within the iteration the host gets its turns too, its clock looked at every kYieldCheck callbacks
  // (turn_due); the inbox waits for the next iteration, so a turn changes nothing the iteration does.
  Turns turns{platform_.yield_every_ns(), kYieldCheck};

  // The timers due now, fired after the ready callbacks (see loop.hpp). They are popped only then, in
  // order, rather than copied out first: after a long step a good share of a million timers is due at
  // once. Entries set meanwhile (seq past `last_seq`) are not due yet; they sort after every due entry
  // unless given a past deadline (call_at), and those are set aside until the next iteration. With no
  // timer set, none is due: the clock, as dear as a task step, is not read.
  const std::int64_t now = timers_.empty() ? std::numeric_limits<std::int64_t>::min() : platform_.now();
  const std::uint64_t last_seq = timer_seq_;

  if (detail::Runnable* last = tail_) {
    for (;;) {
      const Next next = run_ready_callbacks<Record>(last, turns);
      if (next == Next::done) break;
      if (next == Next::failed) return false;
      platform_.yield_to_host();
      last_yield_ns_ = platform_.host_now();
    }
  }
  for (;;) {
    const Next next = fire_due_timers<Record>(now, last_seq, turns);
    if (next == Next::done) break;
    if (next == Next::failed) return false;
    platform_.yield_to_host();
    last_yield_ns_ = platform_.host_now();
  }
  return end_iteration<Record>();
}

template <bool Record>
bool EventLoop::begin_iteration() noexcept {
  try {
    if constexpr (Record) detail::t_steps->begin_iteration();
    restore_set_aside();  // left over only if a timer callback threw out of the last iteration
    if (!drain_inbox()) return false;
    if (stale_timers_ > 100 && stale_timers_ * 2 > timers_.size()) sweep_stale_timers();
    // Stale entries at the top would only make the loop wait for nothing.
    while (!timers_.empty() && !timers_.top().target->timer_live(timers_.top().seq)) {
      timers_.pop().target->timer_release();
      if (stale_timers_) --stale_timers_;
    }
    return true;
  } catch (...) {
    failure_ = std::current_exception();
    return false;
  }
}

bool EventLoop::stalled() noexcept {
  try {
    failure_ = std::make_exception_ptr(LoopStalled(
        "aio: the event loop stalled: no task is ready, no timer is set and nothing can wake it "
        "(a task awaits something that never happens)"));
  } catch (...) {
    failure_ = std::current_exception();
  }
  return false;
}

bool EventLoop::turn_due(Turns& turns) {
  if (!turns.every || --turns.countdown) return false;
  turns.countdown = kYieldCheck;
  return platform_.host_now() - last_yield_ns_ >= turns.every;
}

// The callbacks ready when the iteration began, up to `last`; Next::turn when the host's turn is due
// before the rest.
template <bool Record>
EventLoop::Next EventLoop::run_ready_callbacks(detail::Runnable* last, Turns& turns) noexcept {
  Turns t = turns;  // a local: kept in registers across the callbacks
  try {
    for (;;) {
      detail::Runnable* r = head_;
      head_ = r->next_ready;
      if (!head_) tail_ = nullptr;
      const bool was_last = (r == last);
      if constexpr (Record) detail::t_steps->before_run(*r);
      r->run();  // may free r
      if (was_last) {
        turns = t;  // the timers go on counting from here
        return Next::done;
      }
      if (turn_due(t)) {
        turns = t;
        return Next::turn;
      }
    }
  } catch (...) {
    failure_ = std::current_exception();
    return Next::failed;
  }
}

template <bool Record>
EventLoop::Next EventLoop::fire_due_timers(std::int64_t now, std::uint64_t last_seq, Turns& turns) noexcept {
  Turns t = turns;
  try {
    while (!timers_.empty() && timers_.top().when <= now) {
      Entry e = timers_.pop();
      if (e.seq > last_seq) {
        set_aside_.push_back(e);
        continue;
      }
      if (e.target->timer_live(e.seq)) {
        if constexpr (Record) detail::t_steps->before_fire(*e.target);
        e.target->timer_fire(e.seq);  // a call_later callback may throw: the rest stay queued
      } else if (stale_timers_) {
        --stale_timers_;
      }
      e.target->timer_release();
      if (turn_due(t)) {
        turns = t;
        return Next::turn;
      }
    }
    return Next::done;
  } catch (...) {
    failure_ = std::current_exception();
    return Next::failed;
  }
}

template <bool Record>
bool EventLoop::end_iteration() noexcept {
  try {
    restore_set_aside();
    if constexpr (Record) detail::t_steps->end_iteration();
    return true;
  } catch (...) {
    failure_ = std::current_exception();
    return false;
  }
}

void EventLoop::restore_set_aside() {
  for (const Entry& e : set_aside_) timers_.push(e);
  set_aside_.clear();
}

bool EventLoop::run_ready() {
  for (;;) {
    if (!drain_inbox()) return false;
    if (!head_) return true;  // nothing ready: not an idle wait, and not a stall either
    if (!run_once()) return false;
  }
}

// The leftovers are kept in the loop, not in a local: see run_until.
bool EventLoop::cancel_all_tasks() {
  if (!cancel_leftovers()) return false;
  if (leftovers_.empty()) return true;
  const bool ok = run_until([this] { return leftovers_done(); });
  release_leftovers();
  return ok;
}

bool EventLoop::cancel_leftovers() noexcept {
  release_leftovers();
  try {
    for (auto* t = tasks_; t; t = t->next_task_) {
      leftovers_.push_back(t);
      t->add_ref();
    }
    for (auto* t : leftovers_) t->cancel();
    return true;
  } catch (...) {
    failure_ = std::current_exception();
    release_leftovers();
    return false;
  }
}

bool EventLoop::leftovers_done() const noexcept {
  for (auto* t : leftovers_)
    if (!t->done()) return false;
  return true;
}

void EventLoop::release_leftovers() noexcept {
  for (auto* t : leftovers_) t->release();
  leftovers_.clear();
}

void EventLoop::request_stop(std::string msg) {
  call_soon_threadsafe([this, msg = std::move(msg)] {
    if (main_ && !main_->done()) main_->cancel(msg);
  });
}

void EventLoop::print_line(std::string_view text) {
  double t = time();
  if (trace_) {
    TraceEvent e;
    e.kind = TraceEvent::Kind::line;
    e.t = t;
    auto* task = detail::current_task_base();
    e.id = task ? task->id() : 0;
    e.text = std::string(text);
    trace_->record(std::move(e));
  }
  if (output_) output_(text, t);
}

}  // namespace aio
