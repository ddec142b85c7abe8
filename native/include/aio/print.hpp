// aio::print(args...): Python's print(), into the run's output.
//
// Arguments are joined by single spaces and formatted as Python's str() would: a whole number prints
// as 1, a float in its shortest round-trip form (0.5, 1.0, 1e-05), a bool as True/False. The line
// goes to the run's output sink with the loop time at which it was printed (and into the trace).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "loop.hpp"

namespace aio {

// Python's str() / repr() of a float (they agree for floats).
std::string py_str(double v);
inline std::string py_str(float v) { return py_str(static_cast<double>(v)); }
inline std::string py_str(bool v) { return v ? "True" : "False"; }
inline std::string py_str(std::string_view s) { return std::string(s); }
inline std::string py_str(const std::string& s) { return s; }
inline std::string py_str(const char* s) { return s; }
template <class I, class = std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>>
std::string py_str(I v) { return std::to_string(v); }

template <class... Args>
void print(const Args&... args) {
  std::string line;
  bool first = true;
  ((line += (first ? "" : " "), line += py_str(args), first = false), ...);
  EventLoop::current().print_line(line);
}

}  // namespace aio
