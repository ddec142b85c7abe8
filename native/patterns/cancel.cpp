// Pattern 12: Cancelling a task (Task.cancel, CancelledError, asyncio.shield).
// cancel() raises CancelledError inside the task, which cleans up and re-raises; shield() keeps a
// critical step running even though the task awaiting it is cancelled.
#include "registry.hpp"

namespace patterns {
namespace {

aio::Coro<> save(Number delay) {
  // The critical step: stopping it halfway would lose data.
  aio::print("save: started");
  co_await aio::sleep(delay);
  aio::print("save: done");
}

aio::Coro<> worker(std::vector<aio::Task<>>& saves, Number work, Number save_delay, bool shield) {
  try {
    aio::print("worker: working");
    co_await aio::sleep(work);
    saves.push_back(aio::create_task(save(save_delay)));
    if (shield) {
      co_await aio::shield(saves[0]);  // cancelling the worker leaves the save running
    } else {
      co_await saves[0];  // cancelling the worker cancels the save too
    }
    aio::print("worker: finished");
  } catch (const aio::CancelledError&) {
    aio::print("worker: cancelled, cleaning up");
    throw;  // re-raise, so that the task ends cancelled
  }
}

aio::Coro<> main_coro(Number work, Number save_delay, Number cancel_at, bool shield) {
  std::vector<aio::Task<>> saves;  // the save task, once the worker has started it
  auto task = aio::create_task(worker(saves, work, save_delay, shield));
  co_await aio::sleep(cancel_at);
  aio::print("main: cancel() returned", task.cancel());
  try {
    co_await task;
  } catch (const aio::CancelledError&) {
    aio::print("main: the worker was cancelled");
  }
  if (!saves.empty()) {  // the worker got as far as starting the save
    co_await aio::wait(saves);  // a shielded save runs on: wait for it
    aio::print("main: the save was", saves[0].cancelled() ? "cancelled" : "completed");
  }
}

}  // namespace

extern const Pattern cancel{
    .id = "cancel",
    .title = "Cancelling a task",
    .summary = "main cancels the worker: the worker catches CancelledError, cleans up and re-raises. A save "
               "wrapped in shield() runs on to its end; without shield() it is cancelled with the worker.",
    .group = kMoreGroup,
    .params = {
        {.key = "work", .label = "Work (s)", .type = ParamType::number, .default_value = "1",
         .min = 0, .max = 30,
         .help = "How long the worker works before it saves."},
        {.key = "save", .label = "Save (s)", .type = ParamType::number, .default_value = "2",
         .min = 0, .max = 30,
         .help = "How long the save takes."},
        {.key = "cancel_at", .label = "Cancel at (s)", .type = ParamType::number, .default_value = "2",
         .min = 0, .max = 30,
         .help = "When main cancels the worker."},
        {.key = "shield", .label = "Shield the save", .type = ParamType::choice, .default_value = "on",
         .choices = {"on", "off"},
         .help = "on: await asyncio.shield(save); off: await save."},
    },
    .ideal = [](const Params& p) {
      std::int64_t work = aio::to_loop_ns(p.number("work")), saved = work + aio::to_loop_ns(p.number("save"));
      std::int64_t cancel_at = aio::to_loop_ns(p.number("cancel_at"));
      // Only a shielded save that is under way when the cancel comes outlasts it (at an equal time,
      // main's timer, set first, fires first).
      bool outlasts = p.text("shield") == "on" && work < cancel_at && cancel_at < saved;
      return static_cast<double>(outlasts ? saved : cancel_at) / 1e9;
    },
    .main = [](const Params& p) {
      return main_coro(p.number("work"), p.number("save"), p.number("cancel_at"), p.text("shield") == "on");
    },
};

}  // namespace patterns
