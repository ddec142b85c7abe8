#include "aio/run.hpp"

#include <cstdio>
#include <stdexcept>

#include "aio/executor.hpp"

namespace aio::detail {

Runner::Runner(const RunOptions& opts) {
  // As asyncio.run: one loop per thread at a time (run a second loop on another thread).
  if (EventLoop::current_or_null())
    throw std::logic_error("aio::run() cannot be called from a running event loop");
  Platform* platform = opts.platform;
  if (!platform) {
    owned_ = make_platform(opts.clock, opts.time_scale);
    platform = owned_.get();
  }
  loop_ = std::make_unique<EventLoop>(*platform, opts.trace);
  if (opts.output) {
    loop_->set_output(opts.output);
  } else {
    loop_->set_output([](std::string_view text, double) {
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fputc('\n', stdout);
    });
  }
  if (opts.on_start) opts.on_start(*loop_);
}

Runner::~Runner() = default;

namespace {

// Not inlined into Runner::run, which must hold no handler (see EventLoop::run_until).
[[gnu::noinline]] bool is_stall(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const LoopStalled&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

bool Runner::run(TaskBase& main) {
  loop_->set_main(&main);
  if (!loop_->run_until([&main] { return main.done(); })) {
    failure_ = loop_->take_failure();
    if (is_stall(failure_)) {
      // Every task waits on something that will never happen: cancelling them cancels what they wait
      // on, so they can finish and free their frames. Then the stall is reported (and what went
      // wrong meanwhile is not).
      if (loop_->cancel_all_tasks()) loop_->run_ready();
      loop_->take_failure();
    }
    shutdown_default_executor(*loop_);
    return false;
  }
  loop_->set_main(nullptr);
  if (!loop_->cancel_all_tasks()) {
    failure_ = loop_->take_failure();
    return false;
  }
  shutdown_default_executor(*loop_);
  // Done callbacks scheduled by the last tasks or by the executor's shutdown still run.
  if (!loop_->run_ready()) {
    failure_ = loop_->take_failure();
    return false;
  }
  return true;
}

void Runner::rethrow_failure() const { std::rethrow_exception(failure_); }

}  // namespace aio::detail
