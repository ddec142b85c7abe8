// wait_for of something that is not awaitable (a result, not the coroutine that makes it).
// expect: wait_for_number\.cpp:[0-9]+:[0-9]+: error
// expect: Awaitable
#include <aio/aio.hpp>

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  co_await aio::wait_for(aio::sleep(1), 2.0);
#else
  co_await aio::wait_for(42, 2.0);
#endif
}
