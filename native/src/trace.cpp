#include "aio/trace.hpp"

#include "aio/detail/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace aio {

const char* to_string(TaskState s) noexcept {
  switch (s) {
    case TaskState::created: return "created";
    case TaskState::running: return "running";
    case TaskState::sleeping: return "sleeping";
    case TaskState::waiting: return "waiting";
    case TaskState::done: return "done";
    case TaskState::cancelled: return "cancelled";
    case TaskState::failed: return "failed";
  }
  return "?";
}

const char* to_string(JobState s) noexcept {
  switch (s) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
  }
  return "?";
}

void Trace::record(TraceEvent e) {
  if (listener) listener(e);
  if (keep) events_.push_back(std::move(e));
}

std::string json_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  // Small whole numbers (times of 0 and 2, ids, counts), by far the most common, without formatting a
  // double: below 10^5 the shortest form is the integer's digits either way, and -0 keeps its sign below.
  if (std::fabs(v) < 1e5 && v == std::trunc(v) && !(v == 0 && std::signbit(v))) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int>(v));
    return std::string(buf, r.ptr);
  }
#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 14000
  // libc++ before 14 (Emscripten 3.1.6) has no floating-point to_chars: the fewest digits that round-trip
  // (%g drops trailing zeros, so 15 digits gives the shortest form whenever 15 or fewer round-trip).
  for (int prec = std::fabs(v) < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (prec == 17 || std::strtod(buf, nullptr) == v) break;
  }
  return std::string(buf);
#else
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
#endif
}

std::string Trace::to_json(const TraceEvent& e) {
  detail::JsonWriter w;
  w.begin_object();
  const auto id = static_cast<std::int64_t>(e.id);
  const auto parent = static_cast<std::int64_t>(e.parent);
  switch (e.kind) {
    case TraceEvent::Kind::task:
      w.field("kind", "task").field("t", e.t).key("id").integer(id);
      w.field("state", to_string(static_cast<TaskState>(e.state)));
      if (e.state == static_cast<std::uint8_t>(TaskState::created)) {
        w.field("name", e.text);
        if (e.parent) w.key("parent").integer(parent);
      } else if (!e.text.empty()) {
        w.field("detail", e.text);
      }
      break;
    case TraceEvent::Kind::job:
      w.field("kind", "job").field("t", e.t).key("id").integer(id);
      w.field("state", to_string(static_cast<JobState>(e.state)));
      if (e.state == static_cast<std::uint8_t>(JobState::queued)) {
        w.field("name", e.text);
        if (e.parent) w.key("task").integer(parent);
      } else if (!e.text.empty()) {
        w.field("detail", e.text);
      }
      if (e.worker >= 0) w.key("worker").integer(e.worker);
      break;
    case TraceEvent::Kind::line:
      w.field("kind", "line").field("t", e.t).field("text", e.text);
      if (e.id) w.key("task").integer(id);
      break;
  }
  w.end_object();
  return w.str();
}

std::string Trace::to_json() const {
  detail::JsonWriter w;
  w.begin_array();
  for (const auto& e : events_) w.raw(to_json(e));
  w.end_array();
  return w.str();
}

// Tasks are threads of process 1, workers threads of process 2; each state is a complete ("X") slice.
std::string Trace::to_chrome_json() const {
  detail::JsonWriter w;
  w.begin_object().field("displayTimeUnit", "ms").key("traceEvents").begin_array();
  auto us = [](double t) { return std::round(t * 1e9) / 1e3; };
  // An event of phase `ph` on a thread (tid) of process `pid`; the caller adds its fields and closes it.
  auto event = [&](std::string_view name, const char* ph, int pid, std::uint64_t tid) -> detail::JsonWriter& {
    return w.begin_object().field("name", name).field("ph", ph).key("pid").integer(pid).key("tid").integer(
        static_cast<std::int64_t>(tid));
  };
  auto name_of = [&](int pid, std::uint64_t tid, const char* meta, std::string_view name) {
    event(meta, "M", pid, tid).key("args").begin_object().field("name", name).end_object().end_object();
  };
  name_of(1, 0, "process_name", "tasks");
  name_of(2, 0, "process_name", "executor workers");
  struct Open {
    double t;
    std::string state;
  };
  std::map<std::uint64_t, Open> task_open;
  std::map<std::uint64_t, std::pair<double, int>> job_open;
  std::map<std::uint64_t, std::string> job_name;
  auto slice = [&](int pid, std::uint64_t tid, std::string_view name, double t0, double t1) {
    event(name, "X", pid, tid).field("ts", us(t0)).field("dur", us(t1 - t0)).end_object();
  };
  for (const auto& e : events_) {
    if (e.kind == TraceEvent::Kind::task) {
      auto st = static_cast<TaskState>(e.state);
      auto it = task_open.find(e.id);
      if (it != task_open.end()) {
        slice(1, e.id, it->second.state, it->second.t, e.t);
        task_open.erase(it);
      }
      if (st == TaskState::created) name_of(1, e.id, "thread_name", e.text);
      if (st == TaskState::done || st == TaskState::cancelled || st == TaskState::failed) {
        event(to_string(st), "i", 1, e.id).field("s", "t").field("ts", us(e.t));
        if (!e.text.empty()) w.key("args").begin_object().field("error", e.text).end_object();
        w.end_object();
      } else {
        task_open[e.id] = Open{e.t, st == TaskState::created ? "ready" : to_string(st)};
      }
    } else if (e.kind == TraceEvent::Kind::job) {
      auto st = static_cast<JobState>(e.state);
      if (st == JobState::queued) job_name[e.id] = e.text;
      if (st == JobState::running) job_open[e.id] = {e.t, e.worker};
      if (st == JobState::done || st == JobState::failed) {
        auto it = job_open.find(e.id);
        if (it != job_open.end()) {
          slice(2, static_cast<std::uint64_t>(it->second.second) + 1, job_name[e.id], it->second.first, e.t);
          job_open.erase(it);
        }
      }
    } else {
      event(e.text, "i", 1, e.id).field("s", "p").field("ts", us(e.t)).end_object();
    }
  }
  w.end_array().end_object();
  return w.str();
}

}  // namespace aio
