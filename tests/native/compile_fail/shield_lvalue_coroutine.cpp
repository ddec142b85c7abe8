// shield of a coroutine object kept in a variable: a coroutine is awaited once, so it must be moved.
// expect: shield_lvalue_coroutine\.cpp:[0-9]+:[0-9]+: error
// expect: Awaitable
#include <aio/aio.hpp>

aio::Coro<int> fetch() { co_return 1; }

aio::Coro<> misuse() {
  auto c = fetch();
#ifdef AIO_WELL_FORMED
  co_await aio::shield(std::move(c));
#else
  co_await aio::shield(c);
#endif
}
