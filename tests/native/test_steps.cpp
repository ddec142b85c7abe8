// The step record (aio/steps.hpp): one record per loop iteration in which anything ran, with the
// tasks' states and the lines they are suspended at; the patterns' C++-to-Python line maps
// (patterns/steps.hpp); and `aio-patterns run <id> --steps` against CPython (_steps.py) for every
// pattern but the executor.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "patterns/steps.hpp"
#include "support.hpp"

namespace {

// Runs `main` on the virtual clock with a recorder watching this file's lines.
std::vector<aio::StepRecord> record(aio::Coro<> main) {
  std::vector<aio::StepRecord> out;
  aio::StepRecorder rec([&](aio::StepRecord& r) { out.push_back(r); }, "test_steps.cpp");
  aio::RunOptions o;
  o.clock = aio::ClockKind::virtual_time;
  o.trace = &rec.trace();
  o.on_start = [&](aio::EventLoop& loop) { rec.attach(loop); };
  o.output = [](std::string_view, double) {};
  aio::run(std::move(main), o);
  return out;
}

const aio::StepTask& task(const aio::StepRecord& r, const std::string& name) {
  for (const auto& t : r.tasks)
    if (t.name == name) return t;
  throw std::logic_error("no task " + name);
}

using Strings = std::vector<std::string>;

// The lines of this file the coroutines below are suspended at.
constexpr int kChildDef = __LINE__ + 1;
aio::Coro<std::string> child(std::string name, double delay) {
  constexpr int kSleep = __LINE__ + 1;
  co_await aio::sleep(delay);
  static_assert(kSleep == kChildDef + 2);
  aio::print(name + " woke");
  co_return name;
}
constexpr int kChildSleep = kChildDef + 2;

constexpr int kAwaitA = __LINE__ + 5;
constexpr int kAwaitB = __LINE__ + 5;
aio::Coro<> two_children() {
  auto a = aio::create_task(child("a", 0.5));
  auto b = aio::create_task(child("b", 0.25));
  co_await a;
  co_await b;
  aio::print("main done");
}

}  // namespace

TEST_CASE("steps: one record per iteration in which something ran, at the loop time", "[steps]") {
  auto rs = record(two_children());
  // 1 main creates a, b and waits; 2 a and b sleep; 3 (0.25) b's timer; 4 b ends; 5 (0.5) a's timer;
  // 6 a ends, waking main; 7 main goes on to await b (done: no suspension) and ends.
  REQUIRE(rs.size() == 7);
  for (std::size_t i = 0; i < rs.size(); ++i) CHECK(rs[i].iteration == i + 1);
  std::vector<double> times;
  for (const auto& r : rs) times.push_back(r.time);
  CHECK(times == std::vector<double>{0, 0, 0.25, 0.25, 0.5, 0.5, 0.5});
  CHECK(rs[0].ran == Strings{"Task-1"});
  CHECK(rs[1].ran == Strings{"Task-2", "Task-3"});
  CHECK(rs[2].ran.empty());
  CHECK(rs[2].callbacks == Strings{"timer fired for Task-3"});
  CHECK(rs[3].ran == Strings{"Task-3"});
  CHECK(rs[3].printed == Strings{"b woke"});
  CHECK(rs[5].ran == Strings{"Task-2"});
  CHECK(rs[6].ran == Strings{"Task-1"});
  CHECK(rs[6].printed == Strings{"main done"});
}

TEST_CASE("steps: ready and timers show what comes next, in order", "[steps]") {
  auto rs = record(two_children());
  REQUIRE(rs.size() == 7);
  CHECK(rs[0].ready == Strings{"Task-2", "Task-3"});
  CHECK(rs[0].timers.empty());
  REQUIRE(rs[1].timers.size() == 2);
  CHECK(rs[1].timers[0].task == "Task-3");  // firing order: b's 0.25 before a's 0.5
  CHECK(rs[1].timers[0].at == 0.25);
  CHECK(rs[1].timers[1].task == "Task-2");
  CHECK(rs[1].timers[1].at == 0.5);
  CHECK(rs[2].ready == Strings{"Task-3"});
  CHECK(rs[2].timers.size() == 1);
  CHECK(rs[5].ready == Strings{"Task-1"});
}

