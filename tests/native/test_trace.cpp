// Trace: task, job and line events with exact virtual times; to_json and to_chrome_json.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

// The lines python3 prints for `code` over `json`, with n(x) defined: a whole number as an int.
std::vector<std::string> python_json_lines(const std::string& json, const std::string& code, const std::string& stem) {
  const std::string n = "n=lambda x: int(x) if isinstance(x,(int,float)) and float(x).is_integer() else x\n";
  return test::split_lines(test::python_over_json(json, n + code, "trace_" + stem));
}

struct Ev {
  std::string state;
  double t;
  std::string text;
  std::uint64_t parent;
  bool operator==(const Ev& o) const { return state == o.state && t == o.t && text == o.text && parent == o.parent; }
};
std::ostream& operator<<(std::ostream& os, const Ev& e) {
  return os << "{" << e.state << " @" << e.t << " '" << e.text << "' parent " << e.parent << "}";
}

std::vector<Ev> task_events(const aio::Trace& tr, std::uint64_t id) {
  std::vector<Ev> out;
  for (const auto& e : tr.events())
    if (e.kind == aio::TraceEvent::Kind::task && e.id == id)
      out.push_back(Ev{aio::to_string(static_cast<aio::TaskState>(e.state)), e.t, e.text, e.parent});
  return out;
}

std::vector<Ev> job_events(const aio::Trace& tr, std::uint64_t id) {
  std::vector<Ev> out;
  for (const auto& e : tr.events())
    if (e.kind == aio::TraceEvent::Kind::job && e.id == id)
      out.push_back(Ev{std::string(aio::to_string(static_cast<aio::JobState>(e.state))) + "/" + std::to_string(e.worker),
                       e.t, e.text, e.parent});
  return out;
}

// main (Task-1) starts a (sleeps 1), b (sleeps 0.5 then fails) and c (sleeps 10, cancelled at 2).
aio::Coro<> scenario() {
  auto a = aio::create_task([]() -> aio::Coro<int> {
    co_await aio::sleep(1);
    co_return 1;
  }());
  auto b = aio::create_task([]() -> aio::Coro<> {
    co_await aio::sleep(0.5);
    throw std::runtime_error("boom");
  }());
  auto c = aio::create_task([]() -> aio::Coro<> { co_await aio::sleep(10); }(), "sleeper");
  co_await aio::sleep(2);
  c.cancel();
  co_await a;
  try {
    co_await b;
  } catch (const std::exception&) {
  }
  try {
    co_await c;
  } catch (const aio::CancelledError&) {
  }
  aio::print("end");
}

std::string job_wait(double d) {
  aio::blocking_sleep(d);
  return "waited";
}
[[maybe_unused]] const bool job_named =
    (aio::register_job_name(reinterpret_cast<const void*>(&job_wait), "job_wait"), true);

}  // namespace

TEST_CASE("trace records each task's created/running/sleeping/waiting/done at exact virtual times", "[trace]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  CHECK(task_events(tr, 1) == std::vector<Ev>{{"created", 0, "Task-1", 0},
                                              {"running", 0, "", 0},
                                              {"sleeping", 0, "", 0},
                                              {"running", 2, "", 0},
                                              {"waiting", 2, "", 0},
                                              {"running", 2, "", 0},
                                              {"done", 2, "", 0}});
  CHECK(task_events(tr, 2) == std::vector<Ev>{{"created", 0, "Task-2", 1},
                                              {"running", 0, "", 0},
                                              {"sleeping", 0, "", 0},
                                              {"running", 1, "", 0},
                                              {"done", 1, "", 0}});
}

