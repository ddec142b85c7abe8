#include "thread_pool.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace aio {

namespace {

struct Item {
  Job job;
  std::function<void(JobOutcome)> done;
  std::function<void(int)> started;
};

// Shared with the threads, so that a thread left running after shutdown's grace period stays valid.
struct Shared {
  std::mutex mutex;
  std::condition_variable work;
  std::condition_variable idle;
  std::deque<Item> queue;
  int waiting = 0;  // threads waiting for a job
  int busy = 0;
  bool stopping = false;
};

void worker_main(std::shared_ptr<Shared> s, int index) {
  std::unique_lock<std::mutex> lock(s->mutex);
  for (;;) {
    ++s->waiting;
    s->work.wait(lock, [&] { return s->stopping || !s->queue.empty(); });
    --s->waiting;
    if (s->queue.empty()) return;  // stopping
    Item item = std::move(s->queue.front());
    s->queue.pop_front();
    ++s->busy;
    lock.unlock();
    if (item.started) item.started(index);
    item.done(run_job(item.job, index));
    lock.lock();
    --s->busy;
    s->idle.notify_all();
  }
}

class ThreadPool final : public WorkerPool {
 public:
  explicit ThreadPool(int max_workers) : max_(max_workers), s_(std::make_shared<Shared>()) {}
  ~ThreadPool() override { shutdown(0); }

  int max_workers() const override { return max_; }

  void submit(Job job, std::function<void(JobOutcome)> done, std::function<void(int)> started) override {
    std::unique_lock<std::mutex> lock(s_->mutex);
    if (s_->stopping) {
      lock.unlock();
      JobOutcome o;
      o.value = "cannot schedule new futures after shutdown";
      done(std::move(o));
      return;
    }
    s_->queue.push_back(Item{std::move(job), std::move(done), std::move(started)});
    // Like CPython's ThreadPoolExecutor: a new thread only when none is idle, up to max_workers.
    if (s_->waiting < static_cast<int>(s_->queue.size()) && static_cast<int>(threads_.size()) < max_) {
      int index = static_cast<int>(threads_.size());
      threads_.emplace_back(worker_main, s_, index);
    }
    lock.unlock();
    s_->work.notify_one();
  }

  void shutdown(double grace_seconds) override {
    std::deque<Item> dropped;
    {
      std::unique_lock<std::mutex> lock(s_->mutex);
      if (s_->stopping && threads_.empty()) return;
      s_->stopping = true;
      dropped.swap(s_->queue);
    }
    s_->work.notify_all();
    for (auto& item : dropped) {
      JobOutcome o;
      o.value = "the executor was shut down before this job started";
      item.done(std::move(o));
    }
    bool finished;
    {
      std::unique_lock<std::mutex> lock(s_->mutex);
      finished = s_->idle.wait_for(lock, std::chrono::duration<double>(std::max(grace_seconds, 0.0)),
                                   [&] { return s_->busy == 0; });
    }
    for (auto& t : threads_) {
      if (finished) t.join(); else t.detach();  // a job that never returns keeps only its own thread
    }
    threads_.clear();
  }

 private:
  int max_;
  std::shared_ptr<Shared> s_;
  std::vector<std::thread> threads_;
};

}  // namespace

std::unique_ptr<WorkerPool> make_thread_pool(int max_workers) { return std::make_unique<ThreadPool>(max_workers); }

}  // namespace aio
