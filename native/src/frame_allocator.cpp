#include "aio/detail/frame_allocator.hpp"

#include <mutex>
#include <new>
#include <vector>

#include "aio/detail/slab.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define AIO_FRAME_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define AIO_FRAME_POOL 0
#endif
#endif
#ifndef AIO_FRAME_POOL
#define AIO_FRAME_POOL 1
#endif

namespace aio::detail {

#if AIO_FRAME_POOL

namespace {

constexpr std::size_t kStep = 16;
constexpr std::size_t kClasses = 64;  // up to 1 KiB
// A small program stays within its first 64 KiB slab. Once it outgrows that, the next slabs are the
// host's large slab straight away: natively one huge-page fault each, where slabs doubling up to that
// size would take some 500 faults of 4 KiB pages, each about as dear as a huge page's (tens of us in a VM).
constexpr std::size_t kFirstSlab = 64 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

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

// One per thread. Blocks freed on another thread join that thread's lists.
struct Pool {
  FreeBlock* free[kClasses] = {};
  char* bump = nullptr;
  char* end = nullptr;
  std::size_t next_slab = kFirstSlab;

  void* take(std::size_t cls) {
    if (FreeBlock* b = free[cls]) {
      free[cls] = b->next;
      return b;
    }
    std::size_t bytes = (cls + 1) * kStep;
    if (static_cast<std::size_t>(end - bump) < bytes) [[unlikely]] refill();
    void* p = bump;
    bump += bytes;
    return p;
  }

  // Out of line: inlined, its calls would make every allocation save and restore registers.
  [[gnu::noinline]] void refill() {
    std::size_t n = next_slab;
    bump = static_cast<char*>(allocate_slab(n));
    end = bump + n;
    keep_slab(bump);
    next_slab = kSlabBytes;
  }

  void give(void* p, std::size_t cls) noexcept {
    auto* b = static_cast<FreeBlock*>(p);
    b->next = free[cls];
    free[cls] = b;
  }
};

thread_local Pool t_pool;

}  // namespace

void* allocate_frame(std::size_t size) {
  std::size_t cls = (size + kStep - 1) / kStep - 1;
  if (cls >= kClasses) return ::operator new(size);
  return t_pool.take(cls);
}

void free_frame(void* p, std::size_t size) noexcept {
  std::size_t cls = (size + kStep - 1) / kStep - 1;
  if (cls >= kClasses) {
    ::operator delete(p);
    return;
  }
  t_pool.give(p, cls);
}

#else

void* allocate_frame(std::size_t size) { return ::operator new(size); }
void free_frame(void* p, std::size_t) noexcept { ::operator delete(p); }

#endif

}  // namespace aio::detail
