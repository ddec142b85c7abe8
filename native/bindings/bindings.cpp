// The WebAssembly module's exports: what web/src/engine (index.ts on the page, worker.ts in each Web
// Worker) calls. Plain C functions, no Embind: each one answers through aio_js_reply (ok, bytes, number),
// so strings never need freeing on the JavaScript side and a C++ exception never crosses into JS.
//
//   aio_patterns_json()                      the registry as JSON (PatternInfo[])
//   aio_ideal(id, params, len)               ideal time for the parameters, or the ParamError message
//   aio_run(id, params, len, clock, scale, selftest)
//                                            runs a pattern; SUSPENDS (Asyncify): call it with
//                                            ccall(..., {async: true}). Trace events (lines included)
//                                            stream to Module.aioOnEvents in batches, each time the
//                                            loop gives the page a turn; the reply is
//                                            RunResult::to_json().
//   aio_stop()                               cancels the running pattern's main task (request_stop)
//   aio_worker_run_job(invoke, fn, args, len, clock, scale, worker)
//                                            a Web Worker runs one executor job: aio::run_job
//   aio_bench_spawn_gather(n)                the spawn + gather benchmark (bench/spawn_gather.hpp) on
//                                            the virtual clock: {"ns_per_task", "bytes_per_task"}
//
// Parameters travel as one length-prefixed string, "<bytes>:<key><bytes>:<value>...", so any value
// (hostile ones included) reaches parse_params unchanged and gets its C++ message.
#include <emscripten.h>
#include <malloc.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "patterns/registry.hpp"
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

// Diagnostics for the engine's own tests: executor jobs that throw, trap or block, and a busy loop.
std::string job_throws(double) { throw std::runtime_error("job failed on purpose"); }
std::string job_traps(double) { __builtin_trap(); }
std::string job_blocks(double seconds) {
  aio::blocking_sleep(seconds);
  return "ok";
}

aio::Coro<> selftest_jobs(double block) {
  try {
    co_await aio::run_in_executor(nullptr, &job_throws, 0.0);
    aio::print("job error: none");
  } catch (const std::exception& e) {
    aio::print(std::string("job error: ") + e.what());
  }
  try {
    co_await aio::run_in_executor(nullptr, &job_traps, 0.0);
    aio::print("worker died: no");
  } catch (const std::exception& e) {
    aio::print(std::string("worker died: ") + e.what());
  }
  try {
    // The page kills the worker running this one (engine tests).
    co_await aio::run_in_executor(nullptr, &job_blocks, block);
    aio::print("killed: no");
  } catch (const std::exception& e) {
    aio::print(std::string("killed: ") + e.what());
  }
  std::string r = co_await aio::run_in_executor(nullptr, &job_blocks, 0.1);
  aio::print("after: " + r);
  co_await aio::sleep(0.05);
  aio::print("loop alive");
}

aio::Coro<> spinner(long& turns, double until) {
  while (aio::EventLoop::current().time() < until) {
    ++turns;
    co_await aio::sleep(0);
  }
}

aio::Coro<> selftest_busy(double seconds) {
  long turns = 0;
  std::vector<aio::Task<void>> tasks;
  for (int i = 0; i < 8; ++i) tasks.push_back(aio::create_task(spinner(turns, seconds)));
  for (auto& t : tasks) co_await t;
  aio::print("turns: " + std::to_string(turns));
}

const std::vector<patterns::Pattern>& selftests() {
  static const std::vector<patterns::Pattern> all = {
      {"jobs", "", "", {{"block", "", "number", "3", 0, 60, 0, {}, false, ""}},
       [](const patterns::Params&) { return 0.0; },
       [](const patterns::Params& p) { return selftest_jobs(p.number("block")); }},
      {"busy", "", "", {{"seconds", "", "number", "0.5", 0, 60, 0, {}, false, ""}},
       [](const patterns::Params& p) { return p.number("seconds").value; },
       [](const patterns::Params& p) { return selftest_busy(p.number("seconds")); }},
  };
  return all;
}

const patterns::Pattern& find(const std::string& id, bool selftest) {
  if (!selftest) return patterns::pattern_or_throw(id);
  for (const auto& p : selftests())
    if (p.id == id) return p;
  throw patterns::ParamError("unknown self-test '" + id + "'");
}

double check_scale(double s) {
  if (!std::isfinite(s) || s < patterns::kMinTimeScale || s > patterns::kMaxTimeScale)
    throw patterns::ParamError("timeScale: " + aio::py_str(s) + " is out of range [" +
                               aio::py_str(patterns::kMinTimeScale) + ", " + aio::py_str(patterns::kMaxTimeScale) + "]");
  return s;
}

struct Prepared {
  const patterns::Pattern* pattern = nullptr;
  patterns::Params params;
};

// Everything that can throw before the run, so that the run itself is entered with no handler of ours
// around it (run_pattern reports the run's own errors in its result).
bool prepare(const char* id, const char* params, int len, int clock, double scale, int selftest, Prepared& out) {
  try {
    out.pattern = &find(id ? id : "", selftest != 0);
    out.params = patterns::parse_params(*out.pattern, decode_params(params, len));
    if (clock != 1) check_scale(scale);
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
  if (g_batch.size() > (1u << 20)) flush_events();  // a long virtual-clock run: keep the batch bounded
}

void keep_loop(aio::EventLoop& loop) { g_loop = &loop; }

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void aio_patterns_json() { reply(kCall, true, patterns::patterns_json()); }

EMSCRIPTEN_KEEPALIVE void aio_ideal(const char* id, const char* params, int len) {
  try {
    const patterns::Pattern& p = patterns::pattern_or_throw(id ? id : "");
    reply(kCall, true, {}, p.ideal(patterns::parse_params(p, decode_params(params, len))));
  } catch (const std::exception& e) {
    reply(kCall, false, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void aio_run(const char* id, const char* params, int len, int clock, double scale, int selftest) {
  if (g_running) {
    reply(kRun, false, "a run is already in progress: stop it or wait for its result");
    return;
  }
  Prepared prep;
  if (!prepare(id, params, len, clock, scale, selftest, prep)) return;
  g_running = true;
  aio::Trace trace;
  trace.keep = false;  // the page collects the events as they stream
  trace.listener = &trace_to_js;
  patterns::RunConfig config;
  config.clock = clock == 1 ? aio::ClockKind::virtual_time : aio::ClockKind::real;
  config.time_scale = clock == 1 ? 1.0 : scale;
  config.trace = &trace;
  config.on_start = &keep_loop;
  aio::browser::set_before_suspend(&flush_events);
  patterns::RunResult r = patterns::run_pattern(*prep.pattern, prep.params, config);
  aio::browser::set_before_suspend(nullptr);
  flush_events();
  g_loop = nullptr;
  g_running = false;
  reply(kRun, true, r.to_json());
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
  job.clock = clock == 1 ? aio::ClockKind::virtual_time : aio::ClockKind::real;
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

}  // extern "C"