TEST_CASE("steps: every task in creation order, with its state, line, awaited future and wake time", "[steps]") {
  auto rs = record(two_children());
  REQUIRE(rs.size() == 7);
  // After iteration 1: main waits on a at its co_await; a and b have not started.
  REQUIRE(rs[0].tasks.size() == 3);
  CHECK(rs[0].tasks[0].name == "Task-1");
  CHECK(rs[0].tasks[0].state == "waiting");
  CHECK(rs[0].tasks[0].awaiting == "Task-2");
  CHECK(rs[0].tasks[0].cpp_line == kAwaitA);
  CHECK(rs[0].tasks[1].state == "ready");
  CHECK(rs[0].tasks[1].function == "child");  // not started: at its definition, which the caller maps
  CHECK_FALSE(rs[0].tasks[1].cpp_line);
  // After iteration 2: both sleep at the sleep line, until their deadlines.
  CHECK(task(rs[1], "Task-2").state == "sleeping");
  CHECK(task(rs[1], "Task-2").cpp_line == kChildSleep);
  CHECK(task(rs[1], "Task-2").until == 0.5);
  CHECK(task(rs[1], "Task-3").until == 0.25);
  CHECK(task(rs[1], "Task-3").function.empty());
  // After b's timer fired: b is ready (still at its sleep), no longer "until".
  CHECK(task(rs[2], "Task-3").state == "ready");
  CHECK(task(rs[2], "Task-3").cpp_line == kChildSleep);
  CHECK_FALSE(task(rs[2], "Task-3").until);
  // Done: the value's repr, no line.
  CHECK(task(rs[3], "Task-3").state == "done");
  CHECK(task(rs[3], "Task-3").result == std::string("'b'"));
  CHECK_FALSE(task(rs[3], "Task-3").cpp_line);
  CHECK(task(rs[6], "Task-1").state == "done");
  (void)kAwaitB;
}

namespace {
aio::Coro<long> fails() {
  co_await aio::sleep(0);
  throw std::runtime_error("boom");
}
aio::Coro<long> number() {
  co_await aio::sleep(0);
  co_return 42;
}
constexpr int kGather = __LINE__ + 4;
aio::Coro<> gathers() {
  auto f = aio::create_task(fails());
  auto g = aio::gather(number(), number());
  co_await g;
  auto e = co_await test::error_of(f);
  (void)e;
}
}  // namespace

TEST_CASE("steps: gather, results and failures", "[steps]") {
  auto rs = record(gathers());
  REQUIRE(rs.size() >= 4);
  CHECK(task(rs[0], "Task-1").awaiting == "gather");
  CHECK(task(rs[0], "Task-1").cpp_line == kGather);
  CHECK(rs[0].ready == Strings{"Task-2", "Task-3", "Task-4"});
  const auto& last = rs.back();
  CHECK(task(last, "Task-2").state == "failed");
  CHECK(task(last, "Task-2").result == std::string("boom"));
  CHECK(task(last, "Task-3").result == std::string("42"));
  bool gather_callback = false;
  for (const auto& r : rs)
    for (const auto& c : r.callbacks) gather_callback |= c == "gather: child done";
  CHECK(gather_callback);
}

TEST_CASE("steps: the record as one line of JSON, fields in the documented order", "[steps]") {
  auto rs = record(two_children());
  REQUIRE(rs.size() == 7);
  const std::string j = rs[1].to_json();
  CHECK(j.find('\n') == std::string::npos);
  CHECK(j.rfind("{\"iteration\":2,\"time\":0,\"ran\":[\"Task-2\",\"Task-3\"],\"callbacks\":[],\"printed\":[],"
                "\"ready\":[],\"timers\":[{\"task\":\"Task-3\",\"at\":0.25},{\"task\":\"Task-2\",\"at\":0.5}],"
                "\"tasks\":[{\"name\":\"Task-1\",\"state\":\"waiting\",\"cpp_line\":" + std::to_string(kAwaitA) +
                ",\"py_line\":null,\"awaiting\":\"Task-2\",\"until\":null,\"result\":null}",
                0) == 0);
}

TEST_CASE("steps: a recorder needs the run's trace, and only one records a loop", "[steps]") {
  aio::StepRecorder rec([](aio::StepRecord&) {});
  aio::RunOptions o;
  o.clock = aio::ClockKind::virtual_time;
  o.on_start = [&](aio::EventLoop& loop) { rec.attach(loop); };
  CHECK_THROWS_AS(aio::run(two_children(), o), std::logic_error);
  CHECK(aio::detail::t_steps == nullptr);
}

TEST_CASE("steps: nothing is recorded, and no hook is set, without a recorder", "[steps]") {
  CHECK(aio::detail::t_steps == nullptr);
  std::vector<test::Printed> out;
  test::run_virtual(two_children(), &out);
  CHECK(out.size() == 3);
  CHECK(aio::detail::t_steps == nullptr);
}

