// Internal to the browser platform: what browser_platform.cpp and worker_pool.cpp share.
//
// The JavaScript side is aio_host.js (linked with --pre-js): it owns the idle wait's Promise, the
// "resume now" channel and the Web Workers, and queues what the workers report until the loop, back
// from its idle wait or its yield, pulls it with deliver_events(). Nothing here is thread-safe because
// nothing needs to be: the loop's thread is the page's main thread, and workers are separate instances.
#pragma once

#include <memory>

#include "aio/platform.hpp"

namespace aio::browser {

// Hands what the workers reported (job started, job done or failed, worker died) to the pools.
void deliver_events();
// Where no Web Worker can be started (Node: the Catch2 suite), pools run their jobs on the loop's own
// thread, one per idle wait. Returns true if it ran one.
bool run_inline_job();
std::unique_ptr<WorkerPool> make_worker_pool(int max_workers);
// Called just before the loop gives the page a turn (an idle wait that really waits, a yield): the
// bindings hand what they batched for the page (trace events, lines) over there, so the page sees
// everything that happened before it gets to run. Null: nothing to do.
void set_before_suspend(void (*hook)());

}  // namespace aio::browser
