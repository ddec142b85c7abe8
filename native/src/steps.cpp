#include "aio/steps.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "aio/coro.hpp"
#include "aio/detail/json_writer.hpp"
#include "aio/gather.hpp"
#include "aio/loop.hpp"
#include "aio/print.hpp"

namespace aio {

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// What the recorder keeps of a task; `task` is null once it finished (its frame may be gone).
struct TaskInfo {
  std::uint64_t id = 0;
  std::string name;
  TaskState state = TaskState::created;
  detail::TaskBase* task = nullptr;
  std::optional<int> line;                  // innermost co_await in the source file
  detail::FutureBase* awaited = nullptr;    // what the last co_await awaited, if a future
  std::string function;                     // the coroutine function (source file only)
  detail::StepRepr repr = nullptr;
  std::optional<std::string> result;
};

struct JobInfo {
  std::uint64_t id = 0;
  std::string name;
  JobState state = JobState::queued;
};

struct FrameNote {
  std::string function;
  detail::StepRepr repr = nullptr;
};

}  // namespace

struct StepRecorder::Impl {
  Sink sink;
  std::string source_file;
  EventLoop* loop = nullptr;
  std::uint64_t iteration = 0;
  StepRecord current;
  std::vector<TaskInfo> tasks;
  std::unordered_map<std::uint64_t, std::size_t> index;  // task id -> tasks
  std::unordered_map<const detail::TaskBase*, FrameNote> frames;
  std::vector<JobInfo> jobs;

  bool counts(const char* file) const {
    return source_file.empty() || ends_with(file, source_file);
  }
  TaskInfo* info(std::uint64_t id) {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &tasks[it->second];
  }
  TaskInfo* info(const detail::TaskBase* t) {
    auto it = index.find(t->id());
    return it != index.end() && tasks[it->second].task == t ? &tasks[it->second] : nullptr;
  }
  std::string label(detail::Runnable& r) {
    if (auto* t = dynamic_cast<detail::TaskBase*>(&r); t && t->is_task()) return t->name();
    if (dynamic_cast<detail::GatherBase*>(&r)) return "gather: child done";
    return "callback";
  }
  bool is_task(detail::Runnable& r) {
    auto* t = dynamic_cast<detail::TaskBase*>(&r);
    return t && t->is_task();
  }
};

StepRecorder::StepRecorder(Sink on_step, std::string source_file) : impl_(std::make_unique<Impl>()) {
  impl_->sink = std::move(on_step);
  impl_->source_file = std::move(source_file);
  trace_.keep = false;
  trace_.listener = [this](const TraceEvent& e) { on_event(e); };
}

StepRecorder::~StepRecorder() { detach(); }

void StepRecorder::attach(EventLoop& loop) {
  if (detail::t_steps && detail::t_steps != this)
    throw std::logic_error("aio: a step recorder already records this thread's loop");
  if (loop.trace() != &trace_)
    throw std::logic_error("aio: a step recorder needs its trace() to be the run's trace");
  impl_->loop = &loop;
  detail::t_steps = this;
}

void StepRecorder::detach() noexcept {
  if (detail::t_steps == this) detail::t_steps = nullptr;
  impl_->loop = nullptr;
}

void StepRecorder::on_event(const TraceEvent& e) {
  Impl& m = *impl_;
  switch (e.kind) {
    case TraceEvent::Kind::task:
      if (TaskInfo* t = m.info(e.id)) t->state = static_cast<TaskState>(e.state);
      break;
    case TraceEvent::Kind::job: {
      auto st = static_cast<JobState>(e.state);
      // Each executor numbers its own jobs: an event is for the latest job of that number.
      if (st == JobState::queued) {
        m.jobs.push_back({e.id, e.text, st});
      } else {
        for (auto j = m.jobs.rbegin(); j != m.jobs.rend(); ++j)
          if (j->id == e.id) {
            j->state = st;
            break;
          }
      }
      break;
    }
    case TraceEvent::Kind::line:
      m.current.printed.push_back(e.text);
      break;
  }
}

void StepRecorder::begin_iteration() {
  Impl& m = *impl_;
  ++m.iteration;
  m.current.ran.clear();
  m.current.callbacks.clear();
  // Lines printed between iterations (none from tasks) are kept for the next record.
}

void StepRecorder::before_run(detail::Runnable& r) {
  Impl& m = *impl_;
  if (m.is_task(r)) m.current.ran.push_back(m.label(r));
  else m.current.callbacks.push_back(m.label(r));
}

void StepRecorder::before_fire(detail::Runnable& target) {
  Impl& m = *impl_;
  if (m.is_task(target)) m.current.callbacks.push_back("timer fired for " + m.label(target));
  else m.current.callbacks.push_back("timer callback");
}

