// The map from a pattern's C++ lines to its Python original's lines, read from the `// py:` markers of
// the C++ file (the rules are in ../steps.hpp). Plain C++, without the scheduler: the build runs it
// over the pattern files (embed_line_maps.cpp) and the library keeps only its result, a few numbers
// per pattern, rather than the files themselves.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace patterns {

struct LineMap {
  std::string cpp_file;  // "gather.cpp"
  std::string py_file;   // "gather.py"
  std::map<int, int> await_lines;  // C++ line -> Python line
  struct Def {
    int cpp_line = 0;
    int py_line = 0;
  };
  std::map<std::string, Def> defs;  // C++ coroutine function -> its definition's lines
};

// The map of a C++ source and its Python original, given as text. Throws std::runtime_error naming the
// file, line and marker that does not resolve.
LineMap line_map(const std::string& cpp_file, std::string_view cpp, const std::string& py_file, std::string_view py);

// What the build made of one pattern's files: its map, or why there is none (line_map's message).
struct BuiltLineMap {
  LineMap map;
  std::string error;
};

// Every pattern's, by C++ file; generated at build time (embed_line_maps.cpp) into the patterns library.
const std::vector<BuiltLineMap>& built_line_maps();

// The form the build writes them in: constant tables, expanded into maps on first use. (Written as
// initializer lists of maps and strings they were 26 KB of code in the page's module; as tables they
// are their numbers and names.) Row i's await lines and definitions are the entries of `awaits` and
// `defs` from where row i - 1's end up to its own `awaits_end` and `defs_end`.
struct AwaitLineRow {
  int cpp_line;
  int py_line;
};
struct DefLineRow {
  const char* function;
  int cpp_line;
  int py_line;
};
struct LineMapRow {
  const char* cpp_file;
  const char* py_file;
  std::size_t awaits_end;
  std::size_t defs_end;
  const char* error;  // empty when the map was made
};
std::vector<BuiltLineMap> expand_line_maps(std::span<const LineMapRow> rows, std::span<const AwaitLineRow> awaits,
                                           std::span<const DefLineRow> defs);

}  // namespace patterns
