// Large blocks for the frame allocator, from the host: natively, 2 MiB regions the kernel may back
// with transparent huge pages (one page fault per 2 MiB instead of one per 4 KiB, which is most of
// what a million fresh frames cost); in the browser, plain operator new.
#pragma once

#include <cstddef>

namespace aio::detail {

inline constexpr std::size_t kSlabBytes = std::size_t{2} << 20;

void* allocate_slab(std::size_t bytes);

}  // namespace aio::detail