void StepRecorder::end_iteration() {
  Impl& m = *impl_;
  StepRecord& rec = m.current;
  if (rec.ran.empty() && rec.callbacks.empty()) return;
  EventLoop& loop = *m.loop;
  rec.iteration = m.iteration;
  rec.time = loop.time();

  rec.ready.clear();
  std::unordered_set<const detail::TaskBase*> ready_tasks;  // a set: a loop of many tasks has them all ready at once
  for (auto* r = loop.head_; r; r = r->next_ready) {
    rec.ready.push_back(m.label(*r));
    if (m.is_task(*r)) ready_tasks.insert(static_cast<detail::TaskBase*>(r));
  }

  std::vector<detail::TimerEntry> live;
  loop.timers_.for_each([&](const detail::TimerEntry& e) {
    if (e.target->timer_live(e.seq)) live.push_back(e);
  });
  std::sort(live.begin(), live.end(), [](const detail::TimerEntry& a, const detail::TimerEntry& b) {
    return a.when != b.when ? a.when < b.when : a.seq < b.seq;
  });
  rec.timers.clear();
  std::unordered_map<const detail::Runnable*, double> until;
  for (const auto& e : live) {
    const double at = static_cast<double>(e.when) / 1e9;
    std::string task;
    if (m.is_task(*e.target)) {
      task = m.label(*e.target);
      until.emplace(e.target, at);
    }
    rec.timers.push_back({std::move(task), at});
  }

  rec.tasks.clear();
  for (const TaskInfo& t : m.tasks) {
    StepTask s;
    s.name = t.name;
    const bool finished = t.state == TaskState::done || t.state == TaskState::cancelled || t.state == TaskState::failed;
    if (finished) {
      s.state = to_string(t.state);
      s.result = t.result;
    } else {
      const bool queued = ready_tasks.count(t.task) != 0;
      if (queued) s.state = "ready";
      else if (t.state == TaskState::created) s.state = "pending";
      else s.state = to_string(t.state);
      if (t.state == TaskState::created) {
        s.function = t.function;
      } else {
        s.cpp_line = t.line;
      }
      if (!queued && t.state == TaskState::sleeping) {
        auto it = until.find(t.task);
        if (it != until.end()) s.until = it->second;
      }
      if (!queued && t.state == TaskState::waiting && t.awaited) {
        auto* f = t.awaited;
        if (auto* other = dynamic_cast<detail::TaskBase*>(f); other && other->is_task()) s.awaiting = other->name();
        else if (dynamic_cast<detail::GatherBase*>(f)) s.awaiting = "gather";
        else s.awaiting = "future";
      }
    }
    rec.tasks.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < m.jobs.size(); ++i) {
    const JobInfo& j = m.jobs[i];
    StepTask s;
    s.name = j.name + " (job " + std::to_string(i + 1) + ")";
    s.state = j.state == JobState::queued ? "pending" : to_string(j.state);
    rec.tasks.push_back(std::move(s));
  }
  if (m.sink) m.sink(rec);
  rec.printed.clear();
}

namespace detail {

void step_note_await(StepRecorder& r, const char* file, unsigned line, FutureBase* awaited) noexcept {
  StepRecorder::Impl& m = *r.impl();
  TaskBase* t = t_current_task;
  if (!t) return;
  TaskInfo* info = m.info(t);
  if (!info) return;
  info->awaited = awaited;
  if (m.counts(file)) info->line = static_cast<int>(line);
}

void step_note_frame(StepRecorder& r, TaskBase& frame, const char* file, const char* function, StepRepr repr) noexcept {
  StepRecorder::Impl& m = *r.impl();
  try {
    m.frames[&frame] = FrameNote{m.counts(file) ? std::string(function) : std::string(), repr};
  } catch (...) {
  }
}

void step_task_created(StepRecorder& r, TaskBase& task) noexcept {
  StepRecorder::Impl& m = *r.impl();
  try {
    TaskInfo info;
    info.id = task.id();
    info.name = task.name();
    info.task = &task;
    auto it = m.frames.find(&task);
    if (it != m.frames.end()) {
      info.function = std::move(it->second.function);
      info.repr = it->second.repr;
      m.frames.erase(it);
    }
    m.index[info.id] = m.tasks.size();
    m.tasks.push_back(std::move(info));
  } catch (...) {
  }
}

void step_task_finished(StepRecorder& r, TaskBase& task) noexcept {
  StepRecorder::Impl& m = *r.impl();
  TaskInfo* info = m.info(&task);
  if (!info) return;
  try {
    if (info->state == TaskState::done) {
      if (info->repr) {
        std::string v = info->repr(task);
        if (!v.empty()) info->result = std::move(v);
      }
    } else if (info->state == TaskState::failed && task.stored_error()) {
      info->result = describe(task.stored_error());
    }
  } catch (...) {
  }
  info->task = nullptr;
  info->awaited = nullptr;
  info->line.reset();
}

std::string step_repr_double(double v) { return py_str(v); }

}  // namespace detail

std::string StepRecord::to_json() const {
  detail::JsonWriter w;
  auto strings = [&](std::string_view key, const std::vector<std::string>& v) {
    w.key(key).begin_array();
    for (const auto& x : v) w.string(x);
    w.end_array();
  };
  w.begin_object();
  w.key("iteration").integer(static_cast<std::int64_t>(iteration));
  w.field("time", time);
  strings("ran", ran);
  strings("callbacks", callbacks);
  strings("printed", printed);
  strings("ready", ready);
  w.key("timers").begin_array();
  for (const auto& t : timers) {
    w.begin_object().key("task");
    if (t.task.empty()) w.null(); else w.string(t.task);
    w.field("at", t.at).end_object();
  }
  w.end_array().key("tasks").begin_array();
  for (const auto& t : tasks) {
    w.begin_object().field("name", t.name).field("state", t.state);
    w.key("cpp_line");
    if (t.cpp_line) w.integer(*t.cpp_line); else w.null();
    w.key("py_line");
    if (t.py_line) w.integer(*t.py_line); else w.null();
    w.key("awaiting");
    if (t.awaiting.empty()) w.null(); else w.string(t.awaiting);
    w.key("until");
    if (t.until) w.number(*t.until); else w.null();
    w.key("result");
    if (t.result) w.string(*t.result); else w.null();
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

}  // namespace aio
