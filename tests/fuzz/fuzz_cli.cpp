// fuzz_cli: the aio-patterns command line, from arbitrary bytes.
//
// The input is an argv, one argument per line. Two things are checked on it:
//   1. parse_run_args on the raw arguments after "run" either returns a CliRun whose fields are in range
//      or throws ParamError; nothing else escapes.
//   2. cli_main on the same argv with every --clock, --time-scale and --trace removed and
//      `--clock virtual` put first: no file is written, no real time passes, and the run must end with
//      status 0, 1 or 2 (2 with a message on stderr) within a wall-clock bound.
// Crashes, sanitizer reports, hangs (libFuzzer's -timeout) and failed checks are findings.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_cli: %s\n", what.c_str());
  std::abort();
}

std::vector<std::string> split_lines(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  if (!cur.empty() || size == 0 || data[size - 1] == '\n') out.push_back(cur);
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

void check_parse(const std::vector<std::string>& args) {
  patterns::CliRun r;
  try {
    r = patterns::parse_run_args(args);
  } catch (const patterns::ParamError& e) {
    if (std::string(e.what()).empty()) finding("ParamError without a message");
    return;
  }
  if (r.id.empty() && std::find(args.begin(), args.end(), std::string()) == args.end())
    finding("parse_run_args accepted no pattern id");
  if (!(r.time_scale >= patterns::kMinTimeScale && r.time_scale <= patterns::kMaxTimeScale))
    finding("parse_run_args accepted time scale " + std::to_string(r.time_scale));
  for (auto& [k, v] : r.params)
    if (k.empty()) finding("parse_run_args accepted a --param with an empty key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2048) return 0;
  std::vector<std::string> args = split_lines(data, size);
  if (args.size() > 40) return 0;

  if (!args.empty() && args[0] == "run") check_parse(std::vector<std::string>(args.begin() + 1, args.end()));
  check_parse(args);

  // cli_main, on the virtual clock and without files.
  std::vector<std::string> safe;
  if (!args.empty() && args[0] == "run") {
    safe = {"run", "--clock", "virtual"};
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--clock" || a == "--time-scale" || a == "--trace") {
        ++i;  // and its value
        continue;
      }
      safe.push_back(a);
    }
  } else {
    safe = args;
  }
  std::ostringstream out, err;
  auto t0 = std::chrono::steady_clock::now();
  int rc = 0;
  try {
    rc = patterns::cli_main(safe, out, err);
  } catch (const std::exception& e) {
    finding(std::string("cli_main threw: ") + e.what());
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (wall > 20) finding("cli_main ran " + std::to_string(wall) + " s on the virtual clock");
  if (rc != 0 && rc != 1 && rc != 2) finding("cli_main returned " + std::to_string(rc));
  if (rc == 2 && err.str().empty()) finding("status 2 without a message");
  if (rc == 0 && !safe.empty() && safe[0] == "run" && std::find(safe.begin(), safe.end(), "--json") != safe.end()) {
    const std::string o = out.str();
    if (o.empty() || o[0] != '{' || o.find("\"elapsed\":") == std::string::npos) finding("--json printed: " + o.substr(0, 200));
  }
  return 0;
}