// ---- the patterns' line maps ------------------------------------------------------------------

namespace {

std::string source_file(const std::string& path) {
  std::ifstream f(test::source_dir() + "/native/patterns/" + path, std::ios::binary);
  REQUIRE(f);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("steps: every pattern's markers resolve in the maps built in", "[steps][patterns]") {
  for (const patterns::Pattern* p : patterns::all_patterns()) {
    INFO(p->id);
    REQUIRE_NOTHROW(patterns::line_map(*p));
    CHECK_FALSE(patterns::line_map(*p).await_lines.empty());
  }
}

TEST_CASE("steps: the maps built in are those of the files, and cover every co_await and coroutine definition", "[steps][patterns][host]") {
  for (const patterns::Pattern* p : patterns::all_patterns()) {
    INFO(p->id);
    const patterns::LineMap& built = patterns::line_map(*p);
    const std::string cpp = source_file(built.cpp_file);
    const patterns::LineMap m = patterns::line_map(built.cpp_file, cpp, built.py_file, source_file("python/" + built.py_file));
    CHECK(m.await_lines == built.await_lines);
    CHECK(m.defs.size() == built.defs.size());
    for (const auto& [fn, d] : m.defs) {
      INFO(fn);
      REQUIRE(built.defs.count(fn) == 1);
      CHECK(built.defs.at(fn).cpp_line == d.cpp_line);
      CHECK(built.defs.at(fn).py_line == d.py_line);
    }
    auto lines = test::split_lines(cpp);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      INFO(m.cpp_file << ":" << i + 1 << ": " << l);
      if (l.find("co_await") != std::string::npos) CHECK(m.await_lines.count(static_cast<int>(i + 1)) == 1);
      if (l.rfind("aio::Coro<", 0) == 0 && l.find("// py: -") == std::string::npos) {
        bool defined = false;
        for (const auto& [fn, d] : m.defs) defined |= d.cpp_line == static_cast<int>(i + 1);
        CHECK(defined);
      }
    }
  }
}

TEST_CASE("steps: the line map follows edits of either file, and a marker that no longer matches throws", "[steps][patterns]") {
  const std::string cpp =
      "aio::Coro<> main_coro() {  // py: async def main():\n"
      "  co_await aio::sleep(1);  // py: await asyncio.sleep(1)\n"
      "  co_await aio::sleep(1);  // py: await asyncio.sleep(1)\n"
      "  co_await f([&] {  // py: await f(\n"
      "    g();\n"
      "  });\n"
      "}\n";
  const std::string py =
      "async def main():\n"
      "    await asyncio.sleep(1)\n"
      "    await asyncio.sleep(1)\n"
      "    await f(\n"
      "    )\n";
  auto m = patterns::line_map("x.cpp", cpp, "x.py", py);
  CHECK(m.defs.at("main_coro").cpp_line == 1);
  CHECK(m.defs.at("main_coro").py_line == 1);
  CHECK(m.await_lines == std::map<int, int>{{2, 2}, {3, 3}, {4, 4}, {5, 4}, {6, 4}});
  // A line added to the Python file moves the map with it.
  auto moved = patterns::line_map("x.cpp", cpp, "x.py", "import asyncio\n\n" + py);
  CHECK(moved.await_lines.at(3) == 5);
  // A Python line changed under its marker: the map cannot be built.
  std::string edited = py;
  edited.replace(edited.find("await asyncio.sleep(1)\n    await"), 22, "await asyncio.sleep(2)");
  CHECK_THROWS_WITH(patterns::line_map("x.cpp", cpp, "x.py", edited),
                    Catch::Contains("x.cpp:3: the marker 'await asyncio.sleep(1)' matches no line of x.py"));
}

TEST_CASE("steps: run_steps gives each task's Python line, and the unstarted ones their def line", "[steps][patterns]") {
  const auto& p = patterns::pattern_or_throw("gather");
  auto records = patterns::run_steps(p, patterns::parse_params(p, {{"users", "2"}}));
  REQUIRE(records.size() == 6);
  // Iteration 1: main waits at `results = await asyncio.gather(*tasks)` (18); the fetches are at
  // `async def fetch_user` (9).
  CHECK(records[0].find("\"name\":\"Task-1\",\"state\":\"waiting\",\"cpp_line\":23,\"py_line\":18") != std::string::npos);
  CHECK(records[0].find("\"name\":\"Task-2\",\"state\":\"ready\",\"cpp_line\":13,\"py_line\":9") != std::string::npos);
  CHECK(records[1].find("\"name\":\"Task-2\",\"state\":\"sleeping\",\"cpp_line\":15,\"py_line\":11") != std::string::npos);
  CHECK(records[5].find("\"printed\":[\"Fetched 2 users\"]") != std::string::npos);
}

// ---- the CLI against CPython --------------------------------------------------------------------

namespace {

std::string steps_of_cli(const std::string& id, const std::vector<std::string>& given) {
  std::vector<std::string> args{"run", id, "--steps"};
  for (const auto& kv : given) {
    args.push_back("--param");
    args.push_back(kv);
  }
  std::ostringstream out, err;
  int status = patterns::cli_main(args, out, err);
  INFO(err.str());
  CHECK(status == 0);
  return out.str();
}

void check_steps_against_python(const std::string& id, const std::vector<std::string>& given, bool sets = false) {
  std::string shown;
  for (const auto& kv : given) shown += kv + " ";
  INFO(id << " " << shown);
  const std::string dir = test::source_dir() + "/native/patterns/python/";
  const std::string cpp_path = test::temp_path("steps_cpp"), py_path = test::temp_path("steps_py");
  {
    std::ofstream f(cpp_path);
    f << steps_of_cli(id, given);
  }
  std::string cmd = "cd " + dir + " && python3 _steps.py " + id + ".py";
  for (const auto& kv : given) cmd += " '" + kv + "'";
  {
    std::ofstream f(py_path);
    f << test::run_command(cmd);
  }
  std::string verdict = test::run_command("python3 " + test::source_dir() + "/tests/native/steps_compare.py " +
                                          cpp_path + " " + py_path + (sets ? " --sets" : "") + " 2>&1");
  std::remove(cpp_path.c_str());
  std::remove(py_path.c_str());
  CHECK(verdict == "ok\n");
}

}  // namespace

TEST_CASE("cli run --steps: create-task steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("create-task", {});
  check_steps_against_python("create-task", {"delay1=0.05", "delay2=0.1", "work=0.01"});
  check_steps_against_python("create-task", {"delay1=0", "delay2=0", "work=0"});
  check_steps_against_python("create-task", {"delay1=1", "delay2=1", "work=1"});
}

TEST_CASE("cli run --steps: gather steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("gather", {});
  check_steps_against_python("gather", {"users=0"});
  check_steps_against_python("gather", {"users=1", "delay=0"});
  check_steps_against_python("gather", {"users=12", "delay=0.25"});
}

TEST_CASE("cli run --steps: timing steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("timing", {});
  check_steps_against_python("timing", {"tasks=1", "delay=0"});
  check_steps_against_python("timing", {"tasks=5", "delay=0.1"});
}

TEST_CASE("cli run --steps: as-completed steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("as-completed", {}, true);
  check_steps_against_python("as-completed", {"tasks=0"}, true);
  check_steps_against_python("as-completed", {"tasks=1"}, true);
  check_steps_against_python("as-completed", {"tasks=3"}, true);
}

TEST_CASE("cli run --steps: wait steps as CPython's", "[steps][cli][python]") {
  // wait.py cancels its `pending` set: in an order of addresses.
  check_steps_against_python("wait", {}, true);
  check_steps_against_python("wait", {"delays=0.1,0.05,0.15", "return_when=ALL_COMPLETED"}, true);
  check_steps_against_python("wait", {"delays=0.2,0.01", "return_when=ALL_COMPLETED", "timeout=0.1"}, true);
  check_steps_against_python("wait", {"delays=1,1,2", "return_when=FIRST_EXCEPTION"}, true);
  check_steps_against_python("wait", {"delays=0.3,0.1", "timeout=0.05"}, true);
}

TEST_CASE("cli run --steps: task-group steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("task-group", {});
  check_steps_against_python("task-group", {"values=5", "delay=0"});
  check_steps_against_python("task-group", {"values=1,2,3,4,5,6", "delay=0.5"});
}

TEST_CASE("cli run --steps: chaining steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("chaining", {});
  check_steps_against_python("chaining", {"delay=0", "orders=0"});
  check_steps_against_python("chaining", {"user_id=7", "delay=0.1", "orders=5"});
}

TEST_CASE("cli run --steps: producer-consumer steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("producer-consumer", {});
  check_steps_against_python("producer-consumer", {"producers=1", "consumers=1", "items=3", "maxsize=1", "produce=0.05",
                                                   "consume=0.12"});
  check_steps_against_python("producer-consumer", {"producers=3", "consumers=2", "items=5", "maxsize=0", "produce=0.1",
                                                   "consume=0.03"});
  check_steps_against_python("producer-consumer", {"producers=2", "consumers=2", "items=6", "maxsize=1", "produce=0",
                                                   "consume=0"});
  check_steps_against_python("producer-consumer", {"items=0", "consumers=1"});
}

TEST_CASE("cli run --steps: semaphore steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("semaphore", {});
  check_steps_against_python("semaphore", {"requests=0"});
  check_steps_against_python("semaphore", {"requests=3", "limit=5", "delay=0.05"});
  check_steps_against_python("semaphore", {"requests=4", "limit=1", "delay=0.02"});
  check_steps_against_python("semaphore", {"requests=7", "limit=3", "delay=0"});
}

TEST_CASE("cli run --steps: timeout steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("timeout", {});
  check_steps_against_python("timeout", {"work=0.05", "timeout=0.1"});
  check_steps_against_python("timeout", {"work=0.1", "timeout=0.1"});
  check_steps_against_python("timeout", {"work=0.05", "timeout=0"});
  check_steps_against_python("timeout", {"work=0", "timeout=0"});
  check_steps_against_python("timeout", {"work=0", "timeout=0.05"});
}

TEST_CASE("cli run --steps: cancel steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("cancel", {});
  check_steps_against_python("cancel", {"shield=off"});
  check_steps_against_python("cancel", {"cancel_at=0.5"});
  check_steps_against_python("cancel", {"cancel_at=4"});
  check_steps_against_python("cancel", {"cancel_at=1"});
  check_steps_against_python("cancel", {"work=0", "save=0", "cancel_at=0"});
  check_steps_against_python("cancel", {"work=0", "save=0.05", "cancel_at=0", "shield=off"});
}

TEST_CASE("cli run --steps: task-group-error steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("task-group-error", {});
  check_steps_against_python("task-group-error", {"fail=0"});
  // Two tasks cancelled at once: the group cancels them from its set of tasks, in an order of addresses.
  check_steps_against_python("task-group-error", {"delays=0.5,2,1", "fail=1"}, true);
  check_steps_against_python("task-group-error", {"delays=1,1,1", "fail=2"});
  check_steps_against_python("task-group-error", {"delays=0,0,0", "fail=3"});
}

TEST_CASE("cli run --steps: event steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("event", {});
  check_steps_against_python("event", {"workers=0", "delay=0.5"});
  check_steps_against_python("event", {"workers=2", "delay=0"});
  check_steps_against_python("event", {"workers=20", "delay=2.5"});
}

TEST_CASE("cli run --steps: lock steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("lock", {});
  check_steps_against_python("lock", {"workers=1", "increments=4", "delay=0.25"});
  check_steps_against_python("lock", {"delay=0"});
  check_steps_against_python("lock", {"workers=0"});
}

TEST_CASE("cli run --steps: retry steps as CPython's", "[steps][cli][python]") {
  check_steps_against_python("retry", {});
  check_steps_against_python("retry", {"failures=7"});
  check_steps_against_python("retry", {"failures=0"});
  check_steps_against_python("retry", {"failures=4", "max_attempts=3", "base_delay=0.5", "max_delay=1"});
  check_steps_against_python("retry", {"base_delay=0"});
}

TEST_CASE("cli run --steps: executor's jobs are entries of their own", "[steps][cli][threads]") {
  std::string out = steps_of_cli("executor", {"delay=0.5", "workers=2"});
  auto lines = test::split_lines(out);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front().find("\"name\":\"blocking_io (job 1)\"") != std::string::npos);
  CHECK(lines.back().find("\"name\":\"blocking_io (job 1)\",\"state\":\"done\"") != std::string::npos);
  CHECK(lines.back().find("\"name\":\"blocking_io (job 2)\",\"state\":\"done\"") != std::string::npos);
  CHECK(lines.back().find("\"printed\":[\"Result\"]") != std::string::npos);
}

TEST_CASE("cli run --steps refuses the options of a real-time run", "[steps][cli]") {
  std::ostringstream out, err;
  CHECK(patterns::cli_main({"run", "gather", "--steps", "--json"}, out, err) == 2);
  CHECK(err.str().find("--steps runs on the virtual clock") != std::string::npos);
  CHECK(patterns::cli_main({"run", "gather", "--steps", "--clock", "real"}, out, err) == 2);
  CHECK(patterns::cli_main({"run", "gather", "--steps", "--clock", "virtual"}, out, err) == 0);
}
