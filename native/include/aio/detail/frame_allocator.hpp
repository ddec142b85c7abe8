// Where coroutine frames (and the loop's timer blocks) come from. A task is one frame, so a million
// tasks are a million frames: a per-thread free list per size class (16-byte steps up to 1 KiB, carved
// from slabs, see slab.hpp) makes each allocation a pop and saves malloc's per-block header. Freed
// frames go back to the pool, never to the system. Larger frames, and sanitizer builds (which must see
// every frame to catch use-after-free), go to operator new. The usual paths are inline: every task
// takes one of each.
#pragma once

#include <cstddef>
#include <new>

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

// One per thread. Blocks freed on another thread join that thread's lists.
struct FramePool {
  static constexpr std::size_t kStep = 16;
  static constexpr std::size_t kClasses = 64;  // up to 1 KiB
  // A small program stays within its first 64 KiB slab. Once it outgrows that, the next slabs are the
  // host's large slab straight away: natively one huge-page fault each, where slabs doubling up to
  // that size would take some 500 faults of 4 KiB pages, each about as dear as a huge page's (tens of
  // us in a VM).
  static constexpr std::size_t kFirstSlab = 64 * 1024;
  struct FreeBlock {
    FreeBlock* next;
  };
  FreeBlock* free[kClasses] = {};
  char* bump = nullptr;
  char* end = nullptr;
  std::size_t next_slab = kFirstSlab;

  static std::size_t size_class(std::size_t size) noexcept { return (size + kStep - 1) / kStep - 1; }
  // Out of line: inlined, its calls would make every allocation save and restore registers.
  [[gnu::noinline]] void refill();
};

inline thread_local FramePool t_frame_pool;

inline void* allocate_frame(std::size_t size) {
  const std::size_t cls = FramePool::size_class(size);
  if (cls >= FramePool::kClasses) [[unlikely]] return ::operator new(size);
  FramePool& pool = t_frame_pool;
  if (FramePool::FreeBlock* b = pool.free[cls]) {
    pool.free[cls] = b->next;
    return b;
  }
  const std::size_t bytes = (cls + 1) * FramePool::kStep;
  if (static_cast<std::size_t>(pool.end - pool.bump) < bytes) [[unlikely]] pool.refill();
  void* p = pool.bump;
  pool.bump += bytes;
  return p;
}

inline void free_frame(void* p, std::size_t size) noexcept {
  const std::size_t cls = FramePool::size_class(size);
  if (cls >= FramePool::kClasses) [[unlikely]] return ::operator delete(p);
  FramePool& pool = t_frame_pool;
  auto* b = static_cast<FramePool::FreeBlock*>(p);
  b->next = pool.free[cls];
  pool.free[cls] = b;
}

#else

inline void* allocate_frame(std::size_t size) { return ::operator new(size); }
inline void free_frame(void* p, std::size_t) noexcept { ::operator delete(p); }

#endif

}  // namespace aio::detail
