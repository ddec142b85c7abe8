// Trace: the life of every task, executor job and printed line of one run, as data with loop times.
//
// The playground draws its timeline from these events and the CLI writes them with --trace; neither
// parses printed text. A task goes created -> (running -> sleeping | waiting)* -> done | cancelled |
// failed; a job goes queued -> running (on worker k) -> done | failed. Recording costs nothing when no
// Trace is attached to the run. to_chrome_json() gives Chrome trace-event JSON, which Perfetto opens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace aio {

enum class TaskState : std::uint8_t { created, running, sleeping, waiting, done, cancelled, failed };
enum class JobState : std::uint8_t { queued, running, done, failed };

struct TraceEvent {
  enum class Kind : std::uint8_t { task, job, line };
  Kind kind = Kind::task;
  std::uint8_t state = 0;  // a TaskState or a JobState
  double t = 0;            // loop time, seconds
  std::uint64_t id = 0;    // task or job id (a line: the task that printed it, 0 if none)
  std::uint64_t parent = 0;  // created: the creating task; job: the task that submitted it
  int worker = -1;           // job: the worker that ran it
  std::string text;          // created: the name; line: the text; failed: the error; job: the function
};

const char* to_string(TaskState s) noexcept;
const char* to_string(JobState s) noexcept;

class Trace {
 public:
  // Called for every event as it is recorded (the browser streams them to the page).
  std::function<void(const TraceEvent&)> listener;
  // When false, events go only to the listener.
  bool keep = true;

  void record(TraceEvent e);
  const std::vector<TraceEvent>& events() const noexcept { return events_; }
  void clear() noexcept { events_.clear(); }

  // One event as a JSON object: {"kind":"task","t":0.5,"id":2,"state":"sleeping",...}; the same
  // shape as the playground's TraceEvent type.
  static std::string to_json(const TraceEvent& e);
  // All events as a JSON array of to_json objects.
  std::string to_json() const;
  // Chrome trace-event format: a track per task and per worker, a slice per state.
  std::string to_chrome_json() const;

 private:
  std::vector<TraceEvent> events_;
};

// JSON string escaping, shared by every JSON writer of the project.
std::string json_quote(std::string_view s);
// A number as JSON prints it, shortest round-trip form.
std::string json_number(double v);

}  // namespace aio
