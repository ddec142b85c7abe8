#include <catch2/catch.hpp>

#include "support.hpp"

TEST_CASE("sleep waits its delay on the virtual clock, exactly", "[sleep]") {
  double t = test::run_virtual([]() -> aio::Coro<double> {
    co_await aio::sleep(1.5);
    co_return test::now();
  }());
  CHECK(t == 1.5);
}
