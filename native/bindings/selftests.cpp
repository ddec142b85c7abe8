// The engine tests' diagnostics (tests/web/engine.test.js), linked only into the test module
// (aio_test_module): executor jobs that throw, trap or block, a pool running jobs side by side, and a
// busy loop. aio_run finds them by id ("jobs", "pool", "busy") like patterns; the page's module does not
// contain them.
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace {

std::string job_throws(double) { throw std::runtime_error("job failed on purpose"); }
std::string job_traps(double) { __builtin_trap(); }
std::string job_blocks(double seconds) {
  aio::blocking_sleep(seconds);
  return "ok";
}

aio::Coro<> jobs(double block) {
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
    // The test terminates the worker running this one.
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

// A pool of n running n blocking jobs at once: each job takes a worker of its own.
aio::Coro<> pool(int n, double block) {
  aio::ThreadPoolExecutor executor(n);
  std::vector<aio::Future<std::string>> calls;
  for (int i = 0; i < n; ++i) calls.push_back(aio::run_in_executor(&executor, &job_blocks, block));
  auto results = co_await aio::gather(std::move(calls));
  aio::print("pool: " + std::to_string(results.size()) + " jobs");
}

aio::Coro<> spinner(long& turns, double until) {
  while (aio::EventLoop::current().time() < until) {
    ++turns;
    co_await aio::sleep(0);
  }
}

aio::Coro<> busy(double seconds) {
  long turns = 0;
  std::vector<aio::Task<void>> tasks;
  for (int i = 0; i < 8; ++i) tasks.push_back(aio::create_task(spinner(turns, seconds)));
  for (auto& t : tasks) co_await t;
  aio::print("turns: " + std::to_string(turns));
}

using patterns::ParamType;

const std::vector<patterns::Pattern> kSelfTests = {
    {.id = "jobs",
     .params = {{.key = "block", .type = ParamType::number, .default_value = "3", .min = 0, .max = 60}},
     .ideal = [](const patterns::Params&) { return 0.0; },
     .main = [](const patterns::Params& p) { return jobs(p.number("block")); }},
    {.id = "pool",
     .params = {{.key = "workers", .type = ParamType::integer, .default_value = "4", .min = 1, .max = 32},
                {.key = "block", .type = ParamType::number, .default_value = "0.05", .min = 0, .max = 60}},
     .ideal = [](const patterns::Params& p) { return p.number("block").value; },
     .main = [](const patterns::Params& p) { return pool(static_cast<int>(p.number("workers").value), p.number("block")); }},
    {.id = "busy",
     .params = {{.key = "seconds", .type = ParamType::number, .default_value = "0.5", .min = 0, .max = 60}},
     .ideal = [](const patterns::Params& p) { return p.number("seconds").value; },
     .main = [](const patterns::Params& p) { return busy(p.number("seconds")); }},
};

[[maybe_unused]] const bool kRegistered = (aio_bindings::add_runnable(&kSelfTests), true);

}  // namespace
