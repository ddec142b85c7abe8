// Concepts: what the combinators accept, checked at the call.
//
// Awaitable<A>        what `co_await` takes inside an aio coroutine (asyncio's "awaitable"): a Coro<T>
//                     (as an rvalue: a coroutine is awaited once), a Task<T>, a Future<T>, a Gathering,
//                     sleep(...), lock.acquire(), or any type with await_ready / await_suspend /
//                     await_resume, directly or through operator co_await. await_result_t<A> is the type
//                     awaiting it yields.
// AwaitableRange<R>   a range (std::begin / std::end) whose elements are Awaitable: gather(range),
//                     as_completed(range).
// TaskGroupBody<B>    task_group's body: callable with a TaskGroup& and returning an Awaitable.
// Packable<T>         an executor argument or result: a number, a bool or std::string (void as a result),
//                     because a job crosses to a Web Worker as bytes.
//
// gather, as_completed, wait_for, shield and timeout take any Awaitable, as asyncio's do: a coroutine or
// a task is used as it is, anything else is awaited by a task made for it (asyncio's ensure_future), so
// `aio::gather(aio::sleep(0.5), fetch())` works. create_task and run take a Coro<T> by type, task_group
// a TaskGroupBody, run_in_executor and to_thread a plain function with Packable parameters. A misuse
// (a number, a coroutine function passed uncalled, `f` for `f()`) is refused at the call, naming the
// concept it does not satisfy, instead of failing deep inside the combinator.
#pragma once

#include <concepts>
#include <iterator>
#include <type_traits>
#include <utility>

#include "coro.hpp"
#include "detail/pack.hpp"

namespace aio {

class TaskGroup;

namespace detail {

// The awaiter `co_await a` uses: a's operator co_await (member or free) if it has one, else a itself.
template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); }) {
    return std::forward<A>(a).operator co_await();
  } else if constexpr (requires { operator co_await(std::forward<A>(a)); }) {
    return operator co_await(std::forward<A>(a));
  } else {
    return std::forward<A>(a);
  }
}
template <class A>
using awaiter_t = decltype(get_awaiter(std::declval<A>()));

// The handle an awaiter of an aio coroutine is given.
using AioHandle = coro_ns::coroutine_handle<Promise<void>>;

}  // namespace detail

template <class A>
concept Awaitable = requires(std::remove_reference_t<detail::awaiter_t<A>>& w, detail::AioHandle h) {
  { w.await_ready() } -> std::convertible_to<bool>;
  w.await_suspend(h);
  w.await_resume();
};

// What `co_await a` yields (a reference for some awaitables, e.g. an lvalue task of a move-only type).
template <Awaitable A>
using await_result_t = decltype(std::declval<std::remove_reference_t<detail::awaiter_t<A>>&>().await_resume());

template <class R>
concept AwaitableRange = requires(R& r) {
  std::begin(r);
  std::end(r);
} && Awaitable<std::remove_reference_t<decltype(*std::begin(std::declval<R&>()))>>;

template <class B>
concept TaskGroupBody = std::invocable<B&, TaskGroup&> && Awaitable<std::invoke_result_t<B&, TaskGroup&>>;

template <class T>
concept Packable = detail::packable_v<std::decay_t<T>>;

}  // namespace aio
