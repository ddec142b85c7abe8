// aio/detail/json_writer.hpp: commas, keys and nesting placed by the writer, escaping by json_quote.
#include <catch2/catch.hpp>

#include <aio/detail/json_writer.hpp>

TEST_CASE("JsonWriter separates values and keys at every depth", "[json]") {
  aio::detail::JsonWriter w;
  w.begin_object().field("a", 1.5).key("list").begin_array().integer(1).string("two").null().boolean(false);
  w.begin_object().end_object().begin_array().end_array().end_array().field("b", "x").end_object();
  CHECK(w.str() == R"({"a":1.5,"list":[1,"two",null,false,{},[]],"b":"x"})");
}

TEST_CASE("JsonWriter escapes strings and keys and writes shortest numbers", "[json]") {
  aio::detail::JsonWriter w;
  w.begin_object().field("q\"k", "line\nbreak \"quoted\"").field("n", 0.1).field("i", 3.0).end_object();
  CHECK(w.str() == R"({"q\"k":"line\nbreak \"quoted\"","n":0.1,"i":3})");
}

TEST_CASE("JsonWriter embeds an already-written document", "[json]") {
  aio::detail::JsonWriter inner;
  inner.begin_array().integer(1).end_array();
  aio::detail::JsonWriter w;
  w.begin_array().raw(inner.str()).raw(inner.str()).end_array();
  CHECK(w.str() == "[[1],[1]]");
}

TEST_CASE("JsonWriter refuses to nest deeper than 16 containers, keeping what it wrote", "[json]") {
  aio::detail::JsonWriter w;
  for (int i = 0; i < 16; ++i) w.begin_array();
  CHECK_THROWS_AS(w.begin_object(), std::length_error);
  for (int i = 0; i < 16; ++i) w.end_array();
  CHECK(w.str() == std::string(16, '[') + std::string(16, ']'));
}
