// The pattern sources built into the library: each pattern's C++ file and its Python original, by
// file name ("gather.cpp", "gather.py"). The step record maps C++ lines to Python lines from them
// (steps.hpp), so the map is always that of the files that were compiled.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace patterns {

struct SourceFile {
  std::string_view name;
  std::string_view text;
};

// Generated at build time by embed_sources.cmake.
const std::vector<SourceFile>& source_files();

inline std::optional<std::string_view> source_text(std::string_view name) {
  for (const auto& f : source_files())
    if (f.name == name) return f.text;
  return std::nullopt;
}

}  // namespace patterns
