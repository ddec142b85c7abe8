#include "aio/executor.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "aio/trace.hpp"

namespace aio {

namespace {

// What blocking_sleep() reads: the job running on this thread or worker.
struct JobContext {
  ClockKind clock;
  double time_scale;
  double virtual_seconds;
};
thread_local JobContext* t_job = nullptr;

std::mutex g_names_mutex;
std::map<std::uintptr_t, std::string>& job_names() {
  static std::map<std::uintptr_t, std::string> names;
  return names;
}

void record_job(EventLoop& loop, std::uint64_t id, JobState state, int worker, std::string text,
                std::uint64_t task = 0) {
  Trace* tr = loop.trace();
  if (!tr) return;
  TraceEvent e;
  e.kind = TraceEvent::Kind::job;
  e.state = static_cast<std::uint8_t>(state);
  e.t = loop.time();
  e.id = id;
  e.worker = worker;
  e.parent = task;
  e.text = std::move(text);
  tr->record(std::move(e));
}

}  // namespace

void blocking_sleep(double seconds) {
  if (!(seconds > 0)) return;
  if (t_job && t_job->clock == ClockKind::virtual_time) {
    t_job->virtual_seconds += seconds;
    return;
  }
  host_blocking_sleep(seconds * (t_job ? t_job->time_scale : 1.0));
}

JobOutcome run_job(const Job& job, int worker) {
  JobOutcome o;
  o.worker = worker;
  if (job.skip && job.skip->load()) {
    o.skipped = true;
    return o;
  }
  JobContext ctx{job.clock, job.time_scale, 0};
  t_job = &ctx;
  try {
    o.value = job.invoke(job.fn, job.args);
    o.ok = true;
  } catch (const std::exception& e) {
    o.value = e.what();
    o.error = std::current_exception();
  } catch (...) {
    o.value = "unknown exception";
    o.error = std::current_exception();
  }
  t_job = nullptr;
  o.virtual_seconds = ctx.virtual_seconds;
  return o;
}

void register_job_name(const void* fn, std::string name) {
  std::lock_guard<std::mutex> lock(g_names_mutex);
  job_names()[reinterpret_cast<std::uintptr_t>(fn)] = std::move(name);
}

std::string detail::job_name_of(std::uintptr_t fn) {
  std::lock_guard<std::mutex> lock(g_names_mutex);
  auto it = job_names().find(fn);
  return it != job_names().end() ? it->second : "job";
}

// Worker callbacks reach the executor through this: after shutdown they find no loop and do nothing.
struct ThreadPoolExecutor::Link {
  std::mutex mutex;
  EventLoop* loop = nullptr;
  ThreadPoolExecutor* executor = nullptr;  // read on the loop's thread only
};

// What a worker's callback may touch: the outcome it delivers (under the link's mutex). The job record
// itself stays on the loop's thread (its future's reference count is not atomic): a worker holds it
// only weakly, so the record can never be destroyed there.
struct Mailbox {
  std::optional<JobOutcome> arrived;
};

struct ThreadPoolExecutor::Pending {
  std::uint64_t id = 0;
  std::int64_t submitted_ns = 0;
  detail::Ref<detail::FutureState<std::string>> result;
  std::shared_ptr<std::atomic<bool>> skip;
  std::shared_ptr<Mailbox> box = std::make_shared<Mailbox>();
  std::optional<JobOutcome> outcome;  // taken over on the loop's thread
};

ThreadPoolExecutor::ThreadPoolExecutor(int max_workers)
    : max_workers_(max_workers > 0 ? max_workers
                                   : static_cast<int>(std::min(32u, std::thread::hardware_concurrency() + 4))),
      link_(std::make_shared<Link>()) {}

ThreadPoolExecutor::~ThreadPoolExecutor() { shutdown(true); }

void ThreadPoolExecutor::submit(Job job, detail::Ref<detail::FutureState<std::string>> result) {
  if (shut_down_) throw std::runtime_error("cannot schedule new futures after shutdown");
  EventLoop& loop = EventLoop::current();
  if (!pool_) {
    loop_ = &loop;
    pool_ = loop.platform().make_pool(max_workers_);
    free_at_.assign(static_cast<std::size_t>(max_workers_), 0);
    std::lock_guard<std::mutex> lock(link_->mutex);
    link_->loop = &loop;
    link_->executor = this;
  } else if (loop_ != &loop) {
    throw std::logic_error("aio: an executor serves the loop that first used it");
  }
  auto p = std::make_shared<Pending>();
  p->id = ++next_job_;
  p->submitted_ns = loop.now_ns();
  p->result = std::move(result);
  p->skip = std::make_shared<std::atomic<bool>>(false);
  job.skip = p->skip;
  detail::on_done_now(*p->result, [skip = p->skip](detail::FutureBase& f) {
    if (f.cancelled()) skip->store(true);
  });
  auto* task = detail::current_task_base();
  record_job(loop, p->id, JobState::queued, -1, job.name, task ? task->id() : 0);
  loop.hold_external();
  const bool virtual_time = loop.platform().clock() == ClockKind::virtual_time;
  unsettled_.push_back(p);
  auto link = link_;
  std::weak_ptr<Pending> weak = p;
  const std::uint64_t id = p->id;
  pool_->submit(
      std::move(job),
      [link, box = p->box, weak](JobOutcome o) {
        std::lock_guard<std::mutex> lock(link->mutex);
        if (!link->loop) return;
        box->arrived = std::move(o);
        link->loop->call_soon_threadsafe([link, weak] {
          auto p = weak.lock();
          if (p && link->executor && p->box->arrived) link->executor->finish(p);
        });
      },
      [link, id, virtual_time](int worker) {
        if (virtual_time) return;  // on the virtual clock the worker's start is computed, not seen
        std::lock_guard<std::mutex> lock(link->mutex);
        if (!link->loop) return;
        EventLoop* loop = link->loop;
        loop->call_soon_threadsafe([loop, id, worker] { record_job(*loop, id, JobState::running, worker, {}); });
      });
}

void ThreadPoolExecutor::finish(const std::shared_ptr<Pending>& p) {
  if (p->outcome) return;  // already taken (shutdown drained it)
  p->outcome = std::move(p->box->arrived);
  p->box->arrived.reset();
  if (loop_->platform().clock() == ClockKind::virtual_time) {
    settle_virtual();
    return;
  }
  unsettled_.erase(std::find(unsettled_.begin(), unsettled_.end(), p));
  loop_->release_external();
  complete(*loop_, *p);
}

// Virtual clock: a job's result arrives at (start + its virtual duration), start being when the worker
// that takes it is free; jobs take workers in submission order, as a real pool's queue would.
void ThreadPoolExecutor::settle_virtual() {
  while (!unsettled_.empty() && unsettled_.front()->outcome) {
    std::shared_ptr<Pending> p = std::move(unsettled_.front());
    unsettled_.pop_front();
    loop_->release_external();
    if (p->outcome->skipped) {
      complete(*loop_, *p);
      continue;
    }
    auto w = static_cast<std::size_t>(std::min_element(free_at_.begin(), free_at_.end()) - free_at_.begin());
    std::int64_t start = std::max(p->submitted_ns, free_at_[w]);
    std::int64_t end = start + static_cast<std::int64_t>(p->outcome->virtual_seconds * 1e9 + 0.5);
    free_at_[w] = end;
    p->outcome->worker = static_cast<int>(w);
    EventLoop* loop = loop_;
    loop->call_at(start, [loop, p, w] { record_job(*loop, p->id, JobState::running, static_cast<int>(w), {}); });
    loop->call_at(end, [loop, p] { complete(*loop, *p); });
  }
}

void ThreadPoolExecutor::complete(EventLoop& loop, Pending& p) {
  JobOutcome& o = *p.outcome;
  if (o.skipped) {
    record_job(loop, p.id, JobState::failed, -1, "cancelled before it started");
    return;
  }
  record_job(loop, p.id, o.ok ? JobState::done : JobState::failed, o.worker, o.ok ? std::string() : o.value);
  auto& f = *p.result;
  if (f.done()) return;  // cancelled meanwhile: the result is dropped
  if (o.ok) {
    f.set(std::move(o.value));
  } else {
    f.set_exception(o.error ? o.error : std::make_exception_ptr(std::runtime_error(o.value)));
  }
}

void ThreadPoolExecutor::shutdown(bool wait, double grace_seconds) {
  if (shut_down_) return;
  shut_down_ = true;
  if (!pool_) return;
  pool_->shutdown(wait ? grace_seconds : 0);
  {
    std::lock_guard<std::mutex> lock(link_->mutex);
    link_->loop = nullptr;
    link_->executor = nullptr;
  }
  // Jobs that finished during the wait deliver their results; those still out fail.
  std::deque<std::shared_ptr<Pending>> left;
  left.swap(unsettled_);
  for (auto& p : left) {
    if (!p->outcome && p->box->arrived) {
      p->outcome = std::move(p->box->arrived);
      p->box->arrived.reset();
    }
    if (p->outcome) {
      unsettled_.push_back(p);
      continue;
    }
    loop_->release_external();
    if (!p->result->done())
      p->result->set_exception(std::make_exception_ptr(std::runtime_error("executor shut down before the job finished")));
  }
  // Shutting down: their results are delivered now, not at a virtual time the loop may never reach.
  for (auto& p : unsettled_) {
    loop_->release_external();
    complete(*loop_, *p);
  }
  unsettled_.clear();
}

ThreadPoolExecutor& detail::default_executor(EventLoop& loop) {
  if (!loop.default_executor_) loop.default_executor_ = std::make_unique<ThreadPoolExecutor>(0);
  return *loop.default_executor_;
}

void shutdown_default_executor(EventLoop& loop) {
  if (loop.default_executor_) loop.default_executor_->shutdown(true);
}

}  // namespace aio
