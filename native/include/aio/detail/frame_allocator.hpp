// Where coroutine frames (and the loop's timer blocks) come from. A task is one frame, so a million
// tasks are a million frames: a per-thread free list per size class (16-byte steps up to 1 KiB, carved
// from slabs, see slab.hpp) makes each allocation a pop and saves malloc's per-block header. Freed
// frames go back to the pool, never to the system. Larger frames, and sanitizer builds (which must see
// every frame to catch use-after-free), go to operator new.
#pragma once

#include <cstddef>

namespace aio::detail {

void* allocate_frame(std::size_t size);
void free_frame(void* p, std::size_t size) noexcept;

}  // namespace aio::detail
