#include "aio/detail/frame_allocator.hpp"

#if AIO_FRAME_POOL

#include <mutex>
#include <vector>

#include "aio/detail/slab.hpp"

namespace aio::detail {

namespace {
// Slabs are never returned: a frame made on one thread may be freed on another and its block reused
// there, after the first thread is gone. They are listed here so that they stay reachable.
std::mutex g_slabs_mutex;
std::vector<void*>& all_slabs() {
  static std::vector<void*> slabs;
  return slabs;
}
void keep_slab(void* p) {
  std::lock_guard<std::mutex> lock(g_slabs_mutex);
  all_slabs().push_back(p);
}
}  // namespace

void FramePool::refill() {
  std::size_t n = next_slab;
  bump = static_cast<char*>(allocate_slab(n));
  end = bump + n;
  keep_slab(bump);
  next_slab = kSlabBytes;
}

}  // namespace aio::detail

#endif
