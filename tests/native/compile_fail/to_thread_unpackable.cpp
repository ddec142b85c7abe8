// to_thread of a function whose argument cannot cross to a Web Worker (not a number, bool or string).
// expect: to_thread_unpackable\.cpp:[0-9]+:[0-9]+: error
// expect: Packable
#include <string>
#include <vector>

#include <aio/aio.hpp>

int total(std::vector<int> v) { return static_cast<int>(v.size()); }
int length(std::string s) { return static_cast<int>(s.size()); }

aio::Coro<> misuse() {
#ifdef AIO_WELL_FORMED
  co_await aio::to_thread(&length, std::string("abc"));
#else
  co_await aio::to_thread(&total, std::vector<int>{1, 2});
#endif
}
