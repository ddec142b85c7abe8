// The WebAssembly module's exports: what web/src/engine (index.ts on the page and in the loop's worker,
// executor-worker.ts in each executor Web Worker) calls. Plain C functions, no Embind: each one answers
// through aio_js_reply (ok, bytes, number), so strings never need freeing on the JavaScript side and a
// C++ exception never crosses into JS.
//
//   aio_patterns_json()                      the registry as JSON (PatternInfo[])
//   aio_limits_json()                        the registry's limits (patterns::limits_json)
//   aio_check(id, params, len)               parse_params: the values with defaults filled in, as a JSON
//                                            object, or the ParamError message
//   aio_check_time_scale(text)               parse_time_scale: the scale as a number, or the message
//   aio_check_value(what, type, min, max, value)
//                                            one number outside any pattern (the benchmark page's
//                                            settings) by the same rules; messages start `what: `
//   aio_ideal(id, params, len)               ideal time for the parameters, or the ParamError message
//   aio_run(id, params, len, clock, scale)   runs a pattern (clock: "real" or "virtual"); SUSPENDS
//                                            (Asyncify): call it with ccall(..., {async: true}). Trace
//                                            events (lines included) stream to Module.aioOnEvents in
//                                            batches, each time the loop gives the page a turn; the
//                                            reply is RunResult::to_json().
//   aio_steps(id, params, len)               the pattern on the virtual clock, one step record per loop
//                                            iteration (patterns::run_steps), each handed to
//                                            Module.aioOnRecord as it is made, replied as
//                                            {"error"?, "truncated"?}; SUSPENDS like
//                                            aio_run (a virtual-clock run still waits for its executor
//                                            jobs and yields to the page) and shares its one-run-at-a-time
//   aio_stop()                               cancels the running pattern's main task (request_stop)
//   aio_worker_run_job(invoke, fn, args, len, clock, scale, worker)
//                                            a Web Worker runs one executor job: aio::run_job
//   aio_bench_spawn_gather(n)                the spawn + gather benchmark (bench/spawn_gather.hpp) on
//                                            the virtual clock: {"ns_per_task", "bytes_per_task"}
//   aio_bench_timers(n)                      n tasks sleeping i/n seconds on the real clock, gathered
//                                            (bench/aio_timers.cpp's workload): {"seconds"}; SUSPENDS
//   aio_bench_sleep0(turns)                  one task awaiting sleep(0) `turns` times on the real clock:
//                                            {"ms"}, the turns' own time; SUSPENDS
//
// Parameters travel as one length-prefixed string, "<bytes>:<key><bytes>:<value>...", so any value
// (hostile ones included) reaches parse_params unchanged and gets its C++ message. The engine tests'
// module adds diagnostics that aio_run finds by id (selftests.cpp, through bindings.hpp).
#include <emscripten.h>
#include <malloc.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "patterns/steps.hpp"
#include "platform/browser/browser.hpp"
#include "spawn_gather.hpp"

// Replies land in Module.aioReply[channel]: 0 for the quick calls, 1 for the run, 2 for a worker's job,
// so a call made while a run is suspended cannot overwrite the run's answer.
EM_JS(void, aio_js_reply, (int channel, int ok, const char* data, int len, double num), {
  (Module['aioReply'] = Module['aioReply'] || [])[channel] = { ok: !!ok, bytes: HEAPU8.slice(data, data + len), num: num };
});
// A batch of trace events, a JSON array, for Module.aioOnEvents (index.ts turns each into onTrace and
// each 'line' event into onLine).
EM_JS(void, aio_js_events, (const char* json, int len), {
  var f = Module['aioOnEvents'];
  if (f) f(UTF8ToString(json, len));
});
// A stepped run's record, one JSON object, for Module.aioOnRecord (index.ts), which keeps it (compacted)
// and answers whether it can keep more: 0 stops the run.
EM_JS(int, aio_js_record, (const char* json, int len), {
  var f = Module['aioOnRecord'];
  return f && f(UTF8ToString(json, len)) ? 1 : 0;
});

