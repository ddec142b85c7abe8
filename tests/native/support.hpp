// What most tests need: run a coroutine on the virtual clock and capture what it printed.
// The helpers below were each written again in several test files: they live here once.
#pragma once

#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
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

// ---- printed lines -------------------------------------------------------------------------------

using Lines = std::vector<std::string>;

// A loop time as the Python oracle's "%g" prints it ("0", "0.5", "2").
inline std::string fmt_time(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", t);
  return buf;
}

// The printed lines as "<time> <text>", the form of the CPython oracle's expected output.
inline Lines lines(const std::vector<Printed>& printed) {
  Lines out;
  for (const auto& p : printed) out.push_back(fmt_time(p.t) + " " + p.text);
  return out;
}

// The printed lines' texts alone, for tests that do not check times.
inline Lines texts(const std::vector<Printed>& printed) {
  Lines out;
  for (const auto& p : printed) out.push_back(p.text);
  return out;
}

// ---- exceptions ----------------------------------------------------------------------------------

// Awaits `aw` and returns what it threw (null if nothing): keeps co_await out of CHECK, which GCC may run twice.
template <class A>
aio::Coro<std::exception_ptr> error_of(A aw) {
  std::exception_ptr e;
  try {
    co_await std::move(aw);
  } catch (...) {
    e = std::current_exception();
  }
  co_return e;
}

// Rethrows what error_of() caught, for CHECK_THROWS_AS / CHECK_THROWS_WITH; nothing when it caught nothing.
inline void rethrow(const std::exception_ptr& e) {
  if (e) std::rethrow_exception(e);
}

// The what() of a caught exception ("?" when it is not a std::exception).
inline std::string what_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "?";
  }
}

// ---- coroutines for the tests to start ----------------------------------------------------------

// After sleeping `first` (none for 0), prints "tick <i>" for i < n, one loop turn (sleep(0)) apart.
inline aio::Coro<> ticker(double first = 0, int n = 8) {
  if (first > 0) co_await aio::sleep(first);
  for (int i = 0; i < n; ++i) {
    aio::print("tick", i);
    co_await aio::sleep(0);
  }
}

// Sleeps `delay` (0: one loop turn), prints "child <name>" and returns `name`.
inline aio::Coro<std::string> quiet_child(std::string name, double delay = 0) {
  co_await aio::sleep(delay);
  aio::print("child", name);
  co_return name;
}

// Sleeps `delay`, then throws runtime_error(name) if `fail`, else prints "done <name>" and returns `name`.
inline aio::Coro<std::string> job(std::string name, double delay, bool fail = false) {
  co_await aio::sleep(delay);
  if (fail) throw std::runtime_error(name);
  aio::print("done", name);
  co_return name;
}

// ---- processes and files (the python3 oracle) ----------------------------------------------------

// The source tree, for the tests that read it ([host]) or run its Python files ([python]). Defined in
// source_dir.cpp, the one test file compiled with the clone's path in it: every other file compiles
// the same in any clone, so the compiler cache serves them all.
std::string source_dir();

// Runs a shell command and returns its standard output.
inline std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// Splits a text at '\n'; a last line without one still counts.
inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// A scratch file name of this process: "/tmp/aio_test_<stem>_<pid>.json".
inline std::string temp_path(const std::string& stem) {
  return "/tmp/aio_test_" + stem + "_" + std::to_string(getpid()) + ".json";
}

// Runs python3 `code` with `d` = the JSON in `json` (scratch files named after `stem`); returns what it printed.
inline std::string python_over_json(const std::string& json, const std::string& code, const std::string& stem) {
  std::string path = temp_path(stem);
  {
    std::ofstream f(path);
    f << json;
  }
  std::string script = temp_path(stem + "_py") + ".py";
  {
    std::ofstream f(script);
    f << "import json,sys\nd=json.load(open(sys.argv[1]))\n" << code << "\n";
  }
  std::string out = run_command("python3 " + script + " " + path + " 2>&1");
  std::remove(path.c_str());
  std::remove(script.c_str());
  return out;
}

}  // namespace test
