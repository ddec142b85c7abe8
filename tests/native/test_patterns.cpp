// The seed patterns: exact CPython output and line times on the virtual clock, elapsed == ideal, the
// Python originals as oracle, and parse_params' validation.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <map>
#include <unistd.h>
#include <vector>

#include "patterns/registry.hpp"
#include "support.hpp"

namespace {

using Given = std::vector<std::pair<std::string, std::string>>;

patterns::RunResult run_virtual(const std::string& id, const Given& given = {}) {
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

std::vector<std::string> python_lines(const std::string& id, const Given& given) {
  std::string cmd = std::string("python3 ") + AIO_SOURCE_DIR + "/native/patterns/python/" + id + ".py";
  for (const auto& [k, v] : given) cmd += " '" + k + "=" + v + "'";
  return test::split_lines(test::run_command(cmd + " 2>&1"));
}

void check_against_python(const std::string& id, const Given& given) {
  auto r = run_virtual(id, given);
  std::string shown;
  for (const auto& [k, v] : given) shown += k + "=" + v + " ";
  INFO(id << " " << shown);
  CHECK(r.error.empty());
  CHECK_FALSE(r.cancelled);
  CHECK(texts(r) == python_lines(id, given));
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
  std::ifstream f(std::string(AIO_SOURCE_DIR) + "/README.md");
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

TEST_CASE("timing: virtual Sequential is tasks*delay, Python prints the same two kinds of lines", "[patterns][python]") {
  for (auto [tasks, delay] : std::vector<std::pair<int, double>>{{2, 0.05}, {4, 0.02}, {1, 0.1}, {0, 0.1}}) {
    Given g{{"tasks", std::to_string(tasks)}, {"delay", aio::py_str(delay)}};
    auto r = run_virtual("timing", g);
    INFO("tasks=" << tasks << " delay=" << delay);
    CHECK(texts(r) == std::vector<std::string>{"Sequential: " + two_decimals(tasks * delay),
                                               "Concurrent: " + two_decimals(tasks ? delay : 0)});
    auto py = python_lines("timing", g);
    REQUIRE(py.size() == 2);
    CHECK(py[0].rfind("Sequential: ", 0) == 0);
    CHECK(py[1].rfind("Concurrent: ", 0) == 0);
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
  check_against_python("executor", {{"delay", "0.05"}, {"workers", "1"}});
  check_against_python("executor", {{"delay", "0"}, {"workers", "3"}});
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
  CHECK_THROWS_WITH(patterns::pattern_or_throw("nope"),
                    "unknown pattern 'nope' (known: create-task, gather, timing, as-completed, wait, task-group, "
                    "chaining, executor)");
}

TEST_CASE("the registry holds the eight seed patterns and lists them as valid JSON", "[patterns][python]") {
  REQUIRE(patterns::all_patterns().size() == 8);
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
                   "['create-task', 'gather', 'timing', 'as-completed', 'wait', 'task-group', 'chaining', 'executor']",
                   "[2, 0.5, 4, 4, 1, 1, 1, 2]"});
}
