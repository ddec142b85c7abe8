// The aio-patterns CLI, driven in-process through patterns::cli_main.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "patterns/registry.hpp"
#include "support.hpp"

namespace {

struct Cli {
  int status;
  std::string out;
  std::string err;
};

Cli cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int s = patterns::cli_main(args, out, err);
  return Cli{s, out.str(), err.str()};
}

// A bad command line: status 2, a message on err, nothing on out.
void check_rejected(const std::vector<std::string>& args, const std::string& message) {
  auto r = cli(args);
  std::string shown;
  for (const auto& a : args) shown += "[" + a + "] ";
  INFO(shown);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains(message));
  CHECK_THAT(r.err, Catch::StartsWith("aio-patterns: "));
}

}  // namespace

TEST_CASE("cli list prints every pattern id with its parameters", "[cli]") {
  auto r = cli({"list"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  for (const char* id : {"create-task", "gather", "timing", "as-completed", "wait", "task-group", "chaining", "executor"})
    CHECK_THAT(r.out, Catch::Contains(std::string(id) + "  "));
  CHECK_THAT(r.out, Catch::Contains("    delay1=2  How long Task 1 sleeps."));
}

TEST_CASE("cli list --json prints valid JSON of the registry", "[cli][python]") {
  auto r = cli({"list", "--json"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  std::string got =
      test::python_over_json(r.out, "print(len(d), d[0]['id'], [p['key'] for p in d[0]['params']])", "cli_list");
  CHECK(got == std::to_string(patterns::all_patterns().size()) + " create-task ['delay1', 'delay2', 'work']\n");
}

TEST_CASE("cli with no arguments prints the usage on err and returns 2; --help on out and returns 0", "[cli]") {
  auto none = cli({});
  CHECK(none.status == 2);
  CHECK(none.out.empty());
  CHECK_THAT(none.err, Catch::StartsWith("usage: aio-patterns list"));
  auto help = cli({"--help"});
  CHECK(help.status == 0);
  CHECK(help.err.empty());
  CHECK_THAT(help.out, Catch::StartsWith("usage: aio-patterns list"));
  CHECK(cli({"-h"}).status == 0);
}

TEST_CASE("cli run <id> --clock virtual prints exactly the pattern's lines", "[cli]") {
  auto r = cli({"run", "create-task", "--clock", "virtual"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "Main: doing other work\nTask 1 started\nTask 2 started\nTask 2 completed\nTask 1 completed\n"
        "Results: Result from Task 1, Result from Task 2\n");
  auto w = cli({"run", "wait", "--clock", "virtual", "--param", "delays=2,1", "--param", "return_when=ALL_COMPLETED"});
  CHECK(w.status == 0);
  CHECK(w.out == "First completed: Task 2\nFirst completed: Task 1\n");
}

TEST_CASE("cli run on the real clock with a small time scale prints the same lines", "[cli]") {
  auto r = cli({"run", "as-completed", "--time-scale", "0.001", "--param", "tasks=3"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "Task 3 completed (delay: 0s)\nTask 2 completed (delay: 1s)\nTask 1 completed (delay: 2s)\n");
}

TEST_CASE("cli run --json prints one object {id, params, clock, time_scale, lines, elapsed, ideal}", "[cli][python]") {
  auto r = cli({"run", "create-task", "--clock", "virtual", "--json", "--param", "delay1=0.5"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Main: doing other work\n") == std::string::npos);  // no plain lines with --json
  std::string got = test::python_over_json(r.out,
                                           "print(sorted(d))\n"
                                           "print(d['id'], d['params'], d['clock'], d['time_scale'])\n"
                                           "print([(l['t'], l['text']) for l in d['lines']])\n"
                                           "print(d['elapsed'], d['ideal'], d['cancelled'])",
                                           "cli_run");
  CHECK(got ==
        "['cancelled', 'clock', 'elapsed', 'id', 'ideal', 'lines', 'params', 'time_scale']\n"
        "create-task {'delay1': '0.5', 'delay2': '1', 'work': '0.5'} virtual 1\n"
        "[(0, 'Main: doing other work'), (0, 'Task 1 started'), (0, 'Task 2 started'), (0.5, 'Task 1 completed'), "
        "(1, 'Task 2 completed'), (1, 'Results: Result from Task 1, Result from Task 2')]\n"
        "1 1 False\n");
}

TEST_CASE("cli run --trace FILE writes the run's Chrome trace JSON", "[cli][python]") {
  std::string path = test::temp_path("cli_trace");
  std::remove(path.c_str());
  auto r = cli({"run", "gather", "--clock", "virtual", "--param", "users=2", "--trace", path});
  CHECK(r.status == 0);
  CHECK(r.out == "Fetched 2 users\n");
  std::ifstream f(path);
  REQUIRE(f.good());
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  std::string got = test::python_over_json(
      text,
      "ev=d['traceEvents']\n"
      "print(sorted({e['args']['name'] for e in ev if e['name']=='thread_name'}))\n"
      "print(sorted({e['name'] for e in ev if e['ph']=='X'}))\n"
      "print([e['name'] for e in ev if e['ph']=='i' and e['s']=='p'])",
      "cli_trace");
  CHECK(got ==
        "['Task-1', 'Task-2', 'Task-3']\n"  // main and the two gathered fetches
        "['ready', 'running', 'sleeping', 'waiting']\n"
        "['Fetched 2 users']\n");
}

TEST_CASE("cli run --trace to a path that cannot be written returns 1 with a message", "[cli]") {
  auto r = cli({"run", "gather", "--clock", "virtual", "--trace", "/nonexistent-dir/x/trace.json"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Catch::Contains("cannot write the trace"));
}

TEST_CASE("cli rejects an unknown command", "[cli]") {
  check_rejected({"frobnicate"}, "unknown command 'frobnicate'");
  check_rejected({"lists"}, "unknown command 'lists'");
  check_rejected({"list", "--yaml"}, "list takes only --json");
}

TEST_CASE("cli rejects an unknown pattern id, or none", "[cli]") {
  check_rejected({"run", "nope", "--clock", "virtual"}, "unknown pattern 'nope'");
  check_rejected({"run"}, "run needs a pattern id");
  check_rejected({"run", "--clock", "virtual"}, "run needs a pattern id");
  check_rejected({"run", "gather", "wait"}, "unexpected argument 'wait'");
}

TEST_CASE("cli rejects an unknown option", "[cli]") {
  check_rejected({"run", "gather", "--bogus"}, "unknown option '--bogus'");
  check_rejected({"run", "gather", "-x"}, "unknown option '-x'");
}

TEST_CASE("cli rejects an option without its value", "[cli]") {
  check_rejected({"run", "gather", "--clock"}, "--clock needs a value");
  check_rejected({"run", "gather", "--time-scale"}, "--time-scale needs a value");
  check_rejected({"run", "gather", "--param"}, "--param needs a value");
  check_rejected({"run", "gather", "--trace"}, "--trace needs a value");
}

TEST_CASE("cli rejects a bad --clock", "[cli]") {
  check_rejected({"run", "gather", "--clock", "sundial"}, "--clock: 'sundial' is not real or virtual");
  check_rejected({"run", "gather", "--clock", "Virtual"}, "is not real or virtual");
}

TEST_CASE("cli rejects a bad, huge, tiny, negative or NaN --time-scale", "[cli]") {
  check_rejected({"run", "gather", "--time-scale", "abc"}, "--time-scale: 'abc' is not a number");
  check_rejected({"run", "gather", "--time-scale", ""}, "--time-scale: '' is not a number");
  check_rejected({"run", "gather", "--time-scale", "1x"}, "--time-scale: '1x' is not a number");
  check_rejected({"run", "gather", "--time-scale", "nan"}, "--time-scale: 'nan' is not a number");
  check_rejected({"run", "gather", "--time-scale", "inf"}, "--time-scale: 'inf' is not a number");
  check_rejected({"run", "gather", "--time-scale", "1e9"}, "--time-scale: 1000000000.0 is out of range [0.001, 100.0]");
  check_rejected({"run", "gather", "--time-scale", "1e999"}, "--time-scale: '1e999' is not a number");
  check_rejected({"run", "gather", "--time-scale", "-1"}, "--time-scale: -1.0 is out of range [0.001, 100.0]");
  check_rejected({"run", "gather", "--time-scale", "0"}, "--time-scale: 0.0 is out of range [0.001, 100.0]");
  check_rejected({"run", "gather", "--time-scale", "0.0001"}, "is out of range");
}

TEST_CASE("cli rejects a bad --param", "[cli]") {
  check_rejected({"run", "gather", "--param", "noequals"}, "--param: 'noequals' is not key=value");
  check_rejected({"run", "gather", "--param", "=5"}, "--param: '=5' is not key=value");
  check_rejected({"run", "gather", "--param", "bogus=1"}, "gather has no parameter 'bogus'");
  check_rejected({"run", "gather", "--param", "users=abc"}, "gather parameter 'users': 'abc' is not a number");
  check_rejected({"run", "gather", "--param", "users=-1"}, "gather parameter 'users': -1 is out of range [0, 100000]");
  check_rejected({"run", "gather", "--param", "delay=nan"}, "gather parameter 'delay': 'nan' is not a number");
  check_rejected({"run", "wait", "--param", "return_when=NEVER"}, "is not one of FIRST_COMPLETED");
}

TEST_CASE("cli bad arguments are checked before anything runs", "[cli]") {
  // A bad option after valid ones: still nothing on out (the pattern never started).
  check_rejected({"run", "create-task", "--clock", "virtual", "--param", "delay1=1", "--time-scale", "-5"},
                 "out of range");
}

TEST_CASE("cli messages show at most 40 characters of a bad argument", "[cli]") {
  std::string longarg(100, 'z');
  auto r = cli({longarg});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command '" + std::string(40, 'z') + "...'"));
  CHECK(r.err.find(std::string(41, 'z')) == std::string::npos);
}
