// What most tests need: run a coroutine on the virtual clock and capture what it printed.
#pragma once

#include <string>
#include <vector>

#include <aio/aio.hpp>

namespace test {

struct Printed {
  double t;
  std::string text;
};

// Runs `main` on a fresh loop with the virtual clock; `out` receives every aio::print line.
template <class T>
T run_virtual(aio::Coro<T> main, std::vector<Printed>* out = nullptr, aio::Trace* trace = nullptr) {
  aio::RunOptions o;
  o.clock = aio::ClockKind::virtual_time;
  o.trace = trace;
  o.output = [out](std::string_view text, double t) {
    if (out) out->push_back(Printed{t, std::string(text)});
  };
  return aio::run(std::move(main), o);
}

// The loop time of the running loop, in seconds.
inline double now() { return aio::EventLoop::current().time(); }

}  // namespace test
