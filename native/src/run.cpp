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

void Runner::run(TaskBase& main) {
  loop_->set_main(&main);
  try {
    loop_->run_until([&] { return main.done(); });
  } catch (const LoopStalled&) {
    // Every task waits on something that will never happen: cancelling them cancels what they wait
    // on, so they can finish and free their frames. Then the stall is reported.
    auto stalled = std::current_exception();
    try {
      loop_->cancel_all_tasks();
      loop_->run_ready();
    } catch (...) {
    }
    shutdown_default_executor(*loop_);
    std::rethrow_exception(stalled);
  } catch (...) {
    shutdown_default_executor(*loop_);
    throw;
  }
  loop_->set_main(nullptr);
  loop_->cancel_all_tasks();
  shutdown_default_executor(*loop_);
  // Done callbacks scheduled by the last tasks or by the executor's shutdown still run.
  loop_->run_ready();
}

}  // namespace aio::detail
