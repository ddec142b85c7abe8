// Pattern 11: Timeouts (asyncio.timeout and asyncio.wait_for).
// When the deadline passes, the work is cancelled, its cleanup runs, and the caller gets TimeoutError.
#include <functional>

#include "registry.hpp"

namespace patterns {
namespace {

// Python's `finally:`: runs `fn` when it goes out of scope, however the scope is left.
struct Finally {
  std::function<void()> fn;
  ~Finally() { fn(); }
};

aio::Coro<std::string> slow_operation(std::string name, Number work) {
  aio::print(name + ": started, needs " + work.str() + "s");
  // Runs whether the work finished or was cancelled by the timeout
  Finally cleanup{[&] { aio::print(name + ": cleanup"); }};
  co_await aio::sleep(work);
  aio::print(name + ": finished");
  co_return name + " result";
}

aio::Coro<> main_coro(Number work, Number timeout) {
  // asyncio.timeout(): a deadline for a block of code
  try {
    auto result = co_await aio::timeout(timeout, slow_operation("A", work));
    aio::print("Got " + result);
  } catch (const aio::TimeoutError&) {
    aio::print("A: timed out after " + timeout.str() + "s");
  }

  // asyncio.wait_for(): a deadline for one awaitable
  try {
    auto result = co_await aio::wait_for(slow_operation("B", work), timeout);
    aio::print("Got " + result);
  } catch (const aio::TimeoutError&) {
    aio::print("B: timed out after " + timeout.str() + "s");
  }
}

}  // namespace

extern const Pattern timeout{
    .id = "timeout",
    .title = "Timeouts",
    .summary = "The same slow operation twice, under asyncio.timeout() and under wait_for(): past the deadline it "
               "is cancelled, its cleanup runs, and the caller catches TimeoutError.",
    .group = kMoreGroup,
    .params = {
        {.key = "work", .label = "Work (s)", .type = ParamType::number, .default_value = "2",
         .min = 0, .max = 30,
         .help = "How long the operation needs."},
        {.key = "timeout", .label = "Timeout (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "The deadline of each attempt."},
    },
    .ideal = [](const Params& p) {
      // Each attempt ends at the work's end or at the deadline, whichever comes first (a deadline equal to
      // the work's end wins: its timer was set first). wait_for with a timeout of 0 does not even start.
      std::int64_t attempt = std::min(aio::to_loop_ns(p.number("work")), aio::to_loop_ns(p.number("timeout")));
      return static_cast<double>(2 * attempt) / 1e9;
    },
    .main = [](const Params& p) { return main_coro(p.number("work"), p.number("timeout")); },
};

}  // namespace patterns
