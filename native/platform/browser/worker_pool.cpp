// Executors on Web Workers. Each pool has max_workers slots; a slot gets a module Web Worker (its own
// instance of this very WebAssembly module) the first time a job needs it, and keeps it: one job at a
// time, in submission order, a new worker only when no started one is free (CPython's rule). A job
// travels as (invoke, fn, packed args, clock, time scale): function pointers are table indices, the
// same in every instance of the module, so the worker calls aio::run_job on exactly what the loop
// submitted (bindings.cpp: aio_worker_run_job). The worker posts back the packed result or the error
// message, the job's virtual seconds and its slot; aio_host.js queues that and ends the loop's idle
// wait, and deliver_events() hands it to the job's `done` (the executor's call_soon_threadsafe).
// A worker that dies (a trap, a failed load, terminate()) fails its job with a message saying so and
// is replaced by a new one on the next job; the loop never notices beyond that job.
#include <emscripten.h>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "browser.hpp"

// 1 when the page gave the module a way to start Web Workers (index.ts does; Node does not).
EM_JS(int, aio_js_can_spawn, (), { return AioHost.canSpawn() ? 1 : 0; });
EM_JS(void, aio_js_post_job,
      (int pool, int slot, int job, int invoke, int fn, const char* args, int len, int clock, double scale), {
        AioHost.postJob(pool, slot, job, invoke, fn, HEAPU8.slice(args, args + len), clock, scale);
      });
EM_JS(void, aio_js_close_pool, (int pool), { AioHost.closePool(pool); });
// The next queued worker report: fills out[0..5] = kind, pool, job, slot, ok, byte length, *vs = virtual
// seconds; returns the kind (0: none). aio_js_take_event then copies its bytes and drops it.
EM_JS(int, aio_js_next_event, (int* out, double* vs), {
  var e = AioHost.events[0];
  if (!e) return 0;
  var i = out >> 2;
  HEAP32[i] = e.kind;
  HEAP32[i + 1] = e.pool;
  HEAP32[i + 2] = e.job;
  HEAP32[i + 3] = e.slot;
  HEAP32[i + 4] = e.ok ? 1 : 0;
  HEAP32[i + 5] = e.bytes ? e.bytes.length : 0;
  HEAPF64[vs >> 3] = e.vs || 0;
  return e.kind;
});
EM_JS(void, aio_js_take_event, (char* dst), {
  var e = AioHost.events.shift();
  if (e && e.bytes && e.bytes.length) HEAPU8.set(e.bytes, dst);
});

namespace aio::browser {

namespace {

enum EventKind { kStarted = 1, kDone = 2, kDied = 3 };

struct Running {
  std::function<void(JobOutcome)> done;
  std::function<void(int)> started;
};

struct Queued {
  int id;
  Job job;
  std::function<void(JobOutcome)> done;
  std::function<void(int)> started;
};

class BrowserWorkerPool;
std::map<int, BrowserWorkerPool*> g_pools;
int g_next_pool = 0;
// Node: jobs run on the loop's thread from the idle wait, one at a time.
std::deque<std::function<void()>> g_inline;

JobOutcome failure(std::string message, int worker = -1) {
  JobOutcome o;
  o.value = std::move(message);
  o.worker = worker;
  return o;
}

class BrowserWorkerPool final : public WorkerPool {
 public:
  explicit BrowserWorkerPool(int max_workers)
      : id_(++g_next_pool),
        max_(max_workers > 0 ? max_workers : 1),
        inline_(aio_js_can_spawn() == 0),
        slot_job_(static_cast<std::size_t>(max_), -1) {
    g_pools[id_] = this;
  }
  ~BrowserWorkerPool() override { shutdown(0); }

  int max_workers() const override { return max_; }

  void submit(Job job, std::function<void(JobOutcome)> done, std::function<void(int)> started) override {
    if (stopping_) {
      done(failure("cannot schedule new futures after shutdown"));
      return;
    }
    queue_.push_back(Queued{++next_job_, std::move(job), std::move(done), std::move(started)});
    dispatch();
  }

