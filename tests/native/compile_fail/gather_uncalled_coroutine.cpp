// gather(f) where gather(f()) was meant: refused at the call, naming the concept.
// expect: gather_uncalled_coroutine\.cpp:[0-9]+:[0-9]+: error
// expect: Awaitable
#include <aio/aio.hpp>

aio::Coro<int> fetch() { co_return 1; }

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  co_await aio::gather(fetch());
#else
  co_await aio::gather(fetch);
#endif
}
