// JsonWriter: builds one JSON document without hand-placed commas and quotes.
//
// Every JSON the project prints (the registry, a run's result, the step records, the trace) goes
// through it, so escaping and number formatting are decided once: strings by json_quote, numbers in
// their shortest round-trip form by json_number (both in trace.hpp). Misnesting is a programming
// error, checked by assertions only; nesting deeper than 16 containers throws std::length_error.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <string>
#include <stdexcept>
#include <string_view>

#include "../trace.hpp"

namespace aio::detail {

class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  // The key of the next value inside an object.
  JsonWriter& key(std::string_view k) {
    separate();
    out_ += json_quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  JsonWriter& string(std::string_view s) { return scalar(json_quote(s)); }
  JsonWriter& number(double v) { return scalar(json_number(v)); }
  JsonWriter& integer(std::int64_t v) { return scalar(std::to_string(v)); }
  JsonWriter& boolean(bool v) { return scalar(v ? "true" : "false"); }
  JsonWriter& null() { return scalar("null"); }
  // An already-serialised JSON value, e.g. another writer's document.
  JsonWriter& raw(std::string_view json) { return scalar(json); }

  // key(k) followed by one value: the common case inside objects.
  JsonWriter& field(std::string_view k, std::string_view s) { return key(k).string(s); }
  JsonWriter& field(std::string_view k, const char* s) { return key(k).string(s); }
  JsonWriter& field(std::string_view k, const std::string& s) { return key(k).string(s); }
  JsonWriter& field(std::string_view k, double v) { return key(k).number(v); }
  JsonWriter& field(std::string_view k, bool v) { return key(k).boolean(v); }

  // The document; every object and array must be closed.
  const std::string& str() const {
    assert(depth_ == 0);
    return out_;
  }

 private:
  // Before a value or key: a comma unless it is the first in its container, nothing after a key.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ > 0) {
      if (open_[depth_ - 1].has_items) out_ += ',';
      open_[depth_ - 1].has_items = true;
    }
  }
  JsonWriter& scalar(std::string_view text) {
    separate();
    out_ += text;
    return *this;
  }
  JsonWriter& open(char c) {
    if (depth_ == open_.size()) throw std::length_error("JsonWriter: more than 16 nested containers");
    separate();
    out_ += c;
    open_[depth_++] = {c, false};
    return *this;
  }
  JsonWriter& close(char c) {
    assert(depth_ > 0 && !after_key_ && (open_[depth_ - 1].bracket == '{') == (c == '}'));
    --depth_;
    out_ += c;
    return *this;
  }

  struct Level {
    char bracket;
    bool has_items;
  };
  std::string out_;
  // The open containers, innermost last: a fixed stack, so that a writer allocates only its text
  // (the trace writes one document per event).
  std::array<Level, 16> open_{};
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace aio::detail
