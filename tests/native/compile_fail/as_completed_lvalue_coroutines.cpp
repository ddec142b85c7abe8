// as_completed over a single coroutine instead of a range of them.
// expect: as_completed_lvalue_coroutines\.cpp:[0-9]+:[0-9]+: error
// expect: AwaitableRange
#include <vector>

#include <aio/aio.hpp>

aio::Coro<int> fetch() { co_return 1; }

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  std::vector<aio::Coro<int>> items;
  for (auto next : aio::as_completed(std::move(items))) co_await next;
#else
  for (auto next : aio::as_completed(fetch())) co_await next;
#endif
}
