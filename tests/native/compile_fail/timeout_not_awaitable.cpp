// timeout(delay, body) where body is a coroutine function, not a coroutine.
// expect: timeout_not_awaitable\.cpp:[0-9]+:[0-9]+: error
// expect: Awaitable
#include <aio/aio.hpp>

aio::Coro<> work() { co_return; }

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  co_await aio::timeout(1.0, work());
#else
  co_await aio::timeout(1.0, work);
#endif
}
