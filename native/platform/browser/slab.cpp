#include "aio/detail/slab.hpp"

#include <new>

namespace aio::detail {

void* allocate_slab(std::size_t bytes) { return ::operator new(bytes); }
void free_slab(void* p, std::size_t) noexcept { ::operator delete(p); }

}  // namespace aio::detail
