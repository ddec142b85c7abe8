// The seed patterns: exact CPython output and line times on the virtual clock, elapsed == ideal, the
// Python originals as oracle, and parse_params' validation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <map>
#include <random>
#include <unistd.h>
#include <vector>

#include "patterns/registry.hpp"
#include "support.hpp"

namespace {

using Given = std::vector<std::pair<std::string, std::string>>;

patterns::RunResult run_virtual(std::string_view id, const Given& given = {}) {
  const patterns::Pattern& p = patterns::pattern_or_throw(id);
  patterns::RunConfig c;
  c.clock = aio::ClockKind::virtual_time;
  return patterns::run_pattern(p, patterns::parse_params(p, given), c);
}

std::vector<std::string> texts(const patterns::RunResult& r) {
  std::vector<std::string> out;
  for (const auto& l : r.lines) out.push_back(l.text);
  return out;
}

std::vector<double> times(const patterns::RunResult& r) {
  std::vector<double> out;
  for (const auto& l : r.lines) out.push_back(l.t);
  return out;
}

// Seeded draws that are the same with every standard library (no <random> distributions).
struct Draw {
  std::mt19937 rng;
  explicit Draw(unsigned seed) : rng(seed) {}
  long in(long lo, long hi) { return lo + static_cast<long>(rng() % static_cast<unsigned long>(hi - lo + 1)); }
  template <class T>
  const T& pick(const std::vector<T>& from) { return from[static_cast<std::size_t>(in(0, static_cast<long>(from.size()) - 1))]; }
};

std::string shown(const Given& given) {
  std::string out;
  for (const auto& [k, v] : given) out += k + "=" + v + " ";
  return out;
}

std::string python_args(const std::string& id, const Given& given) {
  std::string args = test::source_dir() + "/native/patterns/python/" + id + ".py";
  for (const auto& [k, v] : given) args += " '" + k + "=" + v + "'";
  return args;
}

// The oracle: CPython running the pattern's Python original on the virtual clock (python_lines.py:
// asyncio's own loop, its clock jumping to the next timer). Its lines and their loop times are exact
// whatever the machine's load, so any parameters can be drawn, ties between deadlines included.
test::Printed python_line(const std::string& row) {
  const auto tab = row.find('\t');
  if (tab == std::string::npos) return {-1, row};  // a line of a traceback: it fails the comparison
  return {std::stod(row.substr(0, tab)), row.substr(tab + 1)};
}

// How lines printed at the same moment are compared. A TaskGroup that aborts cancels its tasks by
// iterating a set, in the order of their addresses; the port cancels in creation order (the order a
// fresh python3 process usually shows). With `same_moment_any_order`, the lines of one moment are
// compared as a multiset.
enum class Order { exact, same_moment_any_order };

void check_against_python(const std::string& id, const Given& given, Order order = Order::exact) {
  auto r = run_virtual(id, given);
  INFO(id << " " << shown(given));
  CHECK(r.error.empty());
  CHECK_FALSE(r.cancelled);
  CHECK(r.elapsed == r.ideal);
  std::vector<test::Printed> py;
  for (const auto& row : test::split_lines(test::run_command(
           "python3 " + test::source_dir() + "/tests/native/python_lines.py " + python_args(id, given) + " 2>&1")))
    py.push_back(python_line(row));
  std::vector<test::Printed> cpp;
  for (const auto& l : r.lines) cpp.push_back({l.t, l.text});
  // The port's clock counts nanoseconds; CPython's adds floats.
  const auto same_moment = [](double a, double b) { return std::abs(a - b) <= 1e-9; };
  if (order == Order::same_moment_any_order) {
    const auto by_moment = [&](std::vector<test::Printed>& lines) {
      for (auto from = lines.begin(); from != lines.end();) {
        auto to = std::find_if(from, lines.end(), [&](const test::Printed& l) { return !same_moment(l.t, from->t); });
        std::sort(from, to, [](const test::Printed& a, const test::Printed& b) { return a.text < b.text; });
        from = to;
      }
    };
    by_moment(cpp);
    by_moment(py);
  }
  std::vector<std::string> cpp_texts, py_texts;
  for (const auto& l : cpp) cpp_texts.push_back(l.text);
  for (const auto& l : py) py_texts.push_back(l.text);
  REQUIRE(cpp_texts == py_texts);
  for (std::size_t i = 0; i < py.size(); ++i) CHECK(same_moment(cpp[i].t, py[i].t));
}

// CPython as a user runs it: python3 <id>.py on the real clock. A loaded machine can wake a timer late
// enough to split timers due together, so a differing run is repeated (up to three runs; an output that
// differs every time is a failure).
void check_real_python(const std::string& id, const Given& given) {
  auto r = run_virtual(id, given);
  INFO(id << " " << shown(given) << "(CPython on the real clock)");
  CHECK(r.error.empty());
  const auto run = [&] { return test::split_lines(test::run_command("python3 " + python_args(id, given) + " 2>&1")); };
  auto py = run();
  for (int again = 1; again < 3 && py != texts(r); ++again) py = run();
  CHECK(texts(r) == py);
}

std::string two_decimals(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

// The ParamError message of parse_params for one (key, value), or "" when it is accepted.
std::string param_error(const std::string& id, const std::string& key, const std::string& value) {
  try {
    patterns::parse_params(patterns::pattern_or_throw(id), {{key, value}});
  } catch (const patterns::ParamError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---- defaults: exactly the CPython reference lines, at their loop times --------------------------

TEST_CASE("create-task prints the CPython reference lines at their times", "[patterns]") {
  auto r = run_virtual("create-task");
  CHECK(texts(r) == std::vector<std::string>{"Main: doing other work", "Task 1 started", "Task 2 started",
                                             "Task 2 completed", "Task 1 completed",
                                             "Results: Result from Task 1, Result from Task 2"});
  CHECK(times(r) == std::vector<double>{0, 0, 0, 1, 2, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  CHECK(r.error.empty());
}

TEST_CASE("gather prints 'Fetched 5 users' after one delay", "[patterns]") {
  auto r = run_virtual("gather");
  CHECK(texts(r) == std::vector<std::string>{"Fetched 5 users"});
  CHECK(times(r) == std::vector<double>{0.5});
  CHECK(r.elapsed == 0.5);
  CHECK(r.ideal == 0.5);
}

TEST_CASE("timing prints 'Sequential: 3.00s' and 'Concurrent: 1.00s'", "[patterns]") {
  auto r = run_virtual("timing");
  CHECK(texts(r) == std::vector<std::string>{"Sequential: 3.00s", "Concurrent: 1.00s"});
  CHECK(times(r) == std::vector<double>{3, 4});
  CHECK(r.elapsed == 4);
  CHECK(r.ideal == 4);
}

TEST_CASE("as-completed prints the tasks in completion order", "[patterns]") {
  auto r = run_virtual("as-completed");
  CHECK(texts(r) == std::vector<std::string>{"Task 5 completed (delay: 0s)", "Task 4 completed (delay: 1s)",
                                             "Task 3 completed (delay: 2s)", "Task 2 completed (delay: 3s)",
                                             "Task 1 completed (delay: 4s)"});
  CHECK(times(r) == std::vector<double>{0, 1, 2, 3, 4});
  CHECK(r.elapsed == 4);
  CHECK(r.ideal == 4);
}

TEST_CASE("wait prints 'First completed: Task 1' after one second", "[patterns]") {
  auto r = run_virtual("wait");
  CHECK(texts(r) == std::vector<std::string>{"First completed: Task 1"});
  CHECK(times(r) == std::vector<double>{1});
  CHECK(r.elapsed == 1);
  CHECK(r.ideal == 1);
}

TEST_CASE("task-group prints '2 4 6' after one delay", "[patterns]") {
  auto r = run_virtual("task-group");
  CHECK(texts(r) == std::vector<std::string>{"2 4 6"});
  CHECK(times(r) == std::vector<double>{1});
  CHECK(r.elapsed == 1);
  CHECK(r.ideal == 1);
}

TEST_CASE("chaining prints the merged user as Python's json.dumps", "[patterns]") {
  auto r = run_virtual("chaining");
  CHECK(texts(r) == std::vector<std::string>{
                        R"({"id": 1, "name": "User 1", "orders": [{"id": 0, "item": "Item 0"}, {"id": 1, "item": "Item 1"}, )"
                        R"({"id": 2, "item": "Item 2"}], "profile": {"bio": "User bio", "location": "Earth"}})"});
  CHECK(times(r) == std::vector<double>{1});
  CHECK(r.elapsed == 1);
  CHECK(r.ideal == 1);
}

TEST_CASE("executor prints 'Result' twice, one blocking delay apart", "[patterns][threads]") {
  auto r = run_virtual("executor");
  CHECK(texts(r) == std::vector<std::string>{"Result", "Result"});
  CHECK(times(r) == std::vector<double>{1, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  CHECK(r.error.empty());
}

TEST_CASE("every pattern's virtual elapsed time equals its ideal time for its defaults", "[patterns][threads]") {
  for (const patterns::Pattern* p : patterns::all_patterns()) {
    auto r = run_virtual(p->id);
    INFO(p->id);
    CHECK(r.elapsed == r.ideal);
    CHECK(r.clock == aio::ClockKind::virtual_time);
    CHECK(r.time_scale == 1.0);
    CHECK(r.id == p->id);
  }
}

// ---- other parameter values: lines, times, elapsed == ideal --------------------------------------

TEST_CASE("create-task with other delays: lines follow the deadlines", "[patterns]") {
  auto r = run_virtual("create-task", {{"delay1", "0.5"}, {"delay2", "1.5"}, {"work", "2"}});
  CHECK(texts(r) == std::vector<std::string>{"Main: doing other work", "Task 1 started", "Task 2 started",
                                             "Task 1 completed", "Task 2 completed",
                                             "Results: Result from Task 1, Result from Task 2"});
  CHECK(times(r) == std::vector<double>{0, 0, 0, 0.5, 1.5, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  CHECK(r.params.at("delay1") == "0.5");
  CHECK(r.params.at("work") == "2");

  auto z = run_virtual("create-task", {{"delay1", "0"}, {"delay2", "0"}, {"work", "0"}});
  CHECK(texts(z) == std::vector<std::string>{"Main: doing other work", "Task 1 started", "Task 2 started",
                                             "Task 1 completed", "Task 2 completed",
                                             "Results: Result from Task 1, Result from Task 2"});
  CHECK(z.elapsed == 0);
  CHECK(z.ideal == 0);
}

TEST_CASE("gather with other sizes and delays", "[patterns]") {
  auto r = run_virtual("gather", {{"users", "3"}, {"delay", "0.25"}});
  CHECK(texts(r) == std::vector<std::string>{"Fetched 3 users"});
  CHECK(times(r) == std::vector<double>{0.25});
  CHECK(r.elapsed == 0.25);
  CHECK(r.ideal == 0.25);
  auto none = run_virtual("gather", {{"users", "0"}});
  CHECK(texts(none) == std::vector<std::string>{"Fetched 0 users"});
  CHECK(times(none) == std::vector<double>{0});
  CHECK(none.elapsed == 0);
  CHECK(none.ideal == 0);
  auto many = run_virtual("gather", {{"users", "2000"}, {"delay", "2"}});
  CHECK(texts(many) == std::vector<std::string>{"Fetched 2000 users"});
  CHECK(many.elapsed == 2);
}

TEST_CASE("timing with other sizes: sequential adds up, concurrent is one delay", "[patterns]") {
  auto r = run_virtual("timing", {{"tasks", "2"}, {"delay", "0.5"}});
  CHECK(texts(r) == std::vector<std::string>{"Sequential: 1.00s", "Concurrent: 0.50s"});
  CHECK(times(r) == std::vector<double>{1, 1.5});
  CHECK(r.elapsed == 1.5);
  CHECK(r.ideal == 1.5);
  auto zero = run_virtual("timing", {{"tasks", "0"}});
  CHECK(texts(zero) == std::vector<std::string>{"Sequential: 0.00s", "Concurrent: 0.00s"});
  CHECK(zero.elapsed == 0);
  CHECK(zero.ideal == 0);
  auto big = run_virtual("timing", {{"tasks", "10"}, {"delay", "0.25"}});
  CHECK(texts(big) == std::vector<std::string>{"Sequential: 2.50s", "Concurrent: 0.25s"});
  CHECK(big.elapsed == 2.75);
  CHECK(big.ideal == 2.75);
}

TEST_CASE("as-completed with other task counts", "[patterns]") {
  auto r = run_virtual("as-completed", {{"tasks", "3"}});
  CHECK(texts(r) == std::vector<std::string>{"Task 3 completed (delay: 0s)", "Task 2 completed (delay: 1s)",
                                             "Task 1 completed (delay: 2s)"});
  CHECK(times(r) == std::vector<double>{0, 1, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  auto one = run_virtual("as-completed", {{"tasks", "1"}});
  CHECK(texts(one) == std::vector<std::string>{"Task 1 completed (delay: 0s)"});
  CHECK(one.elapsed == 0);
  auto none = run_virtual("as-completed", {{"tasks", "0"}});
  CHECK(none.lines.empty());
  CHECK(none.elapsed == 0);
  CHECK(none.ideal == 0);
}

TEST_CASE("wait with other delays, return_when and timeouts", "[patterns]") {
  auto first = run_virtual("wait", {{"delays", "3,1,2"}});
  CHECK(texts(first) == std::vector<std::string>{"First completed: Task 1"});
  CHECK(times(first) == std::vector<double>{1});
  CHECK(first.elapsed == 1);
  CHECK(first.ideal == 1);

  auto all = run_virtual("wait", {{"delays", "3,1,2"}, {"return_when", "ALL_COMPLETED"}});
  CHECK(texts(all) == std::vector<std::string>{"First completed: Task 3", "First completed: Task 1",
                                               "First completed: Task 2"});
  CHECK(times(all) == std::vector<double>{3, 3, 3});
  CHECK(all.elapsed == 3);
  CHECK(all.ideal == 3);

  auto timed = run_virtual("wait", {{"delays", "3,1,2"}, {"return_when", "ALL_COMPLETED"}, {"timeout", "1.5"}});
  CHECK(texts(timed) == std::vector<std::string>{"First completed: Task 1"});
  CHECK(times(timed) == std::vector<double>{1.5});
  CHECK(timed.elapsed == 1.5);
  CHECK(timed.ideal == 1.5);

  auto nothing = run_virtual("wait", {{"delays", "3,1,2"}, {"timeout", "0.5"}});
  CHECK(nothing.lines.empty());
  CHECK(nothing.elapsed == 0.5);
  CHECK(nothing.ideal == 0.5);

  auto floats = run_virtual("wait", {{"delays", "0.25, 0.5"}, {"return_when", "FIRST_EXCEPTION"}});
  CHECK(texts(floats) == std::vector<std::string>{"First completed: Task 0.25", "First completed: Task 0.5"});
  CHECK(floats.elapsed == 0.5);
  CHECK(floats.ideal == 0.5);
}

TEST_CASE("task-group with other values keeps Python's int/float distinction", "[patterns]") {
  auto r = run_virtual("task-group", {{"values", "1.5,-2,0"}, {"delay", "0.25"}});
  CHECK(texts(r) == std::vector<std::string>{"3.0 -4 0"});
  CHECK(times(r) == std::vector<double>{0.25});
  CHECK(r.elapsed == 0.25);
  CHECK(r.ideal == 0.25);
  auto one = run_virtual("task-group", {{"values", "5"}, {"delay", "2"}});
  CHECK(texts(one) == std::vector<std::string>{"10"});
  CHECK(one.elapsed == 2);
}

TEST_CASE("chaining with other ids, delays and order counts", "[patterns]") {
  auto r = run_virtual("chaining", {{"user_id", "7"}, {"delay", "0.25"}, {"orders", "0"}});
  CHECK(texts(r) == std::vector<std::string>{
                        R"({"id": 7, "name": "User 7", "orders": [], "profile": {"bio": "User bio", "location": "Earth"}})"});
  CHECK(times(r) == std::vector<double>{0.5});
  CHECK(r.elapsed == 0.5);
  CHECK(r.ideal == 0.5);
}

TEST_CASE("executor with other delays and workers", "[patterns][threads]") {
  auto r = run_virtual("executor", {{"delay", "0.5"}, {"workers", "1"}});
  CHECK(texts(r) == std::vector<std::string>{"Result", "Result"});
  CHECK(times(r) == std::vector<double>{0.5, 1});
  CHECK(r.elapsed == 1);
  CHECK(r.ideal == 1);
}

TEST_CASE("a pattern's lines reach on_line as they are printed, and the trace records them", "[patterns]") {
  const auto& p = patterns::pattern_or_throw("create-task");
  aio::Trace tr;
  std::vector<std::string> streamed;
  patterns::RunConfig c;
  c.clock = aio::ClockKind::virtual_time;
  c.trace = &tr;
  c.on_line = [&](const patterns::Line& l) { streamed.push_back(l.text); };
  auto r = patterns::run_pattern(p, patterns::parse_params(p, {}), c);
  CHECK(streamed == texts(r));
  std::vector<std::string> traced;
  for (const auto& e : tr.events())
    if (e.kind == aio::TraceEvent::Kind::line) traced.push_back(e.text);
  CHECK(traced == texts(r));
}

TEST_CASE("RunResult::to_json has the documented shape", "[patterns][python]") {
  auto r = run_virtual("gather", {{"users", "2"}});
  std::string json = r.to_json();
  CHECK(json ==
        R"({"id":"gather","params":{"delay":"0.5","users":"2"},"clock":"virtual","time_scale":1,)"
        R"("lines":[{"t":0.5,"text":"Fetched 2 users"}],"elapsed":0.5,"ideal":0.5,"cancelled":false})");
}

// ---- the limits, stated once ---------------------------------------------------------------------

TEST_CASE("limits_json states the registry's limits for the page", "[patterns][params]") {
  CHECK(patterns::limits_json() ==
        "{\"timeScale\":{\"min\":0.001,\"max\":100},\"maxValueLength\":200,\"quoteLength\":40}");
}

TEST_CASE("the time scale is checked in one place, with one message", "[patterns][params]") {
  CHECK(patterns::parse_time_scale("0.5", "--time-scale") == 0.5);
  CHECK(patterns::check_time_scale(patterns::kMaxTimeScale, "scale") == patterns::kMaxTimeScale);
  CHECK_THROWS_WITH(patterns::parse_time_scale("1000", "--time-scale"),
                    "--time-scale: 1000.0 is out of range [0.001, 100.0]");
  CHECK_THROWS_WITH(patterns::check_time_scale(0.0001, "timeScale"), "timeScale: 0.0001 is out of range [0.001, 100.0]");
  CHECK_THROWS_WITH(patterns::parse_time_scale("0x10", "--time-scale"), "--time-scale: '0x10' is not a number");
  CHECK_THROWS_WITH(patterns::parse_time_scale("nan", "--time-scale"), "--time-scale: 'nan' is not a number");
  CHECK_THROWS_WITH(patterns::parse_time_scale(std::string(50, '9') + "\n", "s"),
                    "s: '" + std::string(40, '9') + "...' is not a number");
}

namespace {

// "0 – 100,000" -> {0, 100000}; "at most 20 items" -> {0, 20}.
std::pair<double, double> readme_range(std::string v) {
  std::string digits;
  for (char c : v)
    if (c != ',') digits += c;
  if (auto at = digits.find("at most "); at != std::string::npos) return {0, std::stod(digits.substr(at + 8))};
  auto dash = digits.find("\xE2\x80\x93");  // the en dash the table uses
  REQUIRE(dash != std::string::npos);
  return {std::stod(digits.substr(0, dash)), std::stod(digits.substr(dash + 3))};
}

}  // namespace

TEST_CASE("README's limits table says what the registry enforces", "[patterns][params][host]") {
  std::ifstream f(test::source_dir() + "/README.md");
  REQUIRE(f);
  std::string line;
  int rows = 0;
  bool in_table = false;
  while (std::getline(f, line)) {
    if (line == "| limit | value |") in_table = true;
    else if (in_table && line.empty()) break;
    if (!in_table || line.rfind("| ", 0) != 0 || line == "| limit | value |") continue;
    auto bar = line.find(" | ");
    std::string what = line.substr(2, bar - 2), value = line.substr(bar + 3, line.size() - bar - 5);
    INFO(line);
    ++rows;
    if (what == "time scale") {
      CHECK(readme_range(value) == std::pair<double, double>{patterns::kMinTimeScale, patterns::kMaxTimeScale});
    } else if (what == "a parameter value") {
      CHECK(value == "at most " + std::to_string(patterns::kMaxValueLength) + " characters");
    } else if (what == "any delay or timeout (seconds)") {
      // Every parameter named for a delay or a timeout has this range.
      auto [lo, hi] = readme_range(value);
      for (const auto* p : patterns::all_patterns())
        for (const auto& s : p->params)
          if (s.key.find("delay") != std::string::npos || s.key.find("timeout") != std::string::npos) {
            INFO(p->id << " " << s.key);
            CHECK(s.min == lo);
            CHECK(s.max == hi);
          }
    } else {
      // "`id` key, `id` key | range": each named parameter has exactly that range (or list length).
      auto [lo, hi] = readme_range(value);
      const bool items = value.find("items") != std::string::npos;
      std::size_t i = 0;
      int named = 0;
      while ((i = what.find('`', i)) != std::string::npos) {
        auto close = what.find('`', i + 1);
        auto end = what.find(',', close);
        std::string id = what.substr(i + 1, close - i - 1);
        std::string key = what.substr(close + 2, (end == std::string::npos ? what.size() : end) - close - 2);
        const auto& p = patterns::pattern_or_throw(id);
        const patterns::ParamSpec* spec = nullptr;
        for (const auto& s : p.params)
          if (s.key == key) spec = &s;
        INFO(id << " " << key);
        REQUIRE(spec);
        if (items) CHECK(spec->max_items == hi);
        else CHECK(std::pair<double, double>{spec->min, spec->max} == std::pair<double, double>{lo, hi});
        ++named;
        i = close + 1;
      }
      CHECK(named > 0);
    }
  }
  CHECK(rows >= 4);
}

// ---- the Python originals as oracle ---------------------------------------------------------------

TEST_CASE("create-task prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("create-task", {{"delay1", "0.05"}, {"delay2", "0.1"}, {"work", "0.01"}});
  check_against_python("create-task", {{"delay1", "0.2"}, {"delay2", "0.02"}, {"work", "0.1"}});
  check_against_python("create-task", {{"delay1", "0"}, {"delay2", "0"}, {"work", "0"}});
  check_against_python("create-task", {{"work", "0.15"}, {"delay1", "0.05"}, {"delay2", "0.1"}});
}

TEST_CASE("gather prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("gather", {{"users", "3"}, {"delay", "0.01"}});
  check_against_python("gather", {{"users", "0"}, {"delay", "0.01"}});
  check_against_python("gather", {{"users", "50"}, {"delay", "0"}});
}

TEST_CASE("timing: virtual Sequential is tasks*delay, as CPython prints it", "[patterns][python]") {
  for (auto [tasks, delay] : std::vector<std::pair<int, double>>{{2, 0.05}, {4, 0.02}, {1, 0.1}, {0, 0.1}}) {
    Given g{{"tasks", std::to_string(tasks)}, {"delay", aio::py_str(delay)}};
    auto r = run_virtual("timing", g);
    INFO("tasks=" << tasks << " delay=" << delay);
    CHECK(texts(r) == std::vector<std::string>{"Sequential: " + two_decimals(tasks * delay),
                                               "Concurrent: " + two_decimals(tasks ? delay : 0)});
    check_against_python("timing", g);
  }
}

TEST_CASE("as-completed prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("as-completed", {{"tasks", "0"}});
  check_against_python("as-completed", {{"tasks", "1"}});
  check_against_python("as-completed", {{"tasks", "2"}});
}

TEST_CASE("wait prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("wait", {{"delays", "0.1,0.05,0.15"}});
  check_against_python("wait", {{"delays", "0.1,0.05,0.15"}, {"return_when", "ALL_COMPLETED"}});
  check_against_python("wait", {{"delays", "0.2,0.01"}, {"return_when", "ALL_COMPLETED"}, {"timeout", "0.1"}});
  check_against_python("wait", {{"delays", "0.10,1e-2"}, {"return_when", "FIRST_EXCEPTION"}});
  check_against_python("wait", {{"delays", "0.2,0.15"}, {"timeout", "0.05"}});
  check_against_python("wait", {{"delays", "0"}, {"timeout", "none"}});
}

TEST_CASE("task-group prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("task-group", {{"values", "1.5,-2,0"}, {"delay", "0.01"}});
  check_against_python("task-group", {{"values", "7"}, {"delay", "0.02"}});
  check_against_python("task-group", {{"values", "1e3,2.0,-0.5,10"}, {"delay", "0"}});
}

TEST_CASE("chaining prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("chaining", {{"user_id", "42"}, {"delay", "0.01"}, {"orders", "0"}});
  check_against_python("chaining", {{"user_id", "0"}, {"delay", "0.02"}, {"orders", "5"}});
}

TEST_CASE("executor prints what the Python original prints, for other parameters", "[patterns][python][threads]") {
  // Real threads on both sides: the harness would run the jobs inline, one after the other.
  check_real_python("executor", {{"delay", "0.05"}, {"workers", "1"}});
  check_real_python("executor", {{"delay", "0"}, {"workers", "3"}});
}

TEST_CASE("the Python originals print on CPython's real clock what they print on the virtual one", "[patterns][python]") {
  // The oracle's harness changes the clock, nothing else: a user's python3 run of each original agrees,
  // at delays small enough to keep the suite quick and far enough apart for a loaded machine.
  const std::vector<std::pair<std::string, Given>> runs{
      {"create-task", {{"delay1", "0.05"}, {"delay2", "0.1"}, {"work", "0.02"}}},
      {"gather", {{"users", "3"}, {"delay", "0.01"}}},
      {"as-completed", {{"tasks", "2"}}},
      {"wait", {{"delays", "0.1,0.05,0.15"}}},
      {"task-group", {{"values", "1.5,-2,0"}, {"delay", "0.01"}}},
      {"chaining", {{"user_id", "42"}, {"delay", "0.01"}, {"orders", "2"}}},
      {"producer-consumer", {{"items", "4"}, {"produce", "0"}, {"consume", "0.05"}}},
      {"semaphore", {{"requests", "4"}, {"limit", "2"}, {"delay", "0.05"}}},
      {"timeout", {{"work", "0.1"}, {"timeout", "0.05"}}},
      {"cancel", {{"work", "0.05"}, {"save", "0.1"}, {"cancel_at", "0.1"}}},
      {"task-group-error", {{"delays", "0.1,0.2,0.3"}, {"fail", "2"}}},
      {"event", {{"workers", "3"}, {"delay", "0.01"}}},
      {"lock", {{"workers", "2"}, {"increments", "2"}, {"delay", "0.01"}}},
      {"retry", {{"failures", "3"}, {"base_delay", "0.01"}}},
  };
  for (const auto& [id, given] : runs) check_real_python(id, given);
}

// ---- parse_params ---------------------------------------------------------------------------------

TEST_CASE("parse_params fills in every default", "[patterns][params]") {
  const auto& p = patterns::pattern_or_throw("create-task");
  auto params = patterns::parse_params(p, {});
  CHECK(params.values() == std::map<std::string, std::string>{{"delay1", "2"}, {"delay2", "1"}, {"work", "0.5"}});
  CHECK(params.number("delay1").value == 2);
  CHECK(params.number("delay1").is_int);
  CHECK_FALSE(params.number("work").is_int);
  CHECK(params.number("work").str() == "0.5");
}

TEST_CASE("parse_params keeps the value's spelling: 2 is an int, 2.0 a float", "[patterns][params]") {
  const auto& p = patterns::pattern_or_throw("create-task");
  auto a = patterns::parse_params(p, {{"delay1", "2"}, {"delay2", "2.0"}, {"work", "1e-1"}});
  CHECK(a.number("delay1").str() == "2");
  CHECK(a.number("delay2").str() == "2.0");
  CHECK(a.number("work").str() == "0.1");
  CHECK(a.number("work").value == 0.1);
}

TEST_CASE("parse_params rejects an unknown key, naming the pattern's keys", "[patterns][params]") {
  CHECK(param_error("create-task", "bogus", "1") ==
        "create-task has no parameter 'bogus' (it has: delay1, delay2, work)");
}

TEST_CASE("parse_params rejects what is not a number", "[patterns][params]") {
  CHECK(param_error("create-task", "delay1", "abc") == "create-task parameter 'delay1': 'abc' is not a number");
  CHECK(param_error("create-task", "delay1", "") == "create-task parameter 'delay1': '' is not a number");
  CHECK(param_error("create-task", "delay1", "1.2.3") == "create-task parameter 'delay1': '1.2.3' is not a number");
  CHECK(param_error("create-task", "delay1", "0x10") == "create-task parameter 'delay1': '0x10' is not a number");
  CHECK(param_error("create-task", "delay1", "1 ") == "create-task parameter 'delay1': '1 ' is not a number");
}

TEST_CASE("parse_params rejects NaN and infinities", "[patterns][params]") {
  for (const char* v : {"nan", "NaN", "inf", "-inf", "infinity", "1e999", "-1e999"}) {
    INFO(v);
    CHECK(param_error("create-task", "work", v) == std::string("create-task parameter 'work': '") + v + "' is not a number");
  }
}

TEST_CASE("parse_params rejects values out of range", "[patterns][params]") {
  CHECK(param_error("create-task", "delay1", "31") == "create-task parameter 'delay1': 31 is out of range [0.0, 30.0]");
  CHECK(param_error("create-task", "delay1", "-0.5") ==
        "create-task parameter 'delay1': -0.5 is out of range [0.0, 30.0]");
  CHECK(param_error("gather", "users", "100001") == "gather parameter 'users': 100001 is out of range [0, 100000]");
  CHECK(param_error("executor", "workers", "0") == "executor parameter 'workers': 0 is out of range [1, 32]");
  CHECK(param_error("wait", "delays", "1,31") == "wait parameter 'delays': 31 is out of range [0.0, 30.0]");
  CHECK(param_error("create-task", "delay1", "30") == "");
  CHECK(param_error("create-task", "delay1", "0") == "");
}

TEST_CASE("parse_params rejects a fraction for an integer parameter", "[patterns][params]") {
  CHECK(param_error("gather", "users", "2.5") == "gather parameter 'users': '2.5' is not a whole number");
  CHECK(param_error("gather", "users", "2.0") == "gather parameter 'users': '2.0' is not a whole number");
}

TEST_CASE("parse_params rejects too many list items", "[patterns][params]") {
  std::string v;
  for (int i = 0; i < 21; ++i) v += (i ? "," : "") + std::to_string(i % 3);
  CHECK(param_error("wait", "delays", v) == "wait parameter 'delays': 21 items, at most 20");
  std::string twenty = v.substr(0, v.size() - 2);
  CHECK(param_error("wait", "delays", twenty) == "");
}

TEST_CASE("parse_params rejects an empty list item", "[patterns][params]") {
  CHECK(param_error("wait", "delays", "1,,2") == "wait parameter 'delays': an empty item in '1,,2'");
  CHECK(param_error("wait", "delays", "1,") == "wait parameter 'delays': an empty item in '1,'");
  CHECK(param_error("task-group", "values", "") == "task-group parameter 'values': an empty item in ''");
}

TEST_CASE("parse_params rejects a choice that is not offered", "[patterns][params]") {
  CHECK(param_error("wait", "return_when", "SOMETIMES") ==
        "wait parameter 'return_when': 'SOMETIMES' is not one of FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED");
  CHECK(param_error("wait", "return_when", "first_completed") != "");  // case matters
  CHECK(param_error("wait", "return_when", "ALL_COMPLETED") == "");
}

TEST_CASE("parse_params rejects a value that is too long", "[patterns][params]") {
  std::string v(201, '1');
  CHECK(param_error("create-task", "delay1", v) == "create-task parameter 'delay1': value is too long (201 characters)");
}

TEST_CASE("parse_params shows at most 40 characters of a bad value, control characters as '?'", "[patterns][params]") {
  std::string v(60, 'x');
  CHECK(param_error("create-task", "delay1", v) ==
        "create-task parameter 'delay1': '" + std::string(40, 'x') + "...' is not a number");
  CHECK(param_error("create-task", "delay1", "a\nb") == "create-task parameter 'delay1': 'a?b' is not a number");
}

TEST_CASE("'none' is accepted for an optional parameter only", "[patterns][params]") {
  const auto& w = patterns::pattern_or_throw("wait");
  auto params = patterns::parse_params(w, {{"timeout", "none"}});
  CHECK_FALSE(params.optional_number("timeout").has_value());
  auto set = patterns::parse_params(w, {{"timeout", "2.5"}});
  REQUIRE(set.optional_number("timeout").has_value());
  CHECK(set.optional_number("timeout")->value == 2.5);
  CHECK(param_error("create-task", "delay1", "none") == "create-task parameter 'delay1': 'none' is not a number");
}

TEST_CASE("parse_params normalises list items without spaces", "[patterns][params]") {
  const auto& w = patterns::pattern_or_throw("wait");
  auto params = patterns::parse_params(w, {{"delays", " 1, 2.5 ,3"}});
  CHECK(params.text("delays") == "1,2.5,3");
  auto list = params.list("delays");
  REQUIRE(list.size() == 3);
  CHECK(list[1].value == 2.5);
  CHECK(list[0].is_int);
}

TEST_CASE("an unknown pattern id is a ParamError naming the known ids", "[patterns][params]") {
  CHECK(patterns::find_pattern("nope") == nullptr);
  CHECK_THROWS_AS(patterns::pattern_or_throw("nope"), patterns::ParamError);
  // The seed's eight first, the patterns added since after them.
  CHECK_THROWS_WITH(patterns::pattern_or_throw("nope"),
                    "unknown pattern 'nope' (known: create-task, gather, timing, as-completed, wait, task-group, "
                    "chaining, executor, producer-consumer, semaphore, timeout, cancel, task-group-error, event, "
                    "lock, retry)");
}

TEST_CASE("the registry holds every pattern, the seed's eight first, and lists them as valid JSON",
          "[patterns][python]") {
  REQUIRE(patterns::all_patterns().size() == 16);
  for (const auto* p : patterns::all_patterns()) CHECK(patterns::find_pattern(p->id) == p);
  std::string path = "/tmp/aio_test_patterns_" + std::to_string(::getpid()) + ".json";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::string j = patterns::patterns_json();
    std::fwrite(j.data(), 1, j.size(), f);
    std::fclose(f);
  }
  auto out = test::split_lines(test::run_command(
      "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([p[\"id\"] for p in d]); "
      "print([p[\"ideal\"] for p in d])' " + path));
  std::remove(path.c_str());
  CHECK(out == std::vector<std::string>{
                   "['create-task', 'gather', 'timing', 'as-completed', 'wait', 'task-group', 'chaining', 'executor', "
                   "'producer-consumer', 'semaphore', 'timeout', 'cancel', 'task-group-error', 'event', 'lock', "
                   "'retry']",
                   "[2, 0.5, 4, 4, 1, 1, 1, 2, 3.25, 3, 2, 3, 2, 1, 1.2, 0.3]"});
}

// ---- producer-consumer --------------------------------------------------------------------------------

namespace {

// k hundredths of a second as a parameter value: "0.15", "1.05", "0.00".
std::string hundredths(long k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld.%02ld", k / 100, k % 100);
  return buf;
}

}  // namespace

TEST_CASE("producer-consumer: the producers wait on a full queue, the consumers take turns", "[patterns]") {
  auto r = run_virtual("producer-consumer");
  CHECK(texts(r) == std::vector<std::string>{
                        "P1: put item 1 (1 queued)", "P2: put item 2 (2 queued)", "C1: got item 1", "C2: got item 2",
                        "P1: put item 3 (1 queued)", "P2: put item 4 (2 queued)",
                        "P1: queue full, waiting to put item 5", "P2: queue full, waiting to put item 6",
                        "C1: got item 3", "C2: got item 4", "P1: put item 5 (1 queued)", "P2: put item 6 (2 queued)",
                        "main: all items produced", "C1: got item 5", "C2: got item 6", "main: all items consumed",
                        "main: consumers cancelled"});
  CHECK(times(r) == std::vector<double>{0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.25, 1.25, 1.25, 1.25, 1.25,
                                        2.25, 2.25, 3.25, 3.25});
  CHECK(r.elapsed == 3.25);
  CHECK(r.ideal == 3.25);
  CHECK(r.error.empty());
}

TEST_CASE("producer-consumer: unbounded, empty and idle queues", "[patterns]") {
  auto unbounded = run_virtual("producer-consumer", {{"producers", "1"}, {"consumers", "1"}, {"items", "3"},
                                                     {"maxsize", "0"}, {"produce", "0.5"}, {"consume", "2"}});
  CHECK(texts(unbounded) == std::vector<std::string>{"P1: put item 1 (1 queued)", "C1: got item 1",
                                                     "P1: put item 2 (1 queued)", "P1: put item 3 (2 queued)",
                                                     "main: all items produced", "C1: got item 2", "C1: got item 3",
                                                     "main: all items consumed", "main: consumers cancelled"});
  CHECK(times(unbounded) == std::vector<double>{0.5, 0.5, 1, 1.5, 1.5, 2.5, 4.5, 6.5, 6.5});
  CHECK(unbounded.elapsed == 6.5);
  CHECK(unbounded.ideal == 6.5);

  auto nothing = run_virtual("producer-consumer", {{"items", "0"}});
  CHECK(texts(nothing) == std::vector<std::string>{"main: all items produced", "main: all items consumed",
                                                   "main: consumers cancelled"});
  CHECK(nothing.elapsed == 0);
  CHECK(nothing.ideal == 0);

}

TEST_CASE("producer-consumer: the ideal time replays the queue exactly", "[patterns]") {
  // Any parameters, ties between equal deadlines included: the loop's elapsed time is the ideal.
  Draw d(12);
  for (int i = 0; i < 300; ++i) {
    Given g{{"producers", std::to_string(d.in(1, 4))}, {"consumers", std::to_string(d.in(1, 4))},
            {"items", std::to_string(d.in(0, 12))},    {"maxsize", std::to_string(d.in(0, 4))},
            {"produce", hundredths(d.in(0, 8) * 25)},  {"consume", hundredths(d.in(0, 8) * 25)}};
    auto r = run_virtual("producer-consumer", g);
    INFO(g[0].second << " " << g[1].second << " " << g[2].second << " " << g[3].second << " " << g[4].second << " "
                     << g[5].second);
    REQUIRE(r.error.empty());
    CHECK(r.elapsed == r.ideal);
  }
}

TEST_CASE("producer-consumer prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("producer-consumer", {{"producers", "1"}, {"consumers", "1"}, {"items", "3"},
                                               {"maxsize", "1"}, {"produce", "0.05"}, {"consume", "0.12"}});
  check_against_python("producer-consumer", {{"producers", "3"}, {"consumers", "2"}, {"items", "5"},
                                               {"maxsize", "0"}, {"produce", "0.1"}, {"consume", "0.03"}});
  check_against_python("producer-consumer", {{"producers", "2"}, {"consumers", "2"}, {"items", "6"},
                                               {"maxsize", "1"}, {"produce", "0"}, {"consume", "0"}});
  check_against_python("producer-consumer", {{"items", "0"}, {"consumers", "1"}});
}

TEST_CASE("producer-consumer prints what the Python original prints, for random parameters", "[patterns][python]") {
  // Delays on a grid of 10 ms, so that a producer's and a consumer's chains of sleeps often fall due
  // together: the two loops must break those ties alike.
  Draw d(2024);
  for (int i = 0; i < 8; ++i)
    check_against_python("producer-consumer",
                         {{"producers", std::to_string(d.in(1, 3))}, {"consumers", std::to_string(d.in(1, 3))},
                          {"items", std::to_string(d.in(0, 6))},     {"maxsize", std::to_string(d.in(0, 3))},
                          {"produce", hundredths(d.in(0, 6))},       {"consume", hundredths(d.in(0, 6))}});
}

// ---- semaphore ----------------------------------------------------------------------------------------

TEST_CASE("semaphore: two requests in flight, the others wait for a permit", "[patterns]") {
  auto r = run_virtual("semaphore");
  CHECK(texts(r) == std::vector<std::string>{
                        "Request 1: started (1 in flight)", "Request 2: started (2 in flight)", "Request 3: waiting",
                        "Request 4: waiting", "Request 5: waiting", "Request 1: done", "Request 2: done",
                        "Request 3: started (1 in flight)", "Request 4: started (2 in flight)", "Request 3: done",
                        "Request 4: done", "Request 5: started (1 in flight)", "Request 5: done",
                        "All 5 requests done"});
  CHECK(times(r) == std::vector<double>{0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3});
  CHECK(r.elapsed == 3);
  CHECK(r.ideal == 3);
  CHECK(r.error.empty());
}

TEST_CASE("semaphore: no requests, fewer requests than permits, one permit", "[patterns]") {
  auto none = run_virtual("semaphore", {{"requests", "0"}});
  CHECK(texts(none) == std::vector<std::string>{"All 0 requests done"});
  CHECK(none.elapsed == 0);
  CHECK(none.ideal == 0);

  auto roomy = run_virtual("semaphore", {{"requests", "2"}, {"limit", "5"}, {"delay", "0.5"}});
  CHECK(texts(roomy) == std::vector<std::string>{"Request 1: started (1 in flight)", "Request 2: started (2 in flight)",
                                                 "Request 1: done", "Request 2: done", "All 2 requests done"});
  CHECK(roomy.elapsed == 0.5);
  CHECK(roomy.ideal == 0.5);

  auto one = run_virtual("semaphore", {{"requests", "3"}, {"limit", "1"}, {"delay", "0.25"}});
  CHECK(texts(one) == std::vector<std::string>{"Request 1: started (1 in flight)", "Request 2: waiting",
                                               "Request 3: waiting", "Request 1: done",
                                               "Request 2: started (1 in flight)", "Request 2: done",
                                               "Request 3: started (1 in flight)", "Request 3: done",
                                               "All 3 requests done"});
  CHECK(times(one) == std::vector<double>{0, 0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75});
  CHECK(one.elapsed == 0.75);
  CHECK(one.ideal == 0.75);
}

TEST_CASE("semaphore prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("semaphore", {{"requests", "0"}});
  check_against_python("semaphore", {{"requests", "3"}, {"limit", "5"}, {"delay", "0.05"}});
  check_against_python("semaphore", {{"requests", "4"}, {"limit", "1"}, {"delay", "0.02"}});
  check_against_python("semaphore", {{"requests", "7"}, {"limit", "3"}, {"delay", "0"}});
}

TEST_CASE("semaphore prints what the Python original prints, for random parameters", "[patterns][python]") {
  // One delay for every request: the only equal deadlines are those of requests let in together.
  Draw d(7);
  for (int i = 0; i < 5; ++i) {
    Given g{{"requests", std::to_string(d.in(0, 8))}, {"limit", std::to_string(d.in(1, 4))},
            {"delay", hundredths(d.in(0, 10))}};
    check_against_python("semaphore", g);
  }
}

// ---- timeout ------------------------------------------------------------------------------------------

TEST_CASE("timeout: both deadlines cancel the work, whose cleanup runs before TimeoutError", "[patterns]") {
  auto r = run_virtual("timeout");
  CHECK(texts(r) == std::vector<std::string>{"A: started, needs 2s", "A: cleanup", "A: timed out after 1s",
                                             "B: started, needs 2s", "B: cleanup", "B: timed out after 1s"});
  CHECK(times(r) == std::vector<double>{0, 1, 1, 1, 2, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  CHECK(r.error.empty());
}

TEST_CASE("timeout: work within the deadline, at the deadline, and a deadline of 0", "[patterns]") {
  auto fast = run_virtual("timeout", {{"work", "0.5"}, {"timeout", "1.0"}});
  CHECK(texts(fast) == std::vector<std::string>{"A: started, needs 0.5s", "A: finished", "A: cleanup",
                                                "Got A result", "B: started, needs 0.5s", "B: finished",
                                                "B: cleanup", "Got B result"});
  CHECK(times(fast) == std::vector<double>{0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1});
  CHECK(fast.elapsed == 1);
  CHECK(fast.ideal == 1);

  // The deadline's timer was set before the work's: it fires first.
  auto tie = run_virtual("timeout", {{"work", "1"}, {"timeout", "1"}});
  CHECK(texts(tie) == std::vector<std::string>{"A: started, needs 1s", "A: cleanup", "A: timed out after 1s",
                                               "B: started, needs 1s", "B: cleanup", "B: timed out after 1s"});
  CHECK(tie.elapsed == 2);
  CHECK(tie.ideal == 2);

  // timeout() cancels at the first suspension; wait_for() does not even start the coroutine.
  auto zero = run_virtual("timeout", {{"timeout", "0"}});
  CHECK(texts(zero) == std::vector<std::string>{"A: started, needs 2s", "A: cleanup", "A: timed out after 0s",
                                                "B: timed out after 0s"});
  CHECK(zero.elapsed == 0);
  CHECK(zero.ideal == 0);
}

TEST_CASE("timeout prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("timeout", {{"work", "0.05"}, {"timeout", "0.1"}});
  check_against_python("timeout", {{"work", "0.1"}, {"timeout", "0.05"}});
  check_against_python("timeout", {{"work", "0.1"}, {"timeout", "0.1"}});
  check_against_python("timeout", {{"work", "0.05"}, {"timeout", "0"}});
  check_against_python("timeout", {{"work", "0"}, {"timeout", "0"}});
  check_against_python("timeout", {{"work", "0"}, {"timeout", "0.05"}});
  check_against_python("timeout", {{"work", "1e-1"}, {"timeout", "0.20"}});
}

TEST_CASE("timeout prints what the Python original prints, for random parameters", "[patterns][python]") {
  // On a grid of 50 ms, so that the work and the deadline are often equal (the deadline wins).
  Draw d(99);
  for (int i = 0; i < 8; ++i)
    check_against_python("timeout", {{"work", hundredths(d.in(0, 4) * 5)}, {"timeout", hundredths(d.in(0, 4) * 5)}});
}

// ---- cancel -------------------------------------------------------------------------------------------

TEST_CASE("cancel: the worker cleans up and re-raises, the shielded save runs on", "[patterns]") {
  auto r = run_virtual("cancel");
  CHECK(texts(r) == std::vector<std::string>{"worker: working", "save: started", "main: cancel() returned True",
                                             "worker: cancelled, cleaning up", "main: the worker was cancelled",
                                             "save: done", "main: the save was completed"});
  CHECK(times(r) == std::vector<double>{0, 1, 2, 2, 2, 3, 3});
  CHECK(r.elapsed == 3);
  CHECK(r.ideal == 3);
  CHECK(r.error.empty());

  auto off = run_virtual("cancel", {{"shield", "off"}});
  CHECK(texts(off) == std::vector<std::string>{"worker: working", "save: started", "main: cancel() returned True",
                                               "worker: cancelled, cleaning up", "main: the worker was cancelled",
                                               "main: the save was cancelled"});
  CHECK(times(off) == std::vector<double>{0, 1, 2, 2, 2, 2});
  CHECK(off.elapsed == 2);
  CHECK(off.ideal == 2);
}

TEST_CASE("cancel: before the save, after everything, and at the worker's own deadline", "[patterns]") {
  auto early = run_virtual("cancel", {{"cancel_at", "0.5"}});
  CHECK(texts(early) == std::vector<std::string>{"worker: working", "main: cancel() returned True",
                                                 "worker: cancelled, cleaning up", "main: the worker was cancelled"});
  CHECK(early.elapsed == 0.5);
  CHECK(early.ideal == 0.5);

  auto late = run_virtual("cancel", {{"cancel_at", "4"}});
  CHECK(texts(late) == std::vector<std::string>{"worker: working", "save: started", "save: done", "worker: finished",
                                                "main: cancel() returned False", "main: the save was completed"});
  CHECK(times(late) == std::vector<double>{0, 1, 3, 3, 4, 4});
  CHECK(late.elapsed == 4);
  CHECK(late.ideal == 4);

  // main's timer was set first: the worker's sleep, due at the same time, is cancelled although it is over.
  auto tie = run_virtual("cancel", {{"cancel_at", "1"}});
  CHECK(texts(tie) == std::vector<std::string>{"worker: working", "main: cancel() returned True",
                                               "worker: cancelled, cleaning up", "main: the worker was cancelled"});
  CHECK(tie.elapsed == 1);
  CHECK(tie.ideal == 1);
}

TEST_CASE("cancel prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("cancel", {{"work", "0.05"}, {"save", "0.1"}, {"cancel_at", "0.1"}});
  check_against_python("cancel", {{"work", "0.05"}, {"save", "0.1"}, {"cancel_at", "0.1"}, {"shield", "off"}});
  check_against_python("cancel", {{"work", "0.1"}, {"save", "0.05"}, {"cancel_at", "0.05"}});
  check_against_python("cancel", {{"work", "0.05"}, {"save", "0.05"}, {"cancel_at", "0.15"}});
  check_against_python("cancel", {{"work", "0.1"}, {"save", "0.05"}, {"cancel_at", "0.1"}, {"shield", "off"}});
  check_against_python("cancel", {{"work", "0"}, {"save", "0"}, {"cancel_at", "0"}});
  check_against_python("cancel", {{"work", "0"}, {"save", "0.05"}, {"cancel_at", "0"}, {"shield", "off"}});
}

TEST_CASE("cancel prints what the Python original prints, for random parameters", "[patterns][python]") {
  // On a grid of 50 ms, so that the cancel often falls due with the end of the work or of the save.
  Draw d(31);
  for (int i = 0; i < 8; ++i)
    check_against_python("cancel", {{"work", hundredths(d.in(0, 3) * 5)}, {"save", hundredths(d.in(0, 3) * 5)},
                                    {"cancel_at", hundredths(d.in(0, 6) * 5)}, {"shield", d.in(0, 1) ? "on" : "off"}});
}

// ---- task-group-error ---------------------------------------------------------------------------------

TEST_CASE("task-group-error: task 2 fails, task 3 is cancelled, except* catches the ExceptionGroup", "[patterns]") {
  auto r = run_virtual("task-group-error");
  CHECK(texts(r) == std::vector<std::string>{
                        "task 1 done", "task 3 cancelled",
                        "caught ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('task 2 failed')])"});
  CHECK(times(r) == std::vector<double>{1, 2, 2});
  CHECK(r.elapsed == 2);
  CHECK(r.ideal == 2);
  CHECK(r.error.empty());
  CHECK(patterns::pattern_or_throw("task-group-error").group == patterns::kMoreGroup);
}

TEST_CASE("task-group-error with other delays and failing tasks", "[patterns]") {
  // No task fails (0, or past the last task): the group waits for the slowest.
  for (const char* fail : {"0", "4", "20"}) {
    auto r = run_virtual("task-group-error", {{"fail", fail}});
    INFO("fail=" << fail);
    CHECK(texts(r) == std::vector<std::string>{"task 1 done", "task 2 done", "task 3 done", "all tasks done"});
    CHECK(times(r) == std::vector<double>{1, 2, 3, 3});
    CHECK(r.elapsed == 3);
    CHECK(r.ideal == 3);
  }
  // The first to finish fails: every other task is cancelled at that moment, in creation order.
  auto first = run_virtual("task-group-error", {{"delays", "0.5,2,1"}, {"fail", "1"}});
  CHECK(texts(first) == std::vector<std::string>{
                            "task 2 cancelled", "task 3 cancelled",
                            "caught ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('task 1 failed')])"});
  CHECK(times(first) == std::vector<double>{0.5, 0.5, 0.5});
  CHECK(first.elapsed == 0.5);
  CHECK(first.ideal == 0.5);
  // Equal delays: the others wake in the same loop iteration as the failing task and finish before
  // the group hears of the error (as in asyncio: the group learns it from a done callback).
  auto tie = run_virtual("task-group-error", {{"delays", "1,1,1"}, {"fail", "2"}});
  CHECK(texts(tie) == std::vector<std::string>{
                          "task 1 done", "task 3 done",
                          "caught ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('task 2 failed')])"});
  CHECK(times(tie) == std::vector<double>{1, 1, 1});
  CHECK(tie.elapsed == 1);
  CHECK(tie.ideal == 1);
  auto zero = run_virtual("task-group-error", {{"delays", "0,0,0"}, {"fail", "3"}});
  CHECK(texts(zero) == std::vector<std::string>{
                           "task 1 done", "task 2 done",
                           "caught ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('task 3 failed')])"});
  CHECK(zero.elapsed == 0);
  CHECK(zero.ideal == 0);
}

TEST_CASE("task-group-error prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("task-group-error", {{"delays", "0.1,0.2,0.3"}, {"fail", "2"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0.2,0.1,0.3"}, {"fail", "2"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0.1,0.1,0.1"}, {"fail", "2"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0,0,0"}, {"fail", "1"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0,0.1"}, {"fail", "2"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0.1"}, {"fail", "0"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "0.1,0.2"}, {"fail", "20"}}, Order::same_moment_any_order);
  check_against_python("task-group-error", {{"delays", "1e-10,0,0.1"}, {"fail", "2"}}, Order::same_moment_any_order);
}

TEST_CASE("task-group-error prints what the Python original prints, for random parameters", "[patterns][python]") {
  Draw d(20261201);
  const std::vector<std::string> delays{"0", "0.1", "0.2", "0.3", "0.0", "1e-10"};
  for (int i = 0; i < 8; ++i) {
    std::string list;
    for (long n = d.in(1, 5); n > 0; --n) list += (list.empty() ? "" : ",") + d.pick(delays);
    check_against_python("task-group-error", {{"delays", list}, {"fail", std::to_string(d.in(0, 6))}},
                         Order::same_moment_any_order);
  }
}

// ---- event ------------------------------------------------------------------------------------------------

TEST_CASE("event: three workers wait, one set() releases them all at once", "[patterns]") {
  auto r = run_virtual("event");
  CHECK(texts(r) == std::vector<std::string>{"worker 1 waiting", "worker 2 waiting", "worker 3 waiting",
                                             "setting the event", "worker 1 released", "worker 2 released",
                                             "worker 3 released"});
  CHECK(times(r) == std::vector<double>{0, 0, 0, 1, 1, 1, 1});
  CHECK(r.elapsed == 1);
  CHECK(r.ideal == 1);
  CHECK(r.error.empty());
  CHECK(patterns::pattern_or_throw("event").group == patterns::kMoreGroup);
}

TEST_CASE("event with other worker counts and delays", "[patterns]") {
  auto none = run_virtual("event", {{"workers", "0"}, {"delay", "0.5"}});
  CHECK(texts(none) == std::vector<std::string>{"setting the event"});
  CHECK(times(none) == std::vector<double>{0.5});
  CHECK(none.elapsed == 0.5);
  CHECK(none.ideal == 0.5);
  auto now = run_virtual("event", {{"workers", "2"}, {"delay", "0"}});
  CHECK(texts(now) == std::vector<std::string>{"worker 1 waiting", "worker 2 waiting", "setting the event",
                                               "worker 1 released", "worker 2 released"});
  CHECK(now.elapsed == 0);
  CHECK(now.ideal == 0);
  auto many = run_virtual("event", {{"workers", "100"}, {"delay", "2.5"}});
  REQUIRE(many.lines.size() == 201);
  CHECK(many.lines[100].text == "setting the event");
  CHECK(many.lines[200].text == "worker 100 released");
  CHECK(many.lines[200].t == 2.5);
  CHECK(many.elapsed == 2.5);
  CHECK(many.ideal == 2.5);
}

TEST_CASE("event prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("event", {{"workers", "5"}, {"delay", "0.01"}});
  check_against_python("event", {{"workers", "0"}, {"delay", "0"}});
  check_against_python("event", {{"workers", "1"}, {"delay", "1e-10"}});
}

TEST_CASE("event prints what the Python original prints, for random parameters", "[patterns][python]") {
  Draw d(20261202);
  const std::vector<std::string> delays{"0", "0.01", "0.02", "1e-10"};
  for (int i = 0; i < 5; ++i)
    check_against_python("event", {{"workers", std::to_string(d.in(0, 8))}, {"delay", d.pick(delays)}});
}

// ---- lock -------------------------------------------------------------------------------------------------

TEST_CASE("lock: without it 6 of 9 updates are lost, with it the count is right", "[patterns]") {
  auto r = run_virtual("lock");
  CHECK(texts(r) == std::vector<std::string>{"without a lock: counter = 3, expected 9",
                                             "with a lock: counter = 9, expected 9"});
  // Without the lock the three workers' updates overlap (3 x 0.1 s); with it they take turns (9 x 0.1 s).
  CHECK(times(r) == std::vector<double>{0.3, 1.2});
  CHECK(r.elapsed == 1.2);
  CHECK(r.ideal == 1.2);
  CHECK(r.error.empty());
  CHECK(patterns::pattern_or_throw("lock").group == patterns::kMoreGroup);
}

TEST_CASE("lock with other workers, increments and delays", "[patterns]") {
  auto one = run_virtual("lock", {{"workers", "1"}, {"increments", "4"}, {"delay", "0.25"}});
  CHECK(texts(one) == std::vector<std::string>{"without a lock: counter = 4, expected 4",
                                               "with a lock: counter = 4, expected 4"});
  CHECK(times(one) == std::vector<double>{1, 2});
  CHECK(one.elapsed == 2);
  CHECK(one.ideal == 2);
  for (Given g : {Given{{"workers", "0"}}, Given{{"increments", "0"}}}) {
    auto r = run_virtual("lock", g);
    CHECK(texts(r) == std::vector<std::string>{"without a lock: counter = 0, expected 0",
                                               "with a lock: counter = 0, expected 0"});
    CHECK(r.elapsed == 0);
    CHECK(r.ideal == 0);
  }
  // sleep(0) is an await too: the updates still interleave and get lost.
  auto zero = run_virtual("lock", {{"delay", "0"}});
  CHECK(texts(zero) == std::vector<std::string>{"without a lock: counter = 3, expected 9",
                                                "with a lock: counter = 9, expected 9"});
  CHECK(zero.elapsed == 0);
  auto big = run_virtual("lock", {{"workers", "100"}, {"increments", "100"}, {"delay", "0.001"}});
  CHECK(texts(big) == std::vector<std::string>{"without a lock: counter = 100, expected 10000",
                                               "with a lock: counter = 10000, expected 10000"});
  CHECK(big.elapsed == big.ideal);
  CHECK(big.ideal == 10.1);
}

TEST_CASE("lock prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("lock", {{"workers", "2"}, {"increments", "2"}, {"delay", "0.01"}});
  check_against_python("lock", {{"workers", "5"}, {"increments", "1"}, {"delay", "0"}});
  check_against_python("lock", {{"workers", "0"}, {"increments", "3"}, {"delay", "0.01"}});
  check_against_python("lock", {{"workers", "3"}, {"increments", "3"}, {"delay", "0"}});
}

TEST_CASE("lock prints what the Python original prints, for random parameters", "[patterns][python]") {
  Draw d(20261203);
  const std::vector<std::string> delays{"0", "0.01", "0.02"};
  for (int i = 0; i < 5; ++i)
    check_against_python("lock", {{"workers", std::to_string(d.in(0, 4))}, {"increments", std::to_string(d.in(0, 3))},
                                  {"delay", d.pick(delays)}});
}

// ---- retry ------------------------------------------------------------------------------------------------

TEST_CASE("retry: two failures, backoff 0.1 s then 0.2 s, success on the third attempt", "[patterns]") {
  auto r = run_virtual("retry");
  CHECK(texts(r) == std::vector<std::string>{"attempt 1 failed: service unavailable; retrying in 0.1s",
                                             "attempt 2 failed: service unavailable; retrying in 0.2s",
                                             "ok after 3 attempt(s)"});
  CHECK(times(r) == std::vector<double>{0, 0.1, 0.3});
  CHECK(r.elapsed == 0.3);
  CHECK(r.ideal == 0.3);
  CHECK(r.error.empty());
  CHECK(patterns::pattern_or_throw("retry").group == patterns::kMoreGroup);
}

TEST_CASE("retry gives up, caps the wait, and keeps Python's int/float distinction", "[patterns]") {
  auto gave_up = run_virtual("retry", {{"failures", "7"}});
  CHECK(texts(gave_up) == std::vector<std::string>{"attempt 1 failed: service unavailable; retrying in 0.1s",
                                                   "attempt 2 failed: service unavailable; retrying in 0.2s",
                                                   "attempt 3 failed: service unavailable; retrying in 0.4s",
                                                   "attempt 4 failed: service unavailable; retrying in 0.8s",
                                                   "gave up after 5 attempt(s): service unavailable"});
  CHECK(times(gave_up) == std::vector<double>{0, 0.1, 0.3, 0.7, 1.5});
  CHECK(gave_up.elapsed == 1.5);
  CHECK(gave_up.ideal == 1.5);
  // min(base * 2 ** k, max_delay) returns the first when they are equal: 2, then the cap 2.0.
  auto capped = run_virtual("retry", {{"failures", "4"}, {"max_attempts", "10"}, {"base_delay", "1"}, {"max_delay", "2.0"}});
  CHECK(texts(capped) == std::vector<std::string>{"attempt 1 failed: service unavailable; retrying in 1s",
                                                  "attempt 2 failed: service unavailable; retrying in 2s",
                                                  "attempt 3 failed: service unavailable; retrying in 2.0s",
                                                  "attempt 4 failed: service unavailable; retrying in 2.0s",
                                                  "ok after 5 attempt(s)"});
  CHECK(times(capped) == std::vector<double>{0, 1, 3, 5, 7});
  CHECK(capped.elapsed == 7);
  CHECK(capped.ideal == 7);
  auto at_once = run_virtual("retry", {{"failures", "0"}});
  CHECK(texts(at_once) == std::vector<std::string>{"ok after 1 attempt(s)"});
  CHECK(at_once.elapsed == 0);
  CHECK(at_once.ideal == 0);
  auto single = run_virtual("retry", {{"failures", "1"}, {"max_attempts", "1"}});
  CHECK(texts(single) == std::vector<std::string>{"gave up after 1 attempt(s): service unavailable"});
  CHECK(single.elapsed == 0);
  CHECK(single.ideal == 0);
  // The longest run the registry allows: 19 waits of 30 s (min(30, 30) is the first, an int).
  auto longest = run_virtual("retry", {{"failures", "20"}, {"max_attempts", "20"}, {"base_delay", "30"}});
  REQUIRE(longest.lines.size() == 20);
  CHECK(longest.lines[18].text == "attempt 19 failed: service unavailable; retrying in 30s");
  CHECK(longest.elapsed == 570);
  CHECK(longest.ideal == 570);
}

TEST_CASE("retry prints what the Python original prints, for other parameters", "[patterns][python]") {
  check_against_python("retry", {{"failures", "7"}, {"base_delay", "0.01"}});
  check_against_python("retry", {{"failures", "4"}, {"max_attempts", "10"}, {"base_delay", "0.001"}, {"max_delay", "0.002"}});
  check_against_python("retry", {{"failures", "3"}, {"base_delay", "0"}, {"max_delay", "0.0"}});
  check_against_python("retry", {{"failures", "1"}, {"max_attempts", "1"}});
  check_against_python("retry", {{"failures", "0"}});
}

TEST_CASE("retry prints what the Python original prints, for random parameters", "[patterns][python]") {
  Draw d(20261204);
  const std::vector<std::string> bases{"0", "0.001", "0.005", "0.01", "1e-3", "0.5"};
  const std::vector<std::string> caps{"0", "0.01", "0.015", "0.02", "30"};
  for (int i = 0; i < 6; ++i)
    check_against_python("retry", {{"failures", std::to_string(d.in(0, 6))}, {"max_attempts", std::to_string(d.in(1, 6))},
                                   {"base_delay", d.pick(bases)}, {"max_delay", d.pick(caps)}});
}
