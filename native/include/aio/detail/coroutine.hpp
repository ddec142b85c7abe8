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
// Asyncify cannot handle tail calls anyway): there, awaiters resume the next coroutine directly instead,
// which runs the same code in the same order on a deeper stack. Such an awaiter must be inlined
// ([[gnu::always_inline]]) and resume through resume_out_of_line(): clang 14's CoroSplit marks as
// musttail any call of a void f(pointer) with the resume function's calling convention that ends it,
// so a non-inlined void await_suspend(handle), or an inlined h.resume(), would fail the same way.
#ifndef AIO_SYMMETRIC_TRANSFER
#if defined(__wasm__) && !defined(__wasm_tail_call__)
#define AIO_SYMMETRIC_TRANSFER 0
#else
#define AIO_SYMMETRIC_TRANSFER 1
#endif
#endif

#if !AIO_SYMMETRIC_TRANSFER
namespace aio::detail {
// Not inlined and not local, so the call keeps the C calling convention and is never made musttail.
[[gnu::noinline]] inline void resume_out_of_line(coro_ns::coroutine_handle<> h) noexcept { h.resume(); }
}  // namespace aio::detail
#endif
