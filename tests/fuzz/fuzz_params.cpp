// fuzz_params: parse_params of every pattern, with fuzzed key=value pairs.
//
// Input: the first line names a pattern (an unknown name picks one by its hash), every further line is
// one key=value pair (a line without '=' is a key with an empty value). parse_params must either throw
// ParamError with a message or return Params in which:
//   - every key of the pattern is present, and only those;
//   - each value is valid for its spec: numbers and integers in [min, max] (integers whole), lists of
//     at most max_items numbers in range, choices among the choices, "none" only where optional;
//   - validation is idempotent: parse_params(p, returned values) gives the same values;
//   - the pattern's ideal time is finite and not negative.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "patterns/registry.hpp"

namespace {

[[noreturn]] void finding(const patterns::Pattern& p, const std::string& what) {
  std::fprintf(stderr, "fuzz_params (%.*s): %s\n", static_cast<int>(p.id.size()), p.id.data(), what.c_str());
  std::abort();
}

void check_number(const patterns::Pattern& p, const patterns::ParamSpec& s, const patterns::Number& n) {
  const std::string key(s.key);
  if (!std::isfinite(n.value)) finding(p, key + ": accepted a non-finite number");
  if (n.value < s.min || n.value > s.max) finding(p, key + ": accepted " + n.str() + " out of range");
  if (s.type == patterns::ParamType::integer && (!n.is_int || n.value != std::floor(n.value)))
    finding(p, key + ": accepted a non-integer");
}

void check(const patterns::Pattern& p, const patterns::Params& params) {
  if (params.values().size() != p.params.size()) finding(p, "values hold keys the pattern does not have");
  for (const auto& s : p.params) {
    const std::string key(s.key);
    auto it = params.values().find(key);
    if (it == params.values().end()) finding(p, "missing key " + key);
    const std::string& v = it->second;
    if (s.optional && v == "none") continue;
    if (s.type == patterns::ParamType::choice) {
      bool found = false;
      for (const auto& c : s.choices) found |= c == v;
      if (!found) finding(p, key + ": accepted choice '" + v + "'");
    } else if (s.type == patterns::ParamType::list) {
      auto items = params.list(key);
      if (items.size() > static_cast<std::size_t>(s.max_items)) finding(p, key + ": accepted too many items");
      std::size_t commas = 0;
      for (char c : v) commas += c == ',';
      if (!v.empty() && items.size() != commas + 1) finding(p, key + ": '" + v + "' has items that do not read back");
      for (const auto& n : items) check_number(p, s, n);
    } else {
      check_number(p, s, params.number(key));
    }
  }
  double ideal = p.ideal(params);
  if (!std::isfinite(ideal) || ideal < 0) finding(p, "ideal time " + std::to_string(ideal));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> lines(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') lines.emplace_back();
    else lines.back() += static_cast<char>(data[i]);
  }
  const auto& all = patterns::all_patterns();
  const patterns::Pattern* p = patterns::find_pattern(lines[0]);
  if (!p) {
    std::size_t h = 0;
    for (char c : lines[0]) h = h * 31 + static_cast<unsigned char>(c);
    p = all[h % all.size()];
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto eq = lines[i].find('=');
    if (eq == std::string::npos) pairs.emplace_back(lines[i], "");
    else pairs.emplace_back(lines[i].substr(0, eq), lines[i].substr(eq + 1));
  }
  patterns::Params params;
  try {
    params = patterns::parse_params(*p, pairs);
  } catch (const patterns::ParamError& e) {
    if (std::string(e.what()).empty()) finding(*p, "ParamError without a message");
    return 0;
  }
  check(*p, params);
  std::vector<std::pair<std::string, std::string>> again(params.values().begin(), params.values().end());
  patterns::Params twice;
  try {
    twice = patterns::parse_params(*p, again);
  } catch (const patterns::ParamError& e) {
    finding(*p, std::string("its own values do not validate again: ") + e.what());
  }
  if (twice.values() != params.values()) finding(*p, "validation is not idempotent");
  return 0;
}
