// What a coroutine tells the step recorder (aio/steps.hpp) while one records, and nothing otherwise:
// every hook is behind one thread-local pointer test, and the source locations are compile-time
// constants passed as arguments, never stored in a frame.
#pragma once

#include <string>

namespace aio {
class StepRecorder;
namespace detail {

class TaskBase;
class FutureBase;

// The hooks cost a task of spawn + gather 3 instructions when nobody records: 344 against 341 with them
// compiled out (callgrind, clang -O2, 2026-12-02). Clang's preserve_most on the hooks, which once saved
// 8 of them, saves none now (344 with it and without), and is gone.

// The recorder watching this thread's loop, or null (the usual case).
inline thread_local StepRecorder* t_steps = nullptr;

// A type-erased repr of a finished task's value (Python's repr, for the types it can show; else empty).
using StepRepr = std::string (*)(TaskBase& task);

// A co_await at `file`:`line` is being evaluated by the running task; `awaited` is the future it
// awaits, if it is one (a task, a gather, a Future).
void step_note_await(StepRecorder& r, const char* file, unsigned line, FutureBase* awaited) noexcept;
// A coroutine frame was made by `function` in `file` (before any of it runs: a task that has not
// started yet is "at" its function's first line, as CPython's unstarted coroutine is).
void step_note_frame(StepRecorder& r, TaskBase& frame, const char* file, const char* function, StepRepr repr) noexcept;
// A task was created / finished (called from the task's trace branch, so only while tracing).
void step_task_created(StepRecorder& r, TaskBase& task) noexcept;
void step_task_finished(StepRecorder& r, TaskBase& task) noexcept;

}  // namespace detail
}  // namespace aio
