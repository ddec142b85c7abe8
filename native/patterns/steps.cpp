#include "steps.hpp"

#include <stdexcept>

namespace patterns {

std::string cpp_file_of(const Pattern& p) {
  std::string f(p.id);
  for (char& c : f)
    if (c == '-') c = '_';
  return f + ".cpp";
}

const LineMap& line_map(const Pattern& p) {
  const std::string cpp_file = cpp_file_of(p);
  for (const BuiltLineMap& b : built_line_maps()) {
    if (b.map.cpp_file != cpp_file) continue;
    if (!b.error.empty()) throw std::runtime_error(b.error);
    return b.map;
  }
  const std::string id(p.id);
  throw std::runtime_error("pattern " + id + ": its sources (" + cpp_file + ", " + id + ".py) are not built in");
}

StepsRun::StepsRun(const Pattern& p, const Params& params, const std::function<void(const std::string&)>& on_record)
    : map_(line_map(p)),
      on_record_(on_record),
      recorder_([this](aio::StepRecord& rec) { record(rec); }, "patterns/" + map_.cpp_file) {
  config_.clock = aio::ClockKind::virtual_time;
  config_.trace = &recorder_.trace();
  config_.on_start = [this](aio::EventLoop& loop) { recorder_.attach(loop); };
  run_.emplace(p, params, config_);
}

// On the suspending path, as PatternRun::run.
void StepsRun::run() {
  run_->run();
  recorder_.detach();
}

// The record ends with the iteration after the one in which the main task finished, as CPython's
// run_until_complete stops there; what aio::run does later (cancelling leftovers) is not recorded.
void StepsRun::record(aio::StepRecord& rec) {
  if (main_done_at_ && rec.iteration > main_done_at_ + 1) return;
  if (!main_done_at_ && !rec.tasks.empty() &&
      (rec.tasks[0].state == "done" || rec.tasks[0].state == "failed" || rec.tasks[0].state == "cancelled"))
    main_done_at_ = rec.iteration;
  for (auto& t : rec.tasks) {
    if (t.cpp_line) {
      auto it = map_.await_lines.find(*t.cpp_line);
      if (it != map_.await_lines.end()) t.py_line = it->second;
    } else if (!t.function.empty()) {
      auto it = map_.defs.find(t.function);
      if (it != map_.defs.end()) {
        t.cpp_line = it->second.cpp_line;
        t.py_line = it->second.py_line;
      }
    }
  }
  on_record_(rec.to_json());
}

RunResult run_steps(const Pattern& p, const Params& params, const std::function<void(const std::string&)>& on_record) {
  StepsRun run(p, params, on_record);
  run.run();
  return std::move(run.result());
}

std::vector<std::string> run_steps(const Pattern& p, const Params& params) {
  std::vector<std::string> out;
  run_steps(p, params, [&](const std::string& line) { out.push_back(line); });
  return out;
}

}  // namespace patterns
