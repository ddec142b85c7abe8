#include "aio/detail/slab.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace aio::detail {

void* allocate_slab(std::size_t bytes) {
  // Over-allocate to align the region to 2 MiB, so the kernel can use one huge page for it.
  const std::size_t align = kSlabBytes;
  void* raw = ::mmap(nullptr, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  auto base = reinterpret_cast<std::uintptr_t>(raw);
  auto aligned = (base + align - 1) & ~(align - 1);
  if (aligned > base) ::munmap(raw, aligned - base);
  std::size_t tail = (base + bytes + align) - (aligned + bytes);
  if (tail) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}


}  // namespace aio::detail
