#include "aio/detail/slab.hpp"

#include <new>

namespace aio::detail {

void* allocate_slab(std::size_t bytes) { return ::operator new(bytes); }

}  // namespace aio::detail
