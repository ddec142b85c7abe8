// What the module's exports (bindings.cpp) let another source of the same module add: the engine
// tests' module (selftests.cpp) adds runnable diagnostics that the page's module does not carry.
#pragma once

#include <vector>

#include "patterns/registry.hpp"

namespace aio_bindings {

// Patterns aio_run also finds by id, after the registry's; never listed by aio_patterns_json. Called
// from a static initialiser of the test module; `extra` must outlive the module.
void add_runnable(const std::vector<patterns::Pattern>* extra);

}  // namespace aio_bindings
