// fuzz_format: the text the project writes for outside readers.
//
//   py_str(double)   against an independent reference of CPython's repr(float): the shortest %.*e
//                    digits that read back, positional for exponents -4..15, else d.ddde+XX; and
//                    strtod(py_str(v)) == v.
//   json_number      finite: reads back exactly and matches JSON's number grammar; else "null".
//   json_quote       a strict JSON string decoder gives back the input bytes; no raw control byte.
// Doubles come from the input's first 8 bytes and from the input read as text; json_quote gets the
// whole input.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <regex>
#include <string>

#include <aio/print.hpp>
#include <aio/trace.hpp>

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_format: %s\n", what.c_str());
  std::abort();
}

std::string hex(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%a", v);
  return b;
}

// Adds `delta` (+1 or -1) to a string of decimal digits, keeping its length when it can; returns the
// change of the decimal exponent (+1 when 99..9 + 1 carries out, -1 when 10..0 - 1 loses its first digit).
int bump(std::string& d, int delta) {
  int i = static_cast<int>(d.size()) - 1;
  if (delta > 0) {
    while (i >= 0 && d[static_cast<std::size_t>(i)] == '9') d[static_cast<std::size_t>(i--)] = '0';
    if (i < 0) {
      d.insert(d.begin(), '1');
      d.pop_back();
      return 1;
    }
    ++d[static_cast<std::size_t>(i)];
    return 0;
  }
  while (i >= 0 && d[static_cast<std::size_t>(i)] == '0') d[static_cast<std::size_t>(i--)] = '9';
  if (i < 0) return 0;  // 0..0 - 1: not a candidate (never happens for a nonzero mantissa)
  --d[static_cast<std::size_t>(i)];
  if (d[0] == '0' && d.size() > 1) {
    d.erase(d.begin());
    d += '9';
    return -1;
  }
  return 0;
}

// CPython's repr(float), written independently of aio's to_chars-based one: the fewest significant
// digits that read back as v (David Gay's mode 0), the nearest such string when several qualify.
std::string reference_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  bool neg = std::signbit(v);
  double a = std::fabs(v);
  std::string digits;
  int exp = 0;
  if (a == 0) {
    digits = "0";
  } else {
    for (int prec = 0; prec <= 17 && digits.empty(); ++prec) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.*e", prec, a);
      std::string s = buf;
      auto e = s.find('e');
      std::string d = s.substr(0, 1) + (e > 1 ? s.substr(2, e - 2) : "");
      int x = std::atoi(s.c_str() + e + 1);
      // The correctly rounded string is the nearest; if it does not read back, a neighbour may.
      for (int delta : {0, 1, -1}) {
        std::string c = d;
        int cx = x + (delta ? bump(c, delta) : 0);
        std::string text = c.substr(0, 1) + "." + c.substr(1) + "e" + std::to_string(cx);
        if (std::strtod(text.c_str(), nullptr) == a) {
          digits = c;
          exp = cx;
          break;
        }
      }
    }
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  int decpt = exp + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out = "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
      out = digits + std::string(static_cast<std::size_t>(decpt) - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<std::size_t>(decpt)) + "." + digits.substr(static_cast<std::size_t>(decpt));
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char x[16];
    std::snprintf(x, sizeof x, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += x;
  }
  return neg ? "-" + out : out;
}

void check_double(double v) {
  std::string got = aio::py_str(v);
  std::string want = reference_repr(v);
  if (got != want) finding("py_str(" + hex(v) + ") = '" + got + "', CPython's repr gives '" + want + "'");
  if (std::isfinite(v) && std::strtod(got.c_str(), nullptr) != v) finding("py_str(" + hex(v) + ") does not read back");

  std::string j = aio::json_number(v);
  if (!std::isfinite(v)) {
    if (j != "null") finding("json_number(" + hex(v) + ") = " + j);
    return;
  }
  static const std::regex grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  if (!std::regex_match(j, grammar)) finding("json_number(" + hex(v) + ") = '" + j + "' is not a JSON number");
  if (std::strtod(j.c_str(), nullptr) != v) finding("json_number(" + hex(v) + ") = '" + j + "' does not read back");
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A strict decoder of one JSON string literal whose \u escapes are all below 0x100 (what json_quote
// writes); nullopt if it is not one.
std::optional<std::string> decode(const std::string& q) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(q[i]);
    if (c < 0x20 || c == '"') return std::nullopt;
    if (c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    if (++i + 1 >= q.size()) return std::nullopt;
    switch (q[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (i + 4 >= q.size() - 1) return std::nullopt;
        int v = 0;
        for (int k = 1; k <= 4; ++k) {
          int h = hexval(q[i + static_cast<std::size_t>(k)]);
          if (h < 0) return std::nullopt;
          v = v * 16 + h;
        }
        if (v >= 0x100) return std::nullopt;
        out += static_cast<char>(v);
        i += 4;
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  if (size >= 8) {
    double v;
    std::memcpy(&v, data, 8);
    check_double(v);
  }
  std::string text(reinterpret_cast<const char*>(data), size);
  if (!text.empty() && text.size() < 64 && text.find('\0') == std::string::npos) {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str()) check_double(v);
  }
  std::string q = aio::json_quote(text);
  auto back = decode(q);
  if (!back) finding("json_quote gave an invalid JSON string: " + q.substr(0, 200));
  if (*back != text) finding("json_quote does not decode back to its input");
  return 0;
}