namespace {

aio::EventLoop* g_loop = nullptr;
bool g_running = false;

enum Channel { kCall = 0, kRun = 1, kJob = 2 };

void reply(Channel channel, bool ok, const std::string& s, double num = 0) {
  aio_js_reply(channel, ok ? 1 : 0, s.data(), static_cast<int>(s.size()), num);
}

std::vector<std::pair<std::string, std::string>> decode_params(const char* data, int len) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string_view in(data ? data : "", data ? static_cast<std::size_t>(len) : 0);
  auto next = [&]() {
    std::size_t colon = in.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 9) throw std::invalid_argument("aio: malformed parameter list");
    std::size_t n = 0;
    for (char c : in.substr(0, colon)) {
      if (c < '0' || c > '9') throw std::invalid_argument("aio: malformed parameter list");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (colon + 1 + n > in.size()) throw std::invalid_argument("aio: malformed parameter list");
    std::string s(in.substr(colon + 1, n));
    in.remove_prefix(colon + 1 + n);
    return s;
  };
  while (!in.empty()) {
    std::string k = next();
    std::string v = next();
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

const std::vector<patterns::Pattern>* g_extra = nullptr;

const patterns::Pattern& find(const std::string& id) {
  if (const patterns::Pattern* p = patterns::find_pattern(id)) return *p;
  if (g_extra)
    for (const auto& p : *g_extra)
      if (p.id == id) return p;
  return patterns::pattern_or_throw(id);  // throws, naming the registry's ids
}

// One number outside any pattern (the benchmark page's settings) by the registry's own rules: a pattern
// of one parameter goes through parse_params, and its message is told about `what` instead.
std::string check_value(const std::string& what, const std::string& type, double min, double max, const std::string& value) {
  patterns::ParamSpec spec{.key = "value", .type = patterns::ParamType::number, .min = min, .max = max};
  if (type == to_string(patterns::ParamType::integer)) spec.type = patterns::ParamType::integer;
  else if (type != to_string(patterns::ParamType::number)) throw patterns::ParamError(what + ": not a number setting");
  const patterns::Pattern one{.id = "page", .params = {spec}};
  const std::string prefix = "page parameter 'value': ";
  try {
    return patterns::parse_params(one, {{"value", value}}).values().at("value");
  } catch (const patterns::ParamError& e) {
    const std::string m = e.what();
    throw patterns::ParamError(what + ": " + (m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m));
  }
}

// The clock travels from the page by name, the names RunResult::to_json writes.
aio::ClockKind clock_named(const std::string& name) {
  if (name == "real") return aio::ClockKind::real;
  if (name == "virtual") return aio::ClockKind::virtual_time;
  throw patterns::ParamError("clock: " + patterns::quoted(name) + " is not real or virtual");
}

struct Prepared {
  const patterns::Pattern* pattern = nullptr;
  patterns::Params params;
  aio::ClockKind clock = aio::ClockKind::real;
};

// Everything that can throw before the run, so that the run itself is entered with no handler of ours
// around it (run_pattern reports the run's own errors in its result).
bool prepare(const char* id, const char* params, int len, const char* clock, double scale, Prepared& out) {
  try {
    out.pattern = &find(id ? id : "");
    out.params = patterns::parse_params(*out.pattern, decode_params(params, len));
    out.clock = clock_named(clock ? clock : "");
    if (out.clock == aio::ClockKind::real) patterns::check_time_scale(scale, "timeScale");
    return true;
  } catch (const std::exception& e) {
    reply(kRun, false, e.what());
    return false;
  }
}

// Trace events (printed lines included: every line is also a 'line' event) are batched and handed to
// the page when the loop is about to give it a turn, at most every 10 ms while busy: the page could not
// run before then anyway, and one JSON array per turn costs far less than a crossing per event.
std::string g_batch;

void flush_events() {
  if (g_batch.empty()) return;
  g_batch += ']';
  aio_js_events(g_batch.data(), static_cast<int>(g_batch.size()));
  g_batch.clear();
}

void trace_to_js(const aio::TraceEvent& e) {
  g_batch += g_batch.empty() ? '[' : ',';
  g_batch += aio::Trace::to_json(e);
  if (g_batch.size() > (1u << 18)) flush_events();  // one long step (gather creating 100,000 tasks): bounded batches
}

void keep_loop(aio::EventLoop& loop) { g_loop = &loop; }

// The exports that run suspend (Asyncify) and so hold nothing across the run themselves (see
// aio::EventLoop::run_until): what a run needs is kept here, made before it and dropped after it by
// the helpers below, never inlined into the exports (their handlers would be). One run at a time
// (g_running); a benchmark's run only when none is on.
struct PageRun {
  Prepared prep;
  aio::Trace trace;
  patterns::RunConfig config;
  std::optional<patterns::PatternRun> run;
};
std::optional<PageRun> g_run;

// The records go to JavaScript one at a time as the run makes them (nothing piles up here: a record of
// 100,000 tasks is over 10 MB); when it holds as much as it keeps, the run is stopped and the reply says
// truncated (the page says so).
struct StepsPageRun {
  Prepared prep;
  bool truncated = false;
  std::function<void(const std::string&)> on_record;
  std::optional<patterns::StepsRun> run;
};
std::optional<StepsPageRun> g_steps;

std::optional<aio::detail::MainRun<void>> g_bench;

[[gnu::noinline]] bool start_run(const char* id, const char* params, int len, const char* clock, double scale) {
  if (g_running) {
    reply(kRun, false, "a run is already in progress: stop it or wait for its result");
    return false;
  }
  PageRun& run = g_run.emplace();
  if (!prepare(id, params, len, clock, scale, run.prep)) {
    g_run.reset();
    return false;
  }
  g_running = true;
  run.trace.keep = false;  // the page collects the events as they stream
  run.trace.listener = &trace_to_js;
  run.config.clock = run.prep.clock;
  run.config.time_scale = run.prep.clock == aio::ClockKind::virtual_time ? 1.0 : scale;
  run.config.trace = &run.trace;
  run.config.on_start = &keep_loop;
  aio::browser::set_before_suspend(&flush_events);
  run.run.emplace(*run.prep.pattern, run.prep.params, run.config);
  return true;
}

[[gnu::noinline]] void end_run() {
  aio::browser::set_before_suspend(nullptr);
  flush_events();
  g_loop = nullptr;
  g_running = false;
  reply(kRun, true, g_run->run->result().to_json());
  g_run.reset();
}

[[gnu::noinline]] bool start_steps(const char* id, const char* params, int len) {
  if (g_running) {
    reply(kRun, false, "a run is already in progress: stop it or wait for its result");
    return false;
  }
  StepsPageRun& run = g_steps.emplace();
  if (!prepare(id, params, len, "virtual", 1.0, run.prep)) {
    g_steps.reset();
    return false;
  }
  try {
    patterns::line_map(*run.prep.pattern);  // what run_steps would throw (sources not built in, a bad marker), here
  } catch (const std::exception& e) {
    reply(kRun, false, e.what());
    g_steps.reset();
    return false;
  }
  g_running = true;
  run.on_record = [&run](const std::string& record) {
    if (run.truncated) return;
    if (!aio_js_record(record.data(), static_cast<int>(record.size()))) {
      run.truncated = true;
      if (aio::EventLoop* loop = aio::EventLoop::current_or_null()) loop->request_stop();
    }
  };
  run.run.emplace(*run.prep.pattern, run.prep.params, run.on_record);
  return true;
}

[[gnu::noinline]] void end_steps() {
  g_running = false;
  StepsPageRun& run = *g_steps;
  const patterns::RunResult& r = run.run->result();
  std::string out = "{";
  if (run.truncated) out += "\"truncated\":true";
  if (!run.truncated && !r.error.empty()) out += "\"error\":" + aio::json_quote(r.error);
  reply(kRun, true, out + "}");
  g_steps.reset();
}

// The browser benchmarks on the real clock. Coro<void>, so that they take the patterns' suspending path
// (aio::detail::MainRun<void>, asyncify-only.txt).
aio::Coro<int> sleeper(double delay, int i) {
  co_await aio::sleep(delay);
  co_return i;
}

aio::Coro<> timers(int n, std::int64_t& sum) {
  std::vector<aio::Task<int>> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) tasks.push_back(aio::create_task(sleeper(static_cast<double>(i) / n, i)));
  for (int v : co_await aio::gather(std::move(tasks))) sum += v;
}

aio::Coro<> sleep0(int turns, double& ms) {
  const double t0 = emscripten_get_now();
  for (int i = 0; i < turns; ++i) co_await aio::sleep(0);
  ms = emscripten_get_now() - t0;
}

std::int64_t g_bench_sum = 0;
double g_bench_ms = 0;
double g_bench_t0 = 0;

// The benchmark's checks, and its main coroutine (made by `make`, which is called only if they pass).
template <class Make>
[[gnu::noinline]] bool start_bench(int n, const char* what, Make make) {
  if (n < 1 || g_running) {
    reply(kRun, false, n < 1 ? std::string(what) + " must be at least 1" : "a run is in progress");
    return false;
  }
  g_bench_sum = 0;
  g_bench_ms = 0;
  g_bench_t0 = emscripten_get_now();
  g_bench.emplace(make(), aio::RunOptions{});
  return true;
}

[[gnu::noinline]] void end_timers(int n) {
  g_bench->result();  // what aio::run would return or throw
  g_bench.reset();
  const double t1 = emscripten_get_now();
  if (g_bench_sum != std::int64_t{n} * (n - 1) / 2) {
    reply(kRun, false, "wrong sum " + std::to_string(g_bench_sum));
    return;
  }
  reply(kRun, true, "{\"seconds\":" + std::to_string((t1 - g_bench_t0) / 1e3) + "}");
}

[[gnu::noinline]] void end_sleep0() {
  g_bench->result();
  g_bench.reset();
  reply(kRun, true, "{\"ms\":" + std::to_string(g_bench_ms) + "}");
}

}  // namespace

