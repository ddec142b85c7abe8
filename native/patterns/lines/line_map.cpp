#include "line_map.hpp"

#include <stdexcept>

namespace patterns {

namespace {

std::string_view strip(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

bool is_ident(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// The function a definition line defines: the identifier before its first '('.
std::string defined_function(std::string_view line) {
  auto paren = line.find('(');
  if (paren == std::string_view::npos) return {};
  std::size_t end = paren;
  while (end > 0 && line[end - 1] == ' ') --end;
  std::size_t begin = end;
  while (begin > 0 && is_ident(line[begin - 1])) --begin;
  return std::string(line.substr(begin, end - begin));
}

constexpr std::string_view kMarker = "// py: ";

// The net count of '(' over ')' in a line of C++ code, outside string and character literals and
// comments.
int paren_balance(std::string_view line) {
  int depth = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') break;
    if (c == '"' || c == '\'') {
      for (++i; i < line.size() && line[i] != c; ++i)
        if (line[i] == '\\') ++i;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    }
  }
  return depth;
}

}  // namespace

LineMap line_map(const std::string& cpp_file, std::string_view cpp, const std::string& py_file, std::string_view py) {
  LineMap m;
  m.cpp_file = cpp_file;
  m.py_file = py_file;
  const auto cpp_lines = lines_of(cpp);
  const auto py_lines = lines_of(py);
  std::size_t next = 0;  // markers resolve in file order
  for (std::size_t i = 0; i < cpp_lines.size(); ++i) {
    auto at = cpp_lines[i].find(kMarker);
    if (at == std::string_view::npos) continue;
    std::string_view text = strip(cpp_lines[i].substr(at + kMarker.size()));
    if (text == "-") continue;  // no Python counterpart
    std::size_t j = next;
    while (j < py_lines.size() && strip(py_lines[j]) != text) ++j;
    const int cpp_line = static_cast<int>(i + 1);
    if (j == py_lines.size())
      throw std::runtime_error(m.cpp_file + ":" + std::to_string(cpp_line) + ": the marker '" + std::string(text) +
                               "' matches no line of " + m.py_file + " after line " + std::to_string(next));
    const int py_line = static_cast<int>(j + 1);
    next = j + 1;
    if (text.substr(0, 10) == "async def ") {
      std::string fn = defined_function(cpp_lines[i].substr(0, at));
      if (fn.empty()) throw std::runtime_error(m.cpp_file + ":" + std::to_string(cpp_line) + ": a def marker on a line that defines no function");
      m.defs[fn] = LineMap::Def{cpp_line, py_line};
    } else {
      // A co_await whose call spans lines (a lambda argument) is reported at its first line by clang
      // and at its closing parenthesis by g++: the marker covers every line until the parentheses close.
      m.await_lines[cpp_line] = py_line;
      int depth = paren_balance(cpp_lines[i]);
      for (std::size_t k = i + 1; depth > 0 && k < cpp_lines.size(); ++k) {
        m.await_lines[static_cast<int>(k + 1)] = py_line;
        depth += paren_balance(cpp_lines[k]);
      }
    }
  }
  return m;
}

std::vector<BuiltLineMap> expand_line_maps(std::span<const LineMapRow> rows, std::span<const AwaitLineRow> awaits,
                                           std::span<const DefLineRow> defs) {
  std::vector<BuiltLineMap> out;
  out.reserve(rows.size());
  std::size_t a = 0, d = 0;
  for (const LineMapRow& r : rows) {
    BuiltLineMap& b = out.emplace_back();
    b.map.cpp_file = r.cpp_file;
    b.map.py_file = r.py_file;
    b.error = r.error;
    for (; a < r.awaits_end; ++a) b.map.await_lines.emplace(awaits[a].cpp_line, awaits[a].py_line);
    for (; d < r.defs_end; ++d) b.map.defs.emplace(defs[d].function, LineMap::Def{defs[d].cpp_line, defs[d].py_line});
  }
  return out;
}

}  // namespace patterns
