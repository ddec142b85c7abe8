// aio::print and py_str: Python's print() and str()/repr() of numbers, checked against python3.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

std::string hex(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

std::vector<std::string> printed(aio::Coro<> main) {
  std::vector<test::Printed> out;
  test::run_virtual(std::move(main), &out);
  return test::texts(out);
}

}  // namespace

TEST_CASE("py_str prints floats as Python's repr does", "[print]") {
  CHECK(aio::py_str(0.5) == "0.5");
  CHECK(aio::py_str(1.0) == "1.0");
  CHECK(aio::py_str(1e-05) == "1e-05");
  CHECK(aio::py_str(1e16) == "1e+16");
  CHECK(aio::py_str(123.456) == "123.456");
  CHECK(aio::py_str(-0.0) == "-0.0");
  CHECK(aio::py_str(0.0) == "0.0");
  CHECK(aio::py_str(0.1 + 0.2) == "0.30000000000000004");
  CHECK(aio::py_str(1e15) == "1000000000000000.0");
  CHECK(aio::py_str(0.0001) == "0.0001");
  CHECK(aio::py_str(1.5e16) == "1.5e+16");
  CHECK(aio::py_str(-2.5) == "-2.5");
  CHECK(aio::py_str(1e100) == "1e+100");
  CHECK(aio::py_str(5e-324) == "5e-324");
  CHECK(aio::py_str(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(aio::py_str(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(aio::py_str(std::nan("")) == "nan");
}

TEST_CASE("py_str matches python3's repr for a batch of floats", "[print][python]") {
  std::vector<double> values{0.5, 1.0, 1e-05, 1e16, 1e+16, 123.456, -0.0, 0.0, 0.1, 0.2, 0.1 + 0.2, 1.0 / 3,
                             2.0 / 3, 1e-4, 9.999e-5, 1e15, 9999999999999998.0, 1e16 + 2, 1.5e16, 2e16,
                             123456789012345678.0, 9007199254740993.0, 5e-324, 2.2250738585072014e-308,
                             1.7976931348623157e308, -1.5, 100.0, 0.001, 1234.5678, 3.14159265358979,
                             2.718281828459045, 1e22, 1e21, 1e-7, 0.000123, 12345.0, -1e-10, 4.35, 0.3,
                             7e-5, 0.07, 1e-300, 6.02214076e23, 299792458.0, 1.1, 2.675, 0.1 * 3,
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                             std::nan("")};
  std::string cmd = "python3 -c 'import sys; [print(repr(float.fromhex(a))) for a in sys.argv[1:]]'";
  for (double v : values) cmd += " " + hex(v);
  auto expected = test::split_lines(test::run_command(cmd));
  REQUIRE(expected.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    INFO("value " << hex(values[i]));
    CHECK(aio::py_str(values[i]) == expected[i]);
  }
}

TEST_CASE("py_str of a float widens it to double first, as Python does", "[print]") {
  CHECK(aio::py_str(0.1f) == "0.10000000149011612");
  CHECK(aio::py_str(0.5f) == "0.5");
}

TEST_CASE("py_str prints integers and bools as Python's str()", "[print]") {
  CHECK(aio::py_str(0) == "0");
  CHECK(aio::py_str(-3) == "-3");
  CHECK(aio::py_str(42L) == "42");
  CHECK(aio::py_str(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(aio::py_str(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
  CHECK(aio::py_str(static_cast<unsigned char>(7)) == "7");
  CHECK(aio::py_str(true) == "True");
  CHECK(aio::py_str(false) == "False");
  CHECK(aio::py_str("text") == "text");
  CHECK(aio::py_str(std::string("s")) == "s");
  CHECK(aio::py_str(std::string_view("sv")) == "sv");
}

TEST_CASE("print joins its arguments with single spaces, formatted as str()", "[print]") {
  auto lines = printed([]() -> aio::Coro<> {
    aio::print("a", 1, 2.5, true, 3.0, -0.0, std::string("s"), 1e-05);
    aio::print("one");
    aio::print(7);
    co_return;
  }());
  CHECK(lines == std::vector<std::string>{"a 1 2.5 True 3.0 -0.0 s 1e-05", "one", "7"});
}

TEST_CASE("print with no arguments prints an empty line", "[print]") {
  auto lines = printed([]() -> aio::Coro<> {
    aio::print();
    co_return;
  }());
  CHECK(lines == std::vector<std::string>{""});
}

TEST_CASE("print puts a space between every two arguments, even empty strings", "[print]") {
  // Python: print("", "x") -> " x"; print("a", "", "b") -> "a  b"; print("", "") -> " "
  auto lines = printed([]() -> aio::Coro<> {
    aio::print("", "x");
    aio::print("a", "", "b");
    aio::print("", "");
    aio::print("x", "");
    co_return;
  }());
  CHECK(lines == std::vector<std::string>{" x", "a  b", " ", "x "});
}

TEST_CASE("print's lines match python3's print for mixed arguments", "[print][python]") {
  auto expected = test::split_lines(test::run_command(
      "python3 -c 'print(\"n\", 1, 2.5, True, False, 0.1+0.2, -0.0, 1e16, 10**15*1.0, \"end\")'"));
  auto lines = printed([]() -> aio::Coro<> {
    aio::print("n", 1, 2.5, true, false, 0.1 + 0.2, -0.0, 1e16, 1e15, "end");
    co_return;
  }());
  CHECK(lines == expected);
}

TEST_CASE("each printed line carries the loop time it was printed at", "[print]") {
  std::vector<test::Printed> out;
  test::run_virtual([]() -> aio::Coro<> {
    aio::print("start");
    co_await aio::sleep(1.5);
    aio::print("later");
    co_await aio::sleep(0.25);
    aio::print("end");
  }(), &out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].t == 0);
  CHECK(out[1].t == 1.5);
  CHECK(out[2].t == 1.75);
}

TEST_CASE("print outside aio::run throws (no running loop)", "[print]") {
  CHECK_THROWS_AS(aio::print("x"), std::logic_error);
}
