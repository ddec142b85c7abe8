// create_task takes a coroutine (a Coro<T>, by type): a sleep must be wrapped in one.
// expect: create_task_not_coroutine\.cpp:[0-9]+:[0-9]+: error
// expect: Coro
#include <aio/aio.hpp>

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  auto t = aio::create_task([]() -> aio::Coro<> { co_await aio::sleep(1); }());
#else
  auto t = aio::create_task(aio::sleep(1));
#endif
  co_await t;
}
