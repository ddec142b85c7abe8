// The CLI as a function of its arguments, so that tests and the fuzzer drive it without a process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "../patterns/registry.hpp"

namespace patterns {

// What `run` was asked to do, once the arguments are checked.
struct CliRun {
  std::string id;
  std::vector<std::pair<std::string, std::string>> params;
  aio::ClockKind clock = aio::ClockKind::real;
  double time_scale = 1.0;
  std::string trace_file;
  bool json = false;
  bool steps = false;  // one step record per loop iteration (steps.hpp), on the virtual clock
};

// Throws ParamError (with a message for the user) on anything malformed.
CliRun parse_run_args(const std::vector<std::string>& args);

// Returns the exit status: 0, 1 (the pattern raised), 2 (bad arguments).
int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace patterns
