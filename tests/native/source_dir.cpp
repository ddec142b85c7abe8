// The source tree's path (support.hpp): the only test file whose compilation depends on the clone.
#include <string>

namespace test {
std::string source_dir() { return AIO_SOURCE_DIR; }
}  // namespace test
