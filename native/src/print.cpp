#include "aio/print.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace aio {

// CPython's float repr: the shortest digits that round-trip; positional for exponents -4..15,
// scientific otherwise ("1e-05", "1.5e+16"); a whole number keeps ".0".
std::string py_str(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 14000
  // libc++ before 14 (Emscripten 3.1.6) has no floating-point to_chars: the fewest digits that round-trip.
  // When 15 significant digits or fewer do, the 15-digit form is them padded with zeros; else 16 or 17.
  // (Subnormals have fewer digits of precision: those are searched from 1.)
  for (int prec = std::fabs(v) < 2.2250738585072014e-308 ? 0 : 14; prec <= 16; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec, v);
    if (prec == 16 || std::strtod(buf, nullptr) == v) break;
  }
  std::string sci(buf);
  auto e_at = sci.find('e');
  if (sci.find('.') < e_at) {  // drop the zeros that pad the digits, and a bare '.'
    auto keep = sci.find_last_not_of('0', e_at - 1);
    if (sci[keep] == '.') --keep;
    sci.erase(keep + 1, e_at - keep - 1);
  }
#else
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // e.g. "-1.2345e+02"
#endif
  auto epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::atoi(sci.c_str() + epos + 1);
  bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out;
  if (exp >= -5 + 1 && exp < 16) {
    if (exp >= 0) {
      if (static_cast<int>(digits.size()) <= exp + 1) {
        out = digits + std::string(static_cast<std::size_t>(exp + 1) - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, static_cast<std::size_t>(exp + 1)) + "." + digits.substr(static_cast<std::size_t>(exp + 1));
      }
    } else {
      out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += e;
  }
  return neg ? "-" + out : out;
}

}  // namespace aio