void aio_bindings::add_runnable(const std::vector<patterns::Pattern>* extra) { g_extra = extra; }

extern "C" {

EMSCRIPTEN_KEEPALIVE void aio_patterns_json() { reply(kCall, true, patterns::patterns_json()); }

EMSCRIPTEN_KEEPALIVE void aio_limits_json() { reply(kCall, true, patterns::limits_json()); }

EMSCRIPTEN_KEEPALIVE void aio_check(const char* id, const char* params, int len) {
  try {
    const patterns::Params p = patterns::parse_params(patterns::pattern_or_throw(id ? id : ""), decode_params(params, len));
    std::string o = "{";
    for (const auto& [k, v] : p.values()) o += (o.size() > 1 ? "," : "") + aio::json_quote(k) + ":" + aio::json_quote(v);
    reply(kCall, true, o + "}");
  } catch (const std::exception& e) {
    reply(kCall, false, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void aio_check_time_scale(const char* value) {
  try {
    reply(kCall, true, {}, patterns::parse_time_scale(value ? value : "", "Time scale"));
  } catch (const std::exception& e) {
    reply(kCall, false, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void aio_check_value(const char* what, const char* type, double min, double max, const char* value) {
  try {
    reply(kCall, true, check_value(what ? what : "", type ? type : "", min, max, value ? value : ""));
  } catch (const std::exception& e) {
    reply(kCall, false, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void aio_ideal(const char* id, const char* params, int len) {
  try {
    const patterns::Pattern& p = patterns::pattern_or_throw(id ? id : "");
    reply(kCall, true, {}, p.ideal(patterns::parse_params(p, decode_params(params, len))));
  } catch (const std::exception& e) {
    reply(kCall, false, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void aio_run(const char* id, const char* params, int len, const char* clock, double scale) {
  if (!start_run(id, params, len, clock, scale)) return;
  g_run->run->run();
  end_run();
}

EMSCRIPTEN_KEEPALIVE void aio_steps(const char* id, const char* params, int len) {
  if (!start_steps(id, params, len)) return;
  g_steps->run->run();
  end_steps();
}

EMSCRIPTEN_KEEPALIVE void aio_stop() {
  if (g_loop) g_loop->request_stop();
}

EMSCRIPTEN_KEEPALIVE void aio_worker_run_job(int invoke, int fn, const char* args, int len, int clock, double scale,
                                             int worker) {
  aio::Job job;
  job.invoke = reinterpret_cast<aio::Job::Invoke>(static_cast<std::uintptr_t>(invoke));
  job.fn = static_cast<std::uintptr_t>(fn);
  job.args.assign(args, static_cast<std::size_t>(len));
  job.clock = static_cast<aio::ClockKind>(clock);  // as worker_pool.cpp sent it: the enum's value
  job.time_scale = scale;
  aio::JobOutcome o = aio::run_job(job, worker);
  reply(kJob, o.ok, o.value, o.virtual_seconds);
}

// The page calls this on a fresh instance, so the growth of malloc's peak footprint is what the run
// took, as the native program's peak RSS growth is. The virtual clock: sleep(0) needs no timer, so the
// run never waits or yields to the page (no Asyncify), as Promise.all on the same page does not.
EMSCRIPTEN_KEEPALIVE void aio_bench_spawn_gather(int n) {
  if (n < 1) {
    reply(kCall, false, "n must be at least 1");
    return;
  }
  const std::size_t peak0 = static_cast<std::size_t>(mallinfo().usmblks);
  aio::RunOptions opts;
  opts.clock = aio::ClockKind::virtual_time;
  const double t0 = emscripten_get_now();
  const std::int64_t sum = aio::run(bench::spawn_gather(n), opts);
  const double t1 = emscripten_get_now();
  const std::size_t peak1 = static_cast<std::size_t>(mallinfo().usmblks);
  if (sum != std::int64_t{n} * (n - 1) / 2) {
    reply(kCall, false, "wrong sum " + std::to_string(sum));
    return;
  }
  reply(kCall, true,
        "{\"ns_per_task\":" + std::to_string((t1 - t0) * 1e6 / n) + ",\"bytes_per_task\":" +
            std::to_string(static_cast<double>(peak1 - peak0) / n) + "}");
}

EMSCRIPTEN_KEEPALIVE void aio_bench_timers(int n) {
  if (!start_bench(n, "n", [n] { return timers(n, g_bench_sum); })) return;
  g_bench->run();
  end_timers(n);
}

EMSCRIPTEN_KEEPALIVE void aio_bench_sleep0(int turns) {
  if (!start_bench(turns, "turns", [turns] { return sleep0(turns, g_bench_ms); })) return;
  g_bench->run();
  end_sleep0();
}

}  // extern "C"
