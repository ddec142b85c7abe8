// The pattern registry: the seed's asyncio patterns as data for the UI and code for the loop.
//
// Each pattern (one file each, beside this one) has an id, a title, a summary, its parameters with
// defaults and ranges, its ideal time (the critical path of its sleeps) and its main coroutine. The CLI
// and the browser bindings list them, validate parameters against them and run them through run_pattern,
// which returns the one result shape of the project (also what `aio-patterns run --json` prints).
//
// A new pattern: <id with '_'>.cpp here, python/<id>.py beside it, and `// py: ...` line markers on
// every co_await and coroutine definition of the C++ file, naming the Python line (the convention is
// at the top of steps.hpp; the tests check that every marker resolves and that the step record's
// Python lines are CPython's).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <aio/aio.hpp>

namespace patterns {

// A parameter value as a Python port of the pattern would hold it: an int stays an int ("2" prints as
// 2), anything else is a float ("2.0" prints as 2.0).
struct Number {
  double value = 0;
  bool is_int = false;
  std::string str() const;  // Python's str()
  operator double() const noexcept { return value; }
  Number times(long k) const noexcept { return {value * static_cast<double>(k), is_int}; }
};

// What a parameter holds. The JSON of the registry names them as the page's ParamType does.
enum class ParamType { number, integer, list, choice };
const char* to_string(ParamType t) noexcept;

// One parameter of a pattern, written with designated initialisers in each pattern's file:
//   {.key = "users", .label = "Users", .type = ParamType::integer, .default_value = "5",
//    .min = 0, .max = 100000, .help = "How many users to fetch."}
// Its texts are views of string literals (as are a Pattern's, and its functions are plain pointers): the
// registry then starts up by copying constants, where strings and std::functions made at start-up were
// 42 KB of the page module's code.
struct ParamSpec {
  std::string_view key;
  std::string_view label;
  ParamType type = ParamType::number;  // a list is comma-separated numbers, each in [min, max]
  std::string_view default_value;
  double min = 0;
  double max = 0;
  int max_items = 0;  // lists
  std::vector<std::string_view> choices;
  bool optional = false;  // accepts "none"
  std::string_view help;
};

// Bad input: the message names the parameter and what is allowed.
class ParamError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Validated parameter values of one pattern (every key present, defaults filled in).
class Params {
 public:
  Number number(const std::string& key) const;
  std::optional<Number> optional_number(const std::string& key) const;  // nullopt for "none"
  std::vector<Number> list(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  const std::map<std::string, std::string>& values() const noexcept { return values_; }

 private:
  friend Params parse_params(const struct Pattern&, const std::vector<std::pair<std::string, std::string>>&);
  std::map<std::string, std::string> values_;
};

struct Pattern {
  std::string_view id;
  std::string_view title;
  std::string_view summary;
  std::string_view group;  // the heading the page lists the pattern under: one of the k*Group names below
  std::vector<ParamSpec> params;
  double (*ideal)(const Params&) = nullptr;
  aio::Coro<> (*main)(const Params&) = nullptr;
};

// Seconds as the virtual clock counts them: each sleep is a whole number of nanoseconds
// (aio::to_loop_ns), and the loop's time() divides its count by 1e9. An ideal added up from these
// equals the virtual run's elapsed time exactly, where a sum of the doubles may miss it by an ulp.
inline std::int64_t loop_ns(double seconds) { return aio::to_loop_ns(seconds); }
inline double loop_seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

// The groups the page lists patterns under.
inline constexpr const char* kSeedGroup = "The seed's eight";
inline constexpr const char* kMoreGroup = "More of asyncio";

const std::vector<const Pattern*>& all_patterns();
// nullptr for an unknown id.
const Pattern* find_pattern(std::string_view id);
// Throws ParamError naming the pattern's ids.
const Pattern& pattern_or_throw(std::string_view id);

// The limits every entry point applies — the CLI, the browser bindings and the page (which reads them
// from limits_json()) — stated once, here.
inline constexpr double kMinTimeScale = 0.001;  // time scale: every delay is multiplied by it
inline constexpr double kMaxTimeScale = 100;
inline constexpr std::size_t kMaxValueLength = 200;  // characters of one parameter value
inline constexpr std::size_t kQuoteLength = 40;      // characters of bad input quoted back in a message

// Bad input as a message quotes it: at most kQuoteLength characters (then "..."), control characters
// shown as '?', in single quotes.
std::string quoted(std::string_view value);

// The time scale as given, or ParamError naming `what` (e.g. "--time-scale") and the allowed range.
double check_time_scale(double scale, std::string_view what);
// The same for a number still in text (the CLI's argument).
double parse_time_scale(const std::string& text, std::string_view what);

// {"timeScale":{"min","max"},"maxValueLength","quoteLength"}: the limits above, for the page.
std::string limits_json();

// Validates `given` (key, value) pairs against the pattern: unknown keys, malformed numbers, NaN,
// out-of-range values, too many items and unknown choices all throw ParamError with a specific message.
Params parse_params(const Pattern& p, const std::vector<std::pair<std::string, std::string>>& given);

struct Line {
  double t;
  std::string text;
};

struct RunConfig {
  aio::ClockKind clock = aio::ClockKind::real;
  double time_scale = 1.0;
  aio::Trace* trace = nullptr;
  std::function<void(const Line&)> on_line;  // each printed line, as it is printed
  std::function<void(aio::EventLoop&)> on_start;  // e.g. to keep the loop for request_stop()
  aio::Platform* platform = nullptr;
};

// The one result shape: what the CLI prints with --json and the browser resolves with.
struct RunResult {
  std::string id;
  std::map<std::string, std::string> params;
  aio::ClockKind clock = aio::ClockKind::real;
  double time_scale = 1.0;
  std::vector<Line> lines;
  double elapsed = 0;  // loop time when the main task ended, pattern seconds
  double ideal = 0;
  bool cancelled = false;
  std::string error;  // the exception that ended the run, if any
  std::string to_json() const;
};


// Runs the pattern on a new loop. Exceptions of the pattern end up in `error`, a stop in `cancelled`.
RunResult run_pattern(const Pattern& p, const Params& params, const RunConfig& config);

// run_pattern in three steps, for a caller that must hold nothing across the run (the browser's
// exports: the run suspends there, see aio::EventLoop::run_until): the constructor prepares the run
// and throws what run_pattern throws before the run starts; run() runs it; result() is then
// run_pattern's answer. `p`, `params` and `config` must outlive it.
class PatternRun {
 public:
  PatternRun(const Pattern& p, const Params& params, const RunConfig& config);
  PatternRun(const PatternRun&) = delete;
  PatternRun& operator=(const PatternRun&) = delete;
  void run();
  RunResult& result() noexcept { return r_; }

 private:
  void finish();
  void record(const std::exception_ptr& e);
  const RunConfig& config_;
  RunResult r_;
  std::optional<aio::detail::MainRun<void>> run_;
};

// The registry as JSON: [{id, title, summary, group, params: [...], ideal}], the page's PatternInfo[].
std::string patterns_json();

}  // namespace patterns