  // The main thread cannot block, so nothing waits here: the workers still running a job are terminated
  // (a thread cannot be interrupted, a Web Worker can). Queued and running jobs are dropped without
  // calling their `done`: ThreadPoolExecutor::shutdown fails every job still out itself, and a `done`
  // posted now would reach the loop after its executor is gone (EventLoop::run_ready then sees an inbox
  // callback that schedules nothing and reports a stall).
  void shutdown(double) override {
    if (stopping_) return;
    stopping_ = true;
    g_pools.erase(id_);
    queue_.clear();
    running_.clear();
    if (!inline_) aio_js_close_pool(id_);
  }

  void on_event(int kind, int job, int slot, bool ok, std::string bytes, double virtual_seconds) {
    auto it = running_.find(job);
    if (it == running_.end()) return;
    if (kind == kStarted) {
      if (it->second.started) it->second.started(slot);
      return;
    }
    JobOutcome o;
    o.ok = kind == kDone && ok;
    o.value = std::move(bytes);
    o.virtual_seconds = virtual_seconds;
    o.worker = slot;
    auto done = std::move(it->second.done);
    running_.erase(it);
    if (slot >= 0 && slot < max_) slot_job_[static_cast<std::size_t>(slot)] = -1;
    done(std::move(o));
    dispatch();
  }

 private:
  // A free slot whose worker is started, else the first never-used slot, else -1.
  int free_slot() const {
    for (int s = 0; s < used_; ++s)
      if (slot_job_[static_cast<std::size_t>(s)] < 0) return s;
    return used_ < max_ ? used_ : -1;
  }

  void dispatch() {
    while (!queue_.empty() && !stopping_) {
      Queued& q = queue_.front();
      if (q.job.skip && q.job.skip->load()) {  // cancelled before a worker took it
        JobOutcome o;
        o.skipped = true;
        auto done = std::move(q.done);
        queue_.pop_front();
        done(std::move(o));
        continue;
      }
      int slot = free_slot();
      if (slot < 0) return;
      if (slot == used_) ++used_;
      slot_job_[static_cast<std::size_t>(slot)] = q.id;
      running_[q.id] = Running{std::move(q.done), std::move(q.started)};
      if (inline_) {
        g_inline.push_back([pool = id_, id = q.id, slot, job = std::move(q.job)] {
          auto p = g_pools.find(pool);
          if (p == g_pools.end()) return;  // shut down before its turn came
          p->second->on_event(kStarted, id, slot, true, {}, 0);
          JobOutcome o = run_job(job, slot);
          p = g_pools.find(pool);
          if (p != g_pools.end()) p->second->on_event(kDone, id, slot, o.ok, std::move(o.value), o.virtual_seconds);
        });
      } else {
        const Job& j = q.job;
        aio_js_post_job(id_, slot, q.id, static_cast<int>(reinterpret_cast<std::uintptr_t>(j.invoke)),
                        static_cast<int>(j.fn), j.args.data(), static_cast<int>(j.args.size()),
                        static_cast<int>(j.clock), j.time_scale);  // bindings.cpp casts it back
      }
      queue_.pop_front();
    }
  }

  int id_;
  int max_;
  bool inline_;
  bool stopping_ = false;
  int used_ = 0;  // slots that have had a worker
  int next_job_ = 0;
  std::vector<int> slot_job_;  // the job each slot runs, -1 when free
  std::deque<Queued> queue_;
  std::map<int, Running> running_;
};

}  // namespace

void deliver_events() {
  std::int32_t head[6];
  double vs = 0;
  while (int kind = aio_js_next_event(head, &vs)) {
    std::string bytes(static_cast<std::size_t>(head[5]), '\0');
    aio_js_take_event(bytes.data());
    auto p = g_pools.find(head[1]);
    if (p == g_pools.end()) continue;  // the pool was shut down meanwhile
    p->second->on_event(kind, head[2], head[3], head[4] != 0, std::move(bytes), vs);
  }
}

bool run_inline_job() {
  if (g_inline.empty()) return false;
  auto fn = std::move(g_inline.front());
  g_inline.pop_front();
  fn();
  return true;
}

std::unique_ptr<WorkerPool> make_worker_pool(int max_workers) { return std::make_unique<BrowserWorkerPool>(max_workers); }

}  // namespace aio::browser