TEST_CASE("trace records a failed task with its error and a cancelled task", "[trace]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  CHECK(task_events(tr, 3) == std::vector<Ev>{{"created", 0, "Task-3", 1},
                                              {"running", 0, "", 0},
                                              {"sleeping", 0, "", 0},
                                              {"running", 0.5, "", 0},
                                              {"failed", 0.5, "boom", 0}});
  CHECK(task_events(tr, 4) == std::vector<Ev>{{"created", 0, "sleeper", 1},
                                              {"running", 0, "", 0},
                                              {"sleeping", 0, "", 0},
                                              {"running", 2, "", 0},
                                              {"cancelled", 2, "", 0}});
}

TEST_CASE("trace records printed lines with their task and time", "[trace]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  std::vector<aio::TraceEvent> lines;
  for (const auto& e : tr.events())
    if (e.kind == aio::TraceEvent::Kind::line) lines.push_back(e);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text == "end");
  CHECK(lines[0].t == 2);
  CHECK(lines[0].id == 1);
}

TEST_CASE("trace events at one time keep the order things happened in", "[trace]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  std::vector<std::string> first;
  for (const auto& e : tr.events()) {
    if (e.t != 0) break;
    first.push_back(std::to_string(e.id) + ":" + aio::to_string(static_cast<aio::TaskState>(e.state)));
  }
  CHECK(first == std::vector<std::string>{"1:created", "1:running", "2:created", "3:created", "4:created",
                                          "1:sleeping", "2:running", "2:sleeping", "3:running", "3:sleeping",
                                          "4:running", "4:sleeping"});
}

TEST_CASE("the trace listener sees every event; keep=false stores none", "[trace]") {
  aio::Trace kept;
  test::run_virtual(scenario(), nullptr, &kept);
  aio::Trace streamed;
  streamed.keep = false;
  std::vector<std::string> seen;
  streamed.listener = [&](const aio::TraceEvent& e) { seen.push_back(aio::Trace::to_json(e)); };
  test::run_virtual(scenario(), nullptr, &streamed);
  CHECK(streamed.events().empty());
  REQUIRE(seen.size() == kept.events().size());
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == aio::Trace::to_json(kept.events()[i]));
  kept.clear();
  CHECK(kept.events().empty());
}

TEST_CASE("Trace::to_json writes each event kind in the playground's shape", "[trace]") {
  using K = aio::TraceEvent::Kind;
  aio::TraceEvent created{K::task, static_cast<std::uint8_t>(aio::TaskState::created), 0, 2, 1, -1, "Task-2"};
  CHECK(aio::Trace::to_json(created) == R"({"kind":"task","t":0,"id":2,"state":"created","name":"Task-2","parent":1})");
  aio::TraceEvent root{K::task, static_cast<std::uint8_t>(aio::TaskState::created), 0, 1, 0, -1, "Task-1"};
  CHECK(aio::Trace::to_json(root) == R"({"kind":"task","t":0,"id":1,"state":"created","name":"Task-1"})");
  aio::TraceEvent sleeping{K::task, static_cast<std::uint8_t>(aio::TaskState::sleeping), 0.5, 2, 0, -1, ""};
  CHECK(aio::Trace::to_json(sleeping) == R"({"kind":"task","t":0.5,"id":2,"state":"sleeping"})");
  aio::TraceEvent failed{K::task, static_cast<std::uint8_t>(aio::TaskState::failed), 1.25, 3, 0, -1, "say \"no\"\n"};
  CHECK(aio::Trace::to_json(failed) == R"({"kind":"task","t":1.25,"id":3,"state":"failed","detail":"say \"no\"\n"})");
  aio::TraceEvent queued{K::job, static_cast<std::uint8_t>(aio::JobState::queued), 0, 1, 4, -1, "blocking_io"};
  CHECK(aio::Trace::to_json(queued) == R"({"kind":"job","t":0,"id":1,"state":"queued","name":"blocking_io","task":4})");
  aio::TraceEvent running{K::job, static_cast<std::uint8_t>(aio::JobState::running), 2, 1, 0, 3, ""};
  CHECK(aio::Trace::to_json(running) == R"({"kind":"job","t":2,"id":1,"state":"running","worker":3})");
  aio::TraceEvent line{K::line, 0, 1.5, 2, 0, -1, "tab\there"};
  CHECK(aio::Trace::to_json(line) == R"({"kind":"line","t":1.5,"text":"tab\there","task":2})");
  aio::TraceEvent orphan{K::line, 0, 0, 0, 0, -1, "x"};
  CHECK(aio::Trace::to_json(orphan) == R"({"kind":"line","t":0,"text":"x"})");
}

