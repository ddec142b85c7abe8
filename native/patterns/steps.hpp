// A pattern's run, one loop iteration at a time: the step record of aio/steps.hpp with every task's
// Python line filled in. What `aio-patterns run <id> --steps` prints and the browser's Step mode shows.
//
// Line markers. A pattern's C++ file names, for each line where a task can be suspended, the line of
// the Python original that CPython's task is suspended at then, by its text:
//
//   aio::Coro<User> fetch_user(long user_id, Number delay) {  // py: async def fetch_user(user_id: int) -> dict:
//     co_await aio::sleep(delay);  // py: await asyncio.sleep(P["delay"])
//
//  - every line with a co_await carries `// py: <the Python line, stripped>`, the line CPython reports
//    for a task suspended there (for `async with` and multi-line calls, the line CPython's frame is at);
//    keep `co_await` and the start of its operand on one line;
//  - every coroutine function defined at namespace level carries `// py: async def ...`, its Python
//    def line: a task that has not started yet is at that line in CPython;
//  - `// py: -` says that a line has no Python counterpart (a C++ main that Python writes as two
//    asyncio.run calls);
//  - markers resolve in file order: each one is the first Python line with that text after the line
//    the previous marker resolved to, so repeated lines (three identical sleeps) map one by one.
// The build makes the map from the very files it compiles (lines/embed_line_maps.cpp) and the library
// keeps only the map, so it never drifts from the files; a marker that matches nothing throws from
// line_map(), and the tests check every pattern's map, that every co_await has a marker, and the Python
// lines against CPython's (_steps.py).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lines/line_map.hpp"
#include "registry.hpp"

namespace patterns {

// The C++ file of a pattern: its id with '-' as '_' ("create-task" -> "create_task.cpp").
std::string cpp_file_of(const Pattern& p);
// The pattern's map as the build made it. Throws std::runtime_error naming the file, line and marker
// that does not resolve, or saying that the pattern's files were not built in.
const LineMap& line_map(const Pattern& p);

// Runs the pattern on the virtual clock and calls on_record with each iteration's record, one JSON
// object (aio::StepRecord::to_json with py_line set). Returns the run's result (lines, error).
RunResult run_steps(const Pattern& p, const Params& params, const std::function<void(const std::string&)>& on_record);
// The same, collected: one JSON line per iteration in which anything ran.
std::vector<std::string> run_steps(const Pattern& p, const Params& params);

// run_steps in three steps, as PatternRun is run_pattern's (for the browser's exports): the
// constructor throws what run_steps throws before the run (line_map's errors); `p`, `params` and
// `on_record` must outlive it.
class StepsRun {
 public:
  StepsRun(const Pattern& p, const Params& params, const std::function<void(const std::string&)>& on_record);
  StepsRun(const StepsRun&) = delete;
  StepsRun& operator=(const StepsRun&) = delete;
  void run();
  RunResult& result() noexcept { return run_->result(); }

 private:
  void record(aio::StepRecord& rec);
  const LineMap& map_;
  const std::function<void(const std::string&)>& on_record_;
  std::uint64_t main_done_at_ = 0;
  aio::StepRecorder recorder_;
  RunConfig config_;
  std::optional<PatternRun> run_;
};

}  // namespace patterns
