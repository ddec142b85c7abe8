// wait(tasks, return_when, timeout): asyncio.wait.
//
// Waits until the condition holds and returns {done, pending}, each in the order the tasks were given
// (Python returns sets). Never raises TimeoutError: on timeout it simply returns what is done so far.
//   FIRST_COMPLETED  return when any task finishes (or is cancelled).
//   FIRST_EXCEPTION  return when any task fails with an exception (a cancellation does not count), or
//                    when all are done.
//   ALL_COMPLETED    return when all are done (the default).
// The tasks are neither cancelled nor awaited: pending ones keep running. Cancelling the task that
// awaits wait() raises CancelledError in it and leaves the tasks alone. An empty list throws
// std::invalid_argument, as asyncio's ValueError. Timeout: seconds, std::nullopt for none; <= 0 polls
// after one loop iteration.
#pragma once

#include <optional>
#include <stdexcept>
#include <vector>

#include "coro.hpp"
#include "future.hpp"
#include "task.hpp"

namespace aio {

enum class ReturnWhen { FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED };
inline constexpr ReturnWhen FIRST_COMPLETED = ReturnWhen::FIRST_COMPLETED;
inline constexpr ReturnWhen FIRST_EXCEPTION = ReturnWhen::FIRST_EXCEPTION;
inline constexpr ReturnWhen ALL_COMPLETED = ReturnWhen::ALL_COMPLETED;

template <class T>
struct WaitResult {
  std::vector<Task<T>> done;
  std::vector<Task<T>> pending;
};

namespace detail {
// Suspends until `return_when` holds over `futures` or the timeout passes (CPython's _wait).
Coro<> wait_for_condition(std::vector<FutureBase*> futures, ReturnWhen return_when, std::optional<double> timeout);
}  // namespace detail

template <class T>
Coro<WaitResult<T>> wait(std::vector<Task<T>> tasks, ReturnWhen return_when = ALL_COMPLETED,
                         std::optional<double> timeout = std::nullopt) {
  if (tasks.empty()) throw std::invalid_argument("Set of Tasks/Futures is empty.");
  std::vector<detail::FutureBase*> futures;
  futures.reserve(tasks.size());
  for (auto& t : tasks) futures.push_back(&detail::access::base(t));
  co_await detail::wait_for_condition(std::move(futures), return_when, timeout);
  WaitResult<T> r;
  for (auto& t : tasks) (t.done() ? r.done : r.pending).push_back(t);
  co_return r;
}

}  // namespace aio