TEST_CASE("Trace::to_json of a run is a JSON array of its events", "[trace][python]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  auto out = python_json_lines(tr.to_json(),
                               "print(type(d).__name__, len(d))\n"
                               "print(sorted({e['kind'] for e in d}))\n"
                               "print([e['state'] for e in d if e.get('id')==3 and e['kind']=='task'])",
                               "array");
  CHECK(out == std::vector<std::string>{"list " + std::to_string(tr.events().size()), "['line', 'task']",
                                        "['created', 'running', 'sleeping', 'running', 'failed']"});
}

TEST_CASE("json_quote escapes quotes, backslashes and control characters", "[trace]") {
  CHECK(aio::json_quote("plain") == "\"plain\"");
  CHECK(aio::json_quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(aio::json_quote("\n\r\t") == R"("\n\r\t")");
  CHECK(aio::json_quote(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(aio::json_quote("é") == "\"é\"");
}

TEST_CASE("json_number prints the shortest round-trip form and null for non-finite values", "[trace]") {
  CHECK(aio::json_number(0) == "0");
  CHECK(aio::json_number(0.5) == "0.5");
  CHECK(aio::json_number(2) == "2");
  CHECK(aio::json_number(-3) == "-3");
  CHECK(aio::json_number(99999) == "99999");
  CHECK(aio::json_number(-0.0) == "-0");
  CHECK(aio::json_number(2.5e-7) == "2.5e-07");
  CHECK(aio::json_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(aio::json_number(std::nan("")) == "null");
  CHECK(aio::json_number(1.0 / 0.0) == "null");
}

TEST_CASE("to_chrome_json is valid JSON with a slice per state of each task", "[trace][python]") {
  aio::Trace tr;
  test::run_virtual(scenario(), nullptr, &tr);
  auto out = python_json_lines(
      tr.to_chrome_json(),
      "ev=d['traceEvents']\n"
      "print(d['displayTimeUnit'])\n"
      "print([(e['name'],n(e['ts']),n(e['dur'])) for e in ev if e['ph']=='X' and e['pid']==1 and e['tid']==2])\n"
      "print([(e['name'],n(e['ts']),n(e['dur'])) for e in ev if e['ph']=='X' and e['pid']==1 and e['tid']==3])\n"
      "print([e['args']['name'] for e in ev if e['ph']=='M' and e['name']=='thread_name'])\n"
      "print([(e['name'],e['tid'],n(e['ts']),e.get('args')) for e in ev if e['ph']=='i'])",
      "chrome");
  REQUIRE(out.size() == 5);
  CHECK(out[0] == "ms");
  CHECK(out[1] == "[('ready', 0, 0), ('running', 0, 0), ('sleeping', 0, 1000000), ('running', 1000000, 0)]");
  CHECK(out[2] == "[('ready', 0, 0), ('running', 0, 0), ('sleeping', 0, 500000), ('running', 500000, 0)]");
  CHECK(out[3] == "['Task-1', 'Task-2', 'Task-3', 'sleeper']");
  CHECK(out[4] ==
        "[('failed', 3, 500000, {'error': 'boom'}), ('done', 2, 1000000, None), ('cancelled', 4, 2000000, None), "
        "('end', 1, 2000000, None), ('done', 1, 2000000, None)]");
}

TEST_CASE("an empty trace still gives valid Chrome JSON", "[trace][python]") {
  aio::Trace tr;
  auto out = python_json_lines(tr.to_chrome_json(), "print(len(d['traceEvents']))", "empty");
  CHECK(out == std::vector<std::string>{"2"});  // the two process names
  CHECK(tr.to_json() == "[]");
}

TEST_CASE("trace records executor jobs: queued, running on a worker, done, at virtual times", "[trace][threads]") {
  aio::Trace tr;
  double end = test::run_virtual([]() -> aio::Coro<double> {
    aio::ThreadPoolExecutor ex(1);
    auto f1 = aio::run_in_executor(&ex, &job_wait, 2.0);
    auto f2 = aio::run_in_executor(&ex, &job_wait, 1.5);
    CHECK(co_await f1 == "waited");
    CHECK(co_await f2 == "waited");
    co_return test::now();
  }(), nullptr, &tr);
  CHECK(end == 3.5);  // one worker: the second job starts when the first ends
  CHECK(job_events(tr, 1) == std::vector<Ev>{{"queued/-1", 0, "job_wait", 1}, {"running/0", 0, "", 0}, {"done/0", 2, "", 0}});
  CHECK(job_events(tr, 2) == std::vector<Ev>{{"queued/-1", 0, "job_wait", 1}, {"running/0", 2, "", 0}, {"done/0", 3.5, "", 0}});
  auto out = python_json_lines(tr.to_chrome_json(),
                               "print([(e['name'],e['tid'],n(e['ts']),n(e['dur'])) for e in d['traceEvents'] "
                               "if e['ph']=='X' and e['pid']==2])",
                               "jobs");
  CHECK(out == std::vector<std::string>{"[('job_wait', 1, 0, 2000000), ('job_wait', 1, 2000000, 1500000)]"});
}

TEST_CASE("to_string names every task and job state", "[trace]") {
  CHECK(std::string(aio::to_string(aio::TaskState::created)) == "created");
  CHECK(std::string(aio::to_string(aio::TaskState::running)) == "running");
  CHECK(std::string(aio::to_string(aio::TaskState::sleeping)) == "sleeping");
  CHECK(std::string(aio::to_string(aio::TaskState::waiting)) == "waiting");
  CHECK(std::string(aio::to_string(aio::TaskState::done)) == "done");
  CHECK(std::string(aio::to_string(aio::TaskState::cancelled)) == "cancelled");
  CHECK(std::string(aio::to_string(aio::TaskState::failed)) == "failed");
  CHECK(std::string(aio::to_string(aio::JobState::queued)) == "queued");
  CHECK(std::string(aio::to_string(aio::JobState::running)) == "running");
  CHECK(std::string(aio::to_string(aio::JobState::done)) == "done");
  CHECK(std::string(aio::to_string(aio::JobState::failed)) == "failed");
}

TEST_CASE("trace: a task cancelled before it starts goes from created to cancelled", "[trace]") {
  aio::Trace tr;
  test::run_virtual([]() -> aio::Coro<> {
    co_await aio::sleep(0.5);
    auto t = aio::create_task([]() -> aio::Coro<> { co_return; }());
    t.cancel();
    try {
      co_await t;
    } catch (const aio::CancelledError&) {
    }
  }(), nullptr, &tr);
  CHECK(task_events(tr, 2) == std::vector<Ev>{{"created", 0.5, "Task-2", 1}, {"cancelled", 0.5, "", 0}});
}

TEST_CASE("trace: a line printed from a callback belongs to no task", "[trace]") {
  aio::Trace tr;
  test::run_virtual([]() -> aio::Coro<> {
    auto h = aio::EventLoop::current().call_later(0.25, [] { aio::print("from callback"); });
    co_await aio::sleep(1);
  }(), nullptr, &tr);
  std::vector<std::string> lines;
  for (const auto& e : tr.events())
    if (e.kind == aio::TraceEvent::Kind::line) lines.push_back(aio::Trace::to_json(e));
  CHECK(lines == std::vector<std::string>{R"({"kind":"line","t":0.25,"text":"from callback"})"});
}
