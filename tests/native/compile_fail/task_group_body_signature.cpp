// task_group's body must take the group: a body that takes nothing is refused at the call.
// expect: task_group_body_signature\.cpp:[0-9]+:[0-9]+: error
// expect: TaskGroupBody
#include <aio/aio.hpp>

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  co_await aio::task_group([](aio::TaskGroup&) -> aio::Coro<> { co_return; });
#else
  co_await aio::task_group([]() -> aio::Coro<> { co_return; });
#endif
}
