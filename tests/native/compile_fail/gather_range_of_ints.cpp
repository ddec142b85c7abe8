// gather over a range of values that cannot be awaited.
// expect: gather_range_of_ints\.cpp:[0-9]+:[0-9]+: error
// expect: AwaitableRange
#include <vector>

#include <aio/aio.hpp>

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  std::vector<aio::Coro<int>> items;
#else
  std::vector<int> items{1, 2};
#endif
  co_await aio::gather(items, aio::return_exceptions);
}
