// The asyncio exception types, describe(), is_cancellation(), ExceptionGroup's split()/subgroup() and
// py_repr(), the last two checked against CPython's.
#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

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

// ---- ExceptionGroup.split() / subgroup(), as CPython 3.11 ---------------------------------------

namespace {

std::exception_ptr value_error(const char* m) { return std::make_exception_ptr(std::invalid_argument(m)); }
std::exception_ptr runtime_error(const char* m) { return std::make_exception_ptr(std::runtime_error(m)); }
std::exception_ptr group(const char* m, std::vector<std::exception_ptr> es) {
  return std::make_exception_ptr(aio::ExceptionGroup(m, std::move(es)));
}
std::string repr(const std::optional<aio::ExceptionGroup>& g) { return g ? aio::py_repr(*g) : "None"; }

}  // namespace

TEST_CASE("split() by type puts each leaf on its side, keeping the message and the leaves themselves", "[errors]") {
  auto a = value_error("a"), b = runtime_error("b"), c = value_error("c");
  aio::ExceptionGroup g("m", {a, b, c});
  auto [match, rest] = g.split<std::invalid_argument>();
  REQUIRE(match);
  REQUIRE(rest);
  CHECK(match->message() == "m");
  CHECK(match->exceptions() == std::vector<std::exception_ptr>{a, c});
  CHECK(rest->message() == "m");
  CHECK(rest->exceptions() == std::vector<std::exception_ptr>{b});
  CHECK(std::string(match->what()) == "m (2 sub-exceptions)");
}

TEST_CASE("split() keeps nested groups' structure, each side a new group with the nested message", "[errors]") {
  // outer = ExceptionGroup("outer", [ValueError("a"), ExceptionGroup("inner", [RuntimeError("b"), ValueError("c")])])
  auto a = value_error("a"), b = runtime_error("b"), c = value_error("c");
  auto inner = group("inner", {b, c});
  aio::ExceptionGroup outer("outer", {a, inner});
  auto [match, rest] = outer.split<std::invalid_argument>();
  CHECK(repr(match) == "ExceptionGroup('outer', [ValueError('a'), ExceptionGroup('inner', [ValueError('c')])])");
  CHECK(repr(rest) == "ExceptionGroup('outer', [ExceptionGroup('inner', [RuntimeError('b')])])");
  REQUIRE(match);
  CHECK(match->exceptions()[0] == a);
  CHECK(match->exceptions()[1] != inner);  // a new group, as CPython's derive()
  REQUIRE(rest);
  CHECK(rest->exceptions()[0] != inner);
}

TEST_CASE("split() of nothing matching is (None, all); of everything, (the group, None)", "[errors]") {
  auto a = value_error("a"), b = runtime_error("b");
  aio::ExceptionGroup g("m", {a, group("inner", {b})});
  auto [none, all] = g.split<std::out_of_range>();
  CHECK_FALSE(none);
  CHECK(repr(all) == "ExceptionGroup('m', [ValueError('a'), ExceptionGroup('inner', [RuntimeError('b')])])");
  // The group itself is asked first: a type it is an instance of takes it whole.
  for (auto [match, rest] : {g.split<aio::ExceptionGroup>(), g.split<std::exception>()}) {
    REQUIRE(match);
    CHECK(match->exceptions() == g.exceptions());
    CHECK(match->message() == "m");
    CHECK_FALSE(rest);
  }
  // Every leaf matching but not the group: a new group all the same, and no rest.
  auto [leaves, nothing] = g.split<std::invalid_argument, std::runtime_error>();
  CHECK(repr(leaves) == "ExceptionGroup('m', [ValueError('a'), ExceptionGroup('inner', [RuntimeError('b')])])");
  CHECK_FALSE(nothing);
}

TEST_CASE("split() with several types matches any of them, like a tuple of types", "[errors]") {
  aio::ExceptionGroup g("m", {value_error("a"), runtime_error("b"), std::make_exception_ptr(aio::TimeoutError())});
  auto [match, rest] = g.split<std::out_of_range, aio::TimeoutError, std::invalid_argument>();
  CHECK(repr(match) == "ExceptionGroup('m', [ValueError('a'), TimeoutError()])");
  CHECK(repr(rest) == "ExceptionGroup('m', [RuntimeError('b')])");
  // A derived type matches its base, as isinstance(): TimeoutError is a runtime_error here.
  auto [runtime, others] = g.split<std::runtime_error>();
  CHECK(repr(runtime) == "ExceptionGroup('m', [RuntimeError('b'), TimeoutError()])");
  CHECK(repr(others) == "ExceptionGroup('m', [ValueError('a')])");
}

TEST_CASE("split() asks a predicate of the group, then depth-first of every part; a matched group stays itself", "[errors]") {
  auto b = runtime_error("b"), c = value_error("c");
  auto inner = group("inner2", {c});
  aio::ExceptionGroup g("o2", {b, inner});
  std::vector<std::string> asked;
  auto [none, all] = g.split([&](const std::exception_ptr& e) {
    asked.push_back(aio::py_repr(e));
    return false;
  });
  CHECK(asked == std::vector<std::string>{"ExceptionGroup('o2', [RuntimeError('b'), ExceptionGroup('inner2', [ValueError('c')])])",
                                          "RuntimeError('b')", "ExceptionGroup('inner2', [ValueError('c')])",
                                          "ValueError('c')"});
  CHECK_FALSE(none);
  CHECK(all);

  auto is_inner2 = [](const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const aio::ExceptionGroup& x) {
      return x.message() == "inner2";
    } catch (...) {
      return false;
    }
  };
  auto [match, rest] = g.split(is_inner2);
  REQUIRE(match);
  REQUIRE(match->exceptions().size() == 1);
  CHECK(match->exceptions()[0] == inner);  // taken whole: the very same group
  CHECK(match->message() == "o2");
  CHECK(repr(rest) == "ExceptionGroup('o2', [RuntimeError('b')])");
}

