// A program of a project that uses aio: the same source for each way of consuming it
// (find_package after install, FetchContent/add_subdirectory, pkg-config). It awaits a job of no
// arguments on the default executor, so that its instantiation is compiled with the user's warnings.
#include <aio/aio.hpp>

#include <iostream>

namespace {
int answer() { return 42; }

aio::Coro<int> main_coro() {
  co_await aio::sleep(0.5);
  co_return co_await aio::to_thread(answer);
}
}  // namespace

int main() {
  int got = aio::run(main_coro(), {.clock = aio::ClockKind::virtual_time});
  std::cout << "consumer: " << got << '\n';
  return got == 42 ? 0 : 1;
}
