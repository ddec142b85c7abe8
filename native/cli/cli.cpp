#include "cli.hpp"

#include <fstream>

#include "../patterns/steps.hpp"

namespace patterns {

namespace {

const char* kUsage =
    "usage: aio-patterns list [--json]\n"
    "       aio-patterns run <id> [--time-scale F] [--clock real|virtual] [--param key=value]...\n"
    "                             [--trace FILE] [--json]\n"
    "       aio-patterns run <id> --steps [--param key=value]...\n";

}  // namespace

CliRun parse_run_args(const std::vector<std::string>& args) {
  CliRun r;
  bool have_id = false;
  bool real_clock = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw ParamError(a + " needs a value");
      return args[++i];
    };
    if (a == "--json") {
      r.json = true;
    } else if (a == "--steps") {
      r.steps = true;
    } else if (a == "--time-scale") {
      r.time_scale = parse_time_scale(value(), "--time-scale");
    } else if (a == "--clock") {
      const std::string& v = value();
      if (v == "real") r.clock = aio::ClockKind::real, real_clock = true;
      else if (v == "virtual") r.clock = aio::ClockKind::virtual_time;
      else throw ParamError("--clock: " + patterns::quoted(v) + " is not real or virtual");
    } else if (a == "--param") {
      const std::string& v = value();
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw ParamError("--param: " + patterns::quoted(v) + " is not key=value");
      r.params.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    } else if (a == "--trace") {
      r.trace_file = value();
    } else if (!a.empty() && a[0] == '-') {
      throw ParamError("unknown option " + patterns::quoted(a));
    } else if (!have_id) {
      r.id = a;
      have_id = true;
    } else {
      throw ParamError("unexpected argument " + patterns::quoted(a));
    }
  }
  if (!have_id) throw ParamError("run needs a pattern id (see: aio-patterns list)");
  // The record is taken on the virtual clock, and is the whole output.
  if (r.steps && (r.json || !r.trace_file.empty() || real_clock || r.time_scale != 1.0))
    throw ParamError("--steps runs on the virtual clock and prints only the records: it takes no --json, --trace, --clock real or --time-scale");
  return r;
}

int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      (args.empty() ? err : out) << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "list") {
      if (args.size() > 1 && args[1] == "--json") {
        out << patterns_json() << "\n";
        return 0;
      }
      if (args.size() > 1) throw ParamError("list takes only --json");
      for (const Pattern* p : all_patterns()) {
        out << p->id << "  " << p->title << "\n";
        for (const auto& s : p->params) out << "    " << s.key << "=" << s.default_value << "  " << s.help << "\n";
      }
      return 0;
    }
    if (args[0] != "run") throw ParamError("unknown command " + patterns::quoted(args[0]));
    CliRun run = parse_run_args(std::vector<std::string>(args.begin() + 1, args.end()));
    const Pattern& p = pattern_or_throw(run.id);
    Params params = parse_params(p, run.params);

    if (run.steps) {
      RunResult result = run_steps(p, params, [&](const std::string& record) { out << record << "\n" << std::flush; });
      if (!result.error.empty()) {
        err << "aio-patterns: " << p.id << " raised: " << result.error << "\n";
        return 1;
      }
      return 0;
    }

    aio::Trace trace;
    RunConfig config;
    config.clock = run.clock;
    config.time_scale = run.time_scale;
    if (!run.trace_file.empty()) config.trace = &trace;
    if (!run.json) config.on_line = [&](const Line& l) { out << l.text << "\n" << std::flush; };
    RunResult result = run_pattern(p, params, config);

    if (!run.trace_file.empty()) {
      std::ofstream f(run.trace_file);
      if (!f) {
        err << "aio-patterns: cannot write the trace to " << run.trace_file << "\n";
        return 1;
      }
      f << trace.to_chrome_json() << "\n";
    }
    if (run.json) out << result.to_json() << "\n";
    if (result.cancelled) {
      err << "aio-patterns: " << p.id << " was cancelled\n";
      return 1;
    }
    if (!result.error.empty()) {
      err << "aio-patterns: " << p.id << " raised: " << result.error << "\n";
      return 1;
    }
    return 0;
  } catch (const ParamError& e) {
    err << "aio-patterns: " << e.what() << "\n" << kUsage;
    return 2;
  }
}

}  // namespace patterns