TEST_CASE("subgroup() is split()'s match side alone", "[errors]") {
  auto a = value_error("a"), b = runtime_error("b"), c = value_error("c");
  aio::ExceptionGroup outer("outer", {a, group("inner", {b, c})});
  CHECK(repr(outer.subgroup<std::invalid_argument>()) ==
        "ExceptionGroup('outer', [ValueError('a'), ExceptionGroup('inner', [ValueError('c')])])");
  CHECK(repr(outer.subgroup<std::runtime_error>()) == "ExceptionGroup('outer', [ExceptionGroup('inner', [RuntimeError('b')])])");
  CHECK_FALSE(outer.subgroup<std::out_of_range>());
  CHECK_FALSE(outer.subgroup([](const std::exception_ptr&) { return false; }));
  auto whole = outer.subgroup<aio::ExceptionGroup>();
  REQUIRE(whole);
  CHECK(whole->exceptions() == outer.exceptions());
  auto by_type = outer.subgroup<std::runtime_error>();
  REQUIRE(by_type);
  CHECK(std::string(by_type->what()) == "outer (1 sub-exception)");
}

TEST_CASE("a rest rethrown reaches the next handler, as what no except* clause took", "[errors]") {
  aio::ExceptionGroup g("unhandled errors in a TaskGroup", {value_error("v"), runtime_error("r")});
  std::string caught, propagated;
  try {
    try {
      throw g;
    } catch (const aio::ExceptionGroup& group) {  // except* ValueError as eg:
      auto [eg, rest] = group.split<std::invalid_argument>();
      if (eg) caught = aio::py_repr(*eg);
      if (rest) throw *rest;
    }
  } catch (const aio::ExceptionGroup& outer) {
    propagated = aio::py_repr(outer);
  }
  CHECK(caught == "ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('v')])");
  CHECK(propagated == "ExceptionGroup('unhandled errors in a TaskGroup', [RuntimeError('r')])");
}

// ---- py_repr ----------------------------------------------------------------------------------------

TEST_CASE("py_repr() writes an exception as Python's repr() under its Python name", "[errors]") {
  CHECK(aio::py_repr(std::exception_ptr()) == "None");
  CHECK(aio::py_repr(std::make_exception_ptr(aio::CancelledError())) == "CancelledError()");
  CHECK(aio::py_repr(std::make_exception_ptr(aio::CancelledError("bye"))) == "CancelledError('bye')");
  CHECK(aio::py_repr(std::make_exception_ptr(aio::TimeoutError())) == "TimeoutError()");
  CHECK(aio::py_repr(std::make_exception_ptr(aio::TimeoutError("deadline"))) == "TimeoutError('deadline')");
  CHECK(aio::py_repr(std::make_exception_ptr(aio::InvalidStateError("s"))) == "InvalidStateError('s')");
  CHECK(aio::py_repr(value_error("x")) == "ValueError('x')");
  CHECK(aio::py_repr(value_error("")) == "ValueError()");
  CHECK(aio::py_repr(runtime_error("r")) == "RuntimeError('r')");
  CHECK(aio::py_repr(std::make_exception_ptr(std::out_of_range("o"))) == "Exception('o')");
  CHECK(aio::py_repr(std::make_exception_ptr(42)) == "Exception()");
  CHECK(aio::py_repr(group("g", {})) == "ExceptionGroup('g', [])");
  CHECK(aio::py_repr(aio::ExceptionGroup("b", {std::make_exception_ptr(aio::CancelledError())})) ==
        "ExceptionGroup('b', [CancelledError()])");
}

TEST_CASE("py_repr() quotes a message as Python quotes a str", "[errors]") {
  CHECK(aio::py_repr(value_error("it's")) == R"(ValueError("it's"))");
  CHECK(aio::py_repr(value_error(R"(say "hi")")) == R"(ValueError('say "hi"'))");
  CHECK(aio::py_repr(value_error("both ' \"\n\t\r\\ \x01\x7f \xc3\xa9")) ==
        "ValueError('both \\' \"\\n\\t\\r\\\\ \\x01\\x7f \xc3\xa9')");
}

TEST_CASE("split() and py_repr() agree with CPython on a nested group", "[errors][python]") {
  auto out = test::split_lines(test::run_command(
      "python3 -c '\n"
      "outer = ExceptionGroup(\"outer\", [ValueError(\"a\"), ExceptionGroup(\"in\\x27ner\", [RuntimeError(\"b\"), ValueError(\"c\")])])\n"
      "m, r = outer.split(ValueError)\n"
      "print(repr(m)); print(repr(r)); print(outer.subgroup(KeyError))\n"
      "print(repr(ValueError(\"both \\x27 \\x22\\n\\t\\\\ \\x01\")))\n"
      "' 2>&1"));
  auto a = value_error("a"), b = runtime_error("b"), c = value_error("c");
  aio::ExceptionGroup outer("outer", {a, group("in'ner", {b, c})});
  auto [match, rest] = outer.split<std::invalid_argument>();
  CHECK(out == std::vector<std::string>{repr(match), repr(rest), repr(outer.subgroup<std::out_of_range>()),
                                        aio::py_repr(value_error("both ' \"\n\t\\ \x01"))});
}
