// More of asyncio: retry with exponential backoff around a call that fails its first attempts.
// Python keeps the attempt count in a global; the port passes it by reference.
#include <algorithm>
#include <functional>
#include <stdexcept>

#include "registry.hpp"

namespace patterns {
namespace {

// Python's builtin ConnectionError.
class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

aio::Coro<std::string> flaky_call(long& attempts, long failures) {
  // Fails its first `failures` attempts, then succeeds.
  attempts += 1;
  if (attempts <= failures) throw ConnectionError("service unavailable");
  co_return "ok after " + std::to_string(attempts) + " attempt(s)";
}

aio::Coro<std::string> retry_with_backoff(std::function<aio::Coro<std::string>()> call, long max_attempts,
                                          Number base_delay, Number max_delay) {
  // Exponential backoff: wait base_delay, then twice as long each time, at most max_delay.
  for (long attempt = 1; attempt < max_attempts; ++attempt) {
    Number delay;
    try {
      co_return co_await call();
    } catch (const ConnectionError& e) {
      delay = std::min(base_delay.times(1L << (attempt - 1)), max_delay);  // no jitter: reproducible
      aio::print("attempt " + std::to_string(attempt) + " failed: " + e.what() + "; retrying in " + delay.str() + "s");
    }
    co_await aio::sleep(delay);  // after the catch block: C++ cannot co_await inside one
  }
  co_return co_await call();  // the last attempt: its error propagates
}

aio::Coro<> main_coro(long failures, long max_attempts, Number base_delay, Number max_delay) {
  long attempts = 0;
  try {
    aio::print(co_await retry_with_backoff(
        [&] { return flaky_call(attempts, failures); }, max_attempts, base_delay, max_delay));
  } catch (const ConnectionError& e) {
    aio::print("gave up after " + std::to_string(attempts) + " attempt(s): " + e.what());
  }
}

// The backoff sleeps between the attempts made: one after each failure but the last attempt's.
double ideal(const Params& p) {
  auto failures = static_cast<long>(p.number("failures").value);
  auto max_attempts = static_cast<long>(p.number("max_attempts").value);
  Number base_delay = p.number("base_delay"), max_delay = p.number("max_delay");
  std::int64_t total = 0;
  for (long attempt = 1; attempt <= std::min(failures, max_attempts - 1); ++attempt)
    total += aio::to_loop_ns(std::min(base_delay.times(1L << (attempt - 1)), max_delay));
  return static_cast<double>(total) / 1e9;
}

}  // namespace

extern const Pattern retry{
    .id = "retry",
    .title = "Retrying with exponential backoff",
    .summary = "A call that fails its first attempts is retried after a wait that doubles each time, up to a "
               "cap, until it succeeds or the attempts run out.",
    .group = kMoreGroup,
    .params = {
        {.key = "failures", .label = "Failures", .type = ParamType::integer, .default_value = "2",
         .min = 0, .max = 20,
         .help = "How many attempts fail before the call succeeds."},
        {.key = "max_attempts", .label = "Max attempts", .type = ParamType::integer, .default_value = "5",
         .min = 1, .max = 20,
         .help = "How many attempts before giving up."},
        {.key = "base_delay", .label = "Base delay (s)", .type = ParamType::number, .default_value = "0.1",
         .min = 0, .max = 30,
         .help = "The wait after the first failure; it doubles after each one."},
        {.key = "max_delay", .label = "Max delay (s)", .type = ParamType::number, .default_value = "30",
         .min = 0, .max = 30,
         .help = "No wait is longer than this."},
    },
    .ideal = ideal,
    .main = [](const Params& p) {
      return main_coro(static_cast<long>(p.number("failures").value), static_cast<long>(p.number("max_attempts").value),
                       p.number("base_delay"), p.number("max_delay"));
    },
};

}  // namespace patterns
