// task_group(body): asyncio.TaskGroup (`async with asyncio.TaskGroup() as tg:`).
//
// ```cpp
// aio::Coro<int> work(int n);
//
// aio::Coro<> main_coro() {
//   aio::Task<int> t1;
//   co_await aio::task_group([&](aio::TaskGroup& tg) -> aio::Coro<> {
//     t1 = tg.create_task(work(1));
//     tg.create_task(work(2));
//     co_return;
//   });
//   aio::print(t1.result());  // every task of the group is done here
// }
// ```
// The body (a TaskGroupBody: called with the group, returns an awaitable) runs inside the awaiting task;
// leaving it waits for every task of the group.
//   - The first child that fails cancels all the other children and the body (its awaiting task), and
//     once all have finished the group raises ExceptionGroup with every non-cancellation error, in the
//     order they happened. An exception escaping the body does the same and joins the group's errors.
//   - Cancelling the awaiting task cancels every child; the group then re-raises CancelledError (unless
//     child errors take priority), so cancellation of the parent propagates.
//   - A group cannot leak its children: when task_group returns or throws, all of them are done.
//   - create_task on a group that is shutting down (after an error) or finished throws std::runtime_error.
#pragma once

#include <exception>
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "concepts.hpp"
#include "coro.hpp"
#include "future.hpp"
#include "task.hpp"

namespace aio {

class TaskGroup {
 public:
  TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  template <class T>
  Task<T> create_task(Coro<T> coro, std::string name = {}) {
    check_open();
    Task<T> t = aio::create_task(std::move(coro), std::move(name));
    adopt(detail::access::base(t));
    return t;
  }

 private:
  friend struct detail::access;
  // __aexit__: waits for the children and raises as described above. `body_error` is what escaped the body.
  Coro<> join(std::exception_ptr body_error);
  void check_open() const;
  void adopt(detail::TaskBase& t);
  void on_task_done(std::list<detail::Ref<detail::TaskBase>>::iterator it);
  void abort();

  detail::TaskBase* parent_;
  std::list<detail::Ref<detail::TaskBase>> tasks_;
  std::vector<std::exception_ptr> errors_;
  std::optional<Future<>> on_completed_;
  bool exiting_ = false;
  bool aborting_ = false;
  bool parent_cancel_requested_ = false;
};

template <TaskGroupBody Body>
Coro<> task_group(Body body) {
  TaskGroup tg;
  std::exception_ptr error;
  try {
    co_await body(tg);
  } catch (...) {
    error = std::current_exception();
  }
  co_await detail::access::join(tg, error);
}

}  // namespace aio
