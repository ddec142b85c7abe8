// The concepts of aio/concepts.hpp: what counts as an awaitable, a range of them, a task group's body,
// an executor value. (That misuse is refused at the call is checked by the compile-fail tests in
// tests/native/compile_fail/.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support.hpp"

namespace {

aio::Coro<int> one() { co_return 1; }
aio::Coro<> nothing() { co_return; }
int plain(int x) { return x; }

}  // namespace

TEST_CASE("Awaitable: coroutines (as rvalues), tasks, futures, gatherings, sleeps and lock waits", "[concepts]") {
  STATIC_REQUIRE(aio::Awaitable<aio::Coro<int>>);
  STATIC_REQUIRE_FALSE(aio::Awaitable<aio::Coro<int>&>);  // a coroutine is awaited once: move it
  STATIC_REQUIRE(aio::Awaitable<aio::Task<int>>);
  STATIC_REQUIRE(aio::Awaitable<aio::Task<int>&>);
  STATIC_REQUIRE(aio::Awaitable<const aio::Task<int>&>);
  STATIC_REQUIRE(aio::Awaitable<aio::Future<std::string>&>);
  STATIC_REQUIRE(aio::Awaitable<decltype(aio::gather(one(), nothing()))>);
  STATIC_REQUIRE(aio::Awaitable<decltype(aio::sleep(0.5))>);
  STATIC_REQUIRE(aio::Awaitable<decltype(std::declval<aio::Lock&>().acquire())>);
  STATIC_REQUIRE_FALSE(aio::Awaitable<int>);
  STATIC_REQUIRE_FALSE(aio::Awaitable<decltype(one)>);   // the coroutine function, not called
  STATIC_REQUIRE_FALSE(aio::Awaitable<decltype(&one)>);
  STATIC_REQUIRE_FALSE(aio::Awaitable<std::vector<aio::Coro<int>>>);
}

TEST_CASE("await_result_t is what co_await yields", "[concepts]") {
  STATIC_REQUIRE(std::is_same_v<aio::await_result_t<aio::Coro<int>>, int>);
  STATIC_REQUIRE(std::is_same_v<aio::await_result_t<aio::Coro<>>, void>);
  STATIC_REQUIRE(std::is_same_v<aio::await_result_t<aio::Task<std::string>&>, std::string>);
  STATIC_REQUIRE(std::is_same_v<aio::await_result_t<decltype(aio::sleep(1.0))>, void>);
  STATIC_REQUIRE(std::is_same_v<aio::await_result_t<decltype(aio::gather(one(), nothing()))>,
                                 std::tuple<int, aio::None>>);
}

TEST_CASE("AwaitableRange, TaskGroupBody and Packable", "[concepts]") {
  STATIC_REQUIRE(aio::AwaitableRange<std::vector<aio::Coro<int>>>);
  STATIC_REQUIRE(aio::AwaitableRange<std::vector<aio::Task<int>>&>);
  STATIC_REQUIRE(aio::AwaitableRange<std::vector<aio::Future<>>>);
  STATIC_REQUIRE_FALSE(aio::AwaitableRange<std::vector<int>>);
  STATIC_REQUIRE_FALSE(aio::AwaitableRange<aio::Coro<int>>);

  auto body = [](aio::TaskGroup& tg) -> aio::Coro<> {
    tg.create_task(one());
    co_return;
  };
  STATIC_REQUIRE(aio::TaskGroupBody<decltype(body)>);
  STATIC_REQUIRE_FALSE(aio::TaskGroupBody<decltype([](int) -> aio::Coro<> { co_return; })>);
  STATIC_REQUIRE_FALSE(aio::TaskGroupBody<decltype([](aio::TaskGroup&) { return 1; })>);

  STATIC_REQUIRE(aio::Packable<int>);
  STATIC_REQUIRE(aio::Packable<const std::string&>);
  STATIC_REQUIRE(aio::Packable<void>);
  STATIC_REQUIRE_FALSE(aio::Packable<std::vector<int>>);
  STATIC_REQUIRE_FALSE(aio::Packable<const char*>);
  (void)plain;
}

TEST_CASE("combinators take any awaitable, as asyncio's do", "[concepts]") {
  std::vector<test::Printed> printed;
  test::run_virtual([]() -> aio::Coro<> {
    // asyncio.gather(asyncio.sleep(0.5), one()): the sleep is awaited by a task of its own.
    auto [slept, n] = co_await aio::gather(aio::sleep(0.5), one());
    CHECK(slept == aio::None{});
    CHECK(n == 1);
    CHECK(test::now() == 0.5);

    aio::Future<int> f;
    aio::EventLoop::current().call_later(1, [f]() mutable { f.set_result(4); });
    auto [from_future] = co_await aio::gather(f);
    CHECK(from_future == 4);

    std::vector<aio::Future<int>> futures(2);
    futures[0].set_result(1);
    futures[1].set_result(2);
    std::vector<int> values = co_await aio::gather(futures);
    CHECK(values == std::vector<int>{1, 2});

    std::tuple<int, int> pair = co_await aio::wait_for(aio::gather(one(), one()), 1.0);
    CHECK(pair == std::tuple<int, int>{1, 1});
    bool timed_out = false;
    try {
      co_await aio::wait_for(aio::sleep(5), 1.0);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    timed_out = false;
    try {
      co_await aio::timeout(1.0, aio::sleep(5));
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    CHECK(timed_out);
    co_await aio::shield(aio::sleep(0.5));
    int k = 0;
    std::vector<aio::SleepAwaiter> sleeps;
    sleeps.push_back(aio::sleep(0.2));
    sleeps.push_back(aio::sleep(0.1));
    for (auto next : aio::as_completed(std::move(sleeps))) {
      co_await next;
      ++k;
    }
    CHECK(k == 2);
    aio::print("done");
  }(), &printed);
  CHECK(test::lines(printed) == test::Lines{"4.2 done"});
}
