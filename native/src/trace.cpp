#include "aio/trace.hpp"

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
  std::string o = "{\"kind\":";
  switch (e.kind) {
    case TraceEvent::Kind::task:
      o += "\"task\",\"t\":" + json_number(e.t) + ",\"id\":" + std::to_string(e.id) + ",\"state\":\"" +
           to_string(static_cast<TaskState>(e.state)) + "\"";
      if (e.state == static_cast<std::uint8_t>(TaskState::created)) {
        o += ",\"name\":" + json_quote(e.text);
        if (e.parent) o += ",\"parent\":" + std::to_string(e.parent);
      } else if (!e.text.empty()) {
        o += ",\"detail\":" + json_quote(e.text);
      }
      break;
    case TraceEvent::Kind::job:
      o += "\"job\",\"t\":" + json_number(e.t) + ",\"id\":" + std::to_string(e.id) + ",\"state\":\"" +
           to_string(static_cast<JobState>(e.state)) + "\"";
      if (e.state == static_cast<std::uint8_t>(JobState::queued)) {
        o += ",\"name\":" + json_quote(e.text);
        if (e.parent) o += ",\"task\":" + std::to_string(e.parent);
      } else if (!e.text.empty()) {
        o += ",\"detail\":" + json_quote(e.text);
      }
      if (e.worker >= 0) o += ",\"worker\":" + std::to_string(e.worker);
      break;
    case TraceEvent::Kind::line:
      o += "\"line\",\"t\":" + json_number(e.t) + ",\"text\":" + json_quote(e.text);
      if (e.id) o += ",\"task\":" + std::to_string(e.id);
      break;
  }
  o += '}';
  return o;
}

std::string Trace::to_json() const {
  std::string o = "[";
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (i) o += ',';
    o += to_json(events_[i]);
  }
  o += ']';
  return o;
}

// Tasks are threads of process 1, workers threads of process 2; each state is a complete ("X") slice.
std::string Trace::to_chrome_json() const {
  std::string o = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
  bool first = true;
  auto emit = [&](const std::string& ev) {
    if (!first) o += ',';
    first = false;
    o += ev;
  };
  auto us = [](double t) { return json_number(std::round(t * 1e9) / 1e3); };
  emit(R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"tasks"}})");
  emit(R"({"name":"process_name","ph":"M","pid":2,"tid":0,"args":{"name":"executor workers"}})");
  struct Open {
    double t;
    std::string state;
  };
  std::map<std::uint64_t, Open> task_open;
  std::map<std::uint64_t, std::pair<double, int>> job_open;
  std::map<std::uint64_t, std::string> job_name;
  auto slice = [&](int pid, std::uint64_t tid, const std::string& name, double t0, double t1) {
    emit("{\"name\":" + json_quote(name) + ",\"ph\":\"X\",\"pid\":" + std::to_string(pid) + ",\"tid\":" +
         std::to_string(tid) + ",\"ts\":" + us(t0) + ",\"dur\":" + us(t1 - t0) + "}");
  };
  for (const auto& e : events_) {
    if (e.kind == TraceEvent::Kind::task) {
      auto st = static_cast<TaskState>(e.state);
      auto it = task_open.find(e.id);
      if (it != task_open.end()) {
        slice(1, e.id, it->second.state, it->second.t, e.t);
        task_open.erase(it);
      }
      if (st == TaskState::created) {
        emit("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(e.id) +
             ",\"args\":{\"name\":" + json_quote(e.text) + "}}");
      }
      if (st == TaskState::done || st == TaskState::cancelled || st == TaskState::failed) {
        emit("{\"name\":\"" + std::string(to_string(st)) + "\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":" +
             std::to_string(e.id) + ",\"ts\":" + us(e.t) +
             (e.text.empty() ? std::string() : ",\"args\":{\"error\":" + json_quote(e.text) + "}") + "}");
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
      emit("{\"name\":" + json_quote(e.text) + ",\"ph\":\"i\",\"s\":\"p\",\"pid\":1,\"tid\":" +
           std::to_string(e.id) + ",\"ts\":" + us(e.t) + "}");
    }
  }
  o += "]}";
  return o;
}

}  // namespace aio
