// Executors: loop.run_in_executor, asyncio.to_thread and concurrent.futures.ThreadPoolExecutor.
//
// run_in_executor(executor, fn, args...) submits fn(args...) at once and returns a Future of its result;
// a null executor means the loop's default one (made on first use, min(32, cores + 4) workers, shut down
// at the end of aio::run). to_thread(fn, args...) is the coroutine form on the default executor.
// The job runs on a worker: a thread natively, a Web Worker in the browser. So that both can run it,
// fn is a plain function (a captureless lambda with +), and the arguments and result are numbers, bools
// or std::string. A job that throws fails the future with its exception (natively its very exception;
// in the browser a std::runtime_error with the message).
// Cancelling the awaiting task cancels the future; a job that has not started is then skipped, a running
// one is not interrupted (a thread cannot be), its result is dropped and the loop carries on.
// On the virtual clock, blocking_sleep() inside a job takes virtual time: the job's result arrives at
// (start + its sleeps), start being when one of the executor's max_workers becomes free.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "concepts.hpp"
#include "coro.hpp"
#include "detail/pack.hpp"
#include "future.hpp"
#include "platform.hpp"

namespace aio {

// time.sleep() for executor jobs: blocks the worker for `seconds` of the loop's clock (scaled by the
// run's time scale; on the virtual clock it returns at once and the job's virtual duration grows).
void blocking_sleep(double seconds);

class ThreadPoolExecutor {
 public:
  // max_workers <= 0 picks CPython's default, min(32, cores + 4).
  explicit ThreadPoolExecutor(int max_workers = 0);
  // Like leaving Python's `with` block: shutdown(wait=true).
  ~ThreadPoolExecutor();
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  int max_workers() const noexcept { return max_workers_; }
  // Stops taking jobs. Queued jobs that no worker has started fail with std::runtime_error; with
  // wait, blocks up to `grace_seconds` for running ones (a worker still busy then is left to finish).
  void shutdown(bool wait = true, double grace_seconds = 30);

 private:
  friend struct detail::access;
  // Submits a packed job on the running loop; resolves `result` with the packed outcome.
  void submit(Job job, detail::Ref<detail::FutureState<std::string>> result);

  struct Pending;
  struct Link;
  void finish(const std::shared_ptr<Pending>& p);
  static void complete(EventLoop& loop, Pending& p);
  void settle_virtual();
  int max_workers_;
  std::shared_ptr<Link> link_;
  bool shut_down_ = false;
  EventLoop* loop_ = nullptr;
  std::unique_ptr<WorkerPool> pool_;
  std::uint64_t next_job_ = 0;
  // Virtual clock: when each worker is next free, and the jobs in submission order until settled.
  std::vector<std::int64_t> free_at_;
  std::deque<std::shared_ptr<Pending>> unsettled_;
};

namespace detail {
ThreadPoolExecutor& default_executor(EventLoop& loop);
std::string job_name_of(std::uintptr_t fn);
}  // namespace detail
// Shuts the loop's default executor down (aio::run does it on exit).
void shutdown_default_executor(EventLoop& loop);

// Names a job function for traces and for finding it by name ("blocking_io" rather than an address).
void register_job_name(const void* fn, std::string name);

namespace detail {
// As many arguments as parameters, each converting to its parameter.
template <class Params, class Args>
inline constexpr bool args_fit_v = false;
template <class... P, class... A>
  requires(sizeof...(P) == sizeof...(A))
inline constexpr bool args_fit_v<std::tuple<P...>, std::tuple<A...>> = (std::is_convertible_v<A, std::decay_t<P>> && ...);
}  // namespace detail

// The job that calls fn(args...) on a worker: its arguments packed, named as register_job_name named
// fn, on the real clock (run_in_executor sets the loop's). A WorkerPool of one's own runs such jobs.
template <class R, class... P, class... A>
  requires(Packable<R> && (Packable<P> && ...) && detail::args_fit_v<std::tuple<P...>, std::tuple<A...>>)
Job make_job(R (*fn)(P...), A&&... args) {
  Job job;
  job.invoke = &detail::invoke_packed<R, P...>;
  job.fn = reinterpret_cast<std::uintptr_t>(fn);
  job.args = detail::pack(static_cast<std::decay_t<P>>(std::forward<A>(args))...);
  job.name = detail::job_name_of(job.fn);
  return job;
}

// A job's result, from the packed value of its JobOutcome (when `ok`). Throws std::runtime_error when
// the value is not an R's.
template <class R>
  requires(Packable<R> && !std::is_void_v<R>)
R job_result(const std::string& packed) {
  std::size_t at = 0;
  return detail::unpack_one<R>(packed, at);
}

// fn is a plain function whose parameters and result are Packable, called with matching arguments.
template <class R, class... P, class... A>
  requires(Packable<R> && (Packable<P> && ...) && detail::args_fit_v<std::tuple<P...>, std::tuple<A...>>)
Future<R> run_in_executor(ThreadPoolExecutor* executor, R (*fn)(P...), A&&... args) {
  EventLoop& loop = EventLoop::current();
  ThreadPoolExecutor& ex = executor ? *executor : detail::default_executor(loop);
  Job job = make_job(fn, std::forward<A>(args)...);
  job.clock = loop.platform().clock();
  job.time_scale = loop.platform().time_scale();

  auto packed = detail::Ref<detail::FutureState<std::string>>::adopt(new detail::FutureState<std::string>());
  detail::access::submit(ex, std::move(job), packed);

  // The caller's future: the unpacked result of the packed one. Cancelling it cancels the packed one.
  Future<R> out;
  struct Bridge final : detail::Waiter {
    detail::Ref<detail::FutureState<std::string>> packed;
    Future<R> out;
  };
  auto* bridge = new Bridge{{}, packed, out};
  bridge->notify = [](detail::Waiter* w, detail::FutureBase&) {
    auto* b = static_cast<Bridge*>(w);
    std::unique_ptr<Bridge> own(b);
    auto& src = *b->packed;
    if (b->out.done()) return;
    if (src.state() == detail::State::done) {
      try {
        if constexpr (std::is_void_v<R>) {
          b->out.set_result();
        } else {
          b->out.set_result(job_result<R>(*src.value));
        }
      } catch (...) {
        b->out.set_exception(std::current_exception());
      }
    } else if (src.cancelled()) {
      b->out.cancel();
    } else {
      b->out.set_exception(src.stored_error());
    }
  };
  packed->add_waiter(*bridge);
  // Cancelling the result cancels the job at once (skipped if no worker has taken it yet).
  detail::on_done_now(detail::access::base(out), [packed](detail::FutureBase& f) {
    if (f.cancelled()) packed->cancel();
  });
  return out;
}

template <class R, class... P, class... A>
  requires(Packable<R> && (Packable<P> && ...) && detail::args_fit_v<std::tuple<P...>, std::tuple<A...>>)
Coro<R> to_thread(R (*fn)(P...), A... args) {
  co_return co_await run_in_executor<R, P...>(nullptr, fn, std::move(args)...);
}

}  // namespace aio
