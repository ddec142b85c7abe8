// The one place that knows where the coroutine library lives: C++20's <coroutine>, or the Coroutines TS
// header that Emscripten 3.1.6's libc++ still ships instead. Everything else spells aio::coro_ns::...
#pragma once

#if __has_include(<coroutine>)
#include <coroutine>
namespace aio::coro_ns {
using std::coroutine_handle;
using std::noop_coroutine;
using std::suspend_always;
using std::suspend_never;
}  // namespace aio::coro_ns
#else
#include <experimental/coroutine>
namespace aio::coro_ns {
using std::experimental::coroutine_handle;
using std::experimental::noop_coroutine;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
}  // namespace aio::coro_ns
#endif

// Symmetric transfer (await_suspend returning the handle to run next) compiles to a guaranteed tail call.
// WebAssembly without the tail-call feature has none, and clang 14 then refuses to compile it (and
// Asyncify cannot handle tail calls anyway). There, the two awaiters of coro.hpp hand the next coroutine
// to transfer_to() instead: a trampoline that runs it and whatever it transfers to in turn, so chains
// of any depth (a child awaiting a child awaiting...) run on a constant stack, in the same order.
// Coroutines are only ever resumed by a task's step (or by this loop), so the loop always belongs to the
// step that is running. The awaiters must be inlined ([[gnu::always_inline]]): clang 14's CoroSplit
// marks as musttail any call of a void f(pointer) with the resume function's calling convention that
// ends it, so a non-inlined void await_suspend(handle), or an inlined h.resume(), would fail the same way.
#ifndef AIO_SYMMETRIC_TRANSFER
#if defined(__wasm__) && !defined(__wasm_tail_call__)
#define AIO_SYMMETRIC_TRANSFER 0
#else
#define AIO_SYMMETRIC_TRANSFER 1
#endif
#endif

#if !AIO_SYMMETRIC_TRANSFER
namespace aio::detail {
inline thread_local coro_ns::coroutine_handle<> t_transfer_next;
inline thread_local bool t_transfer_running = false;
// Not inlined and not local, so the call keeps the C calling convention and is never made musttail.
[[gnu::noinline]] inline void transfer_to(coro_ns::coroutine_handle<> h) noexcept {
  if (t_transfer_running) {  // an outer transfer_to is running: it takes over from here
    t_transfer_next = h;
    return;
  }
  t_transfer_running = true;
  while (h) {
    h.resume();
    h = t_transfer_next;
    t_transfer_next = {};
  }
  t_transfer_running = false;
}
}  // namespace aio::detail
#endif
