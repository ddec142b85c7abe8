// Outcome<T>: a value or an exception (gather's return_exceptions results).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "support.hpp"

TEST_CASE("an Outcome of a value is ok and gives the value", "[outcome]") {
  auto o = aio::Outcome<std::string>::of_value("v");
  CHECK(o.ok());
  CHECK_FALSE(o.cancelled());
  CHECK(o.exception() == nullptr);
  CHECK(o.value() == "v");
}

TEST_CASE("an Outcome of an error is not ok and value() rethrows the error", "[outcome]") {
  auto o = aio::Outcome<int>::of_error(std::make_exception_ptr(std::runtime_error("failed")));
  CHECK_FALSE(o.ok());
  CHECK_FALSE(o.cancelled());
  REQUIRE(o.exception());
  CHECK_THROWS_AS(o.value(), std::runtime_error);
  CHECK_THROWS_WITH(o.value(), "failed");
}

TEST_CASE("an Outcome holding a CancelledError is cancelled", "[outcome]") {
  auto o = aio::Outcome<int>::of_error(std::make_exception_ptr(aio::CancelledError("c")));
  CHECK_FALSE(o.ok());
  CHECK(o.cancelled());
  CHECK_THROWS_AS(o.value(), aio::CancelledError);
}

TEST_CASE("an Outcome of a void result holds None", "[outcome]") {
  STATIC_REQUIRE(std::is_same_v<aio::Outcome<void>::value_type, aio::None>);
  auto o = aio::Outcome<void>::of_value(aio::None{});
  CHECK(o.ok());
  CHECK(o.value() == aio::None{});
}

TEST_CASE("a default Outcome is neither ok nor an error", "[outcome]") {
  aio::Outcome<int> o;
  CHECK_FALSE(o.ok());
  CHECK(o.exception() == nullptr);
  CHECK_FALSE(o.cancelled());
}
