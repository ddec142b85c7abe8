// The asyncio exception types, describe() and is_cancellation().
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "support.hpp"

TEST_CASE("CancelledError carries its message in what() and message()", "[errors]") {
  aio::CancelledError plain;
  CHECK(std::string(plain.what()).empty());
  CHECK(plain.message().empty());
  aio::CancelledError with("because");
  CHECK(std::string(with.what()) == "because");
  CHECK(with.message() == "because");
  // Not a std::runtime_error: like asyncio's BaseException, generic handlers of errors miss it.
  CHECK_FALSE(std::is_base_of_v<std::runtime_error, aio::CancelledError>);
  CHECK(std::is_base_of_v<std::exception, aio::CancelledError>);
}

TEST_CASE("TimeoutError is a runtime_error that says 'timed out' by default", "[errors]") {
  CHECK(std::is_base_of_v<std::runtime_error, aio::TimeoutError>);
  CHECK(std::string(aio::TimeoutError().what()) == "timed out");
  CHECK(std::string(aio::TimeoutError("deadline").what()) == "deadline");
}

TEST_CASE("InvalidStateError is a logic_error", "[errors]") {
  CHECK(std::is_base_of_v<std::logic_error, aio::InvalidStateError>);
  CHECK(std::string(aio::InvalidStateError("Result is not set.").what()) == "Result is not set.");
}

TEST_CASE("ExceptionGroup reads like Python's str(): 'msg (N sub-exception[s])'", "[errors]") {
  auto e1 = std::make_exception_ptr(std::runtime_error("a"));
  auto e2 = std::make_exception_ptr(std::runtime_error("b"));
  aio::ExceptionGroup one("unhandled errors in a TaskGroup", {e1});
  CHECK(std::string(one.what()) == "unhandled errors in a TaskGroup (1 sub-exception)");
  CHECK(one.message() == "unhandled errors in a TaskGroup");
  REQUIRE(one.exceptions().size() == 1);
  CHECK(one.exceptions()[0] == e1);
  aio::ExceptionGroup two("msg", {e1, e2});
  CHECK(std::string(two.what()) == "msg (2 sub-exceptions)");
  CHECK(two.exceptions().size() == 2);
}

TEST_CASE("describe() gives the text of any exception_ptr", "[errors]") {
  CHECK(aio::describe(nullptr) == "");
  CHECK(aio::describe(std::make_exception_ptr(aio::CancelledError())) == "CancelledError");
  CHECK(aio::describe(std::make_exception_ptr(aio::CancelledError("bye"))) == "CancelledError: bye");
  CHECK(aio::describe(std::make_exception_ptr(aio::TimeoutError())) == "TimeoutError");
  CHECK(aio::describe(std::make_exception_ptr(std::runtime_error("plain"))) == "plain");
  CHECK(aio::describe(std::make_exception_ptr(aio::InvalidStateError("state"))) == "state");
  CHECK(aio::describe(std::make_exception_ptr(42)) == "unknown exception");
  CHECK(aio::describe(std::make_exception_ptr(aio::ExceptionGroup("g", {}))) == "g (0 sub-exceptions)");
}

TEST_CASE("is_cancellation() is true only for a CancelledError", "[errors]") {
  CHECK(aio::is_cancellation(std::make_exception_ptr(aio::CancelledError())));
  CHECK(aio::is_cancellation(std::make_exception_ptr(aio::CancelledError("m"))));
  CHECK_FALSE(aio::is_cancellation(nullptr));
  CHECK_FALSE(aio::is_cancellation(std::make_exception_ptr(aio::TimeoutError())));
  CHECK_FALSE(aio::is_cancellation(std::make_exception_ptr(std::runtime_error("x"))));
  CHECK_FALSE(aio::is_cancellation(std::make_exception_ptr(7)));
}
