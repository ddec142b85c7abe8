// The loop's timers: a 4-ary min-heap ordered by (deadline, scheduling order), so that timers with
// equal deadlines fire in the order they were set. Four children per node halve the depth of a binary
// heap, and a node's children share cache lines: with a million pending timers most of the cost of a
// pop is cache misses, one per level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aio::detail {

class TimerTarget;

struct TimerEntry {
  std::int64_t when;
  std::uint64_t seq;
  TimerTarget* target;
};

class TimerQueue {
 public:
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  const TimerEntry& top() const noexcept { return heap_.front(); }
  std::vector<TimerEntry>& entries() noexcept { return heap_; }

  void push(const TimerEntry& e) {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
      std::size_t parent = (i - 1) / 4;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  TimerEntry pop() noexcept {
    TimerEntry out = heap_.front();
    TimerEntry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
    return out;
  }

  // Rebuilds the heap after entries were removed from entries().
  void heapify() noexcept {
    if (heap_.size() < 2) return;
    for (std::size_t i = (heap_.size() - 2) / 4 + 1; i-- > 0;) sift_down(i, heap_[i]);
  }

 private:
  static bool before(const TimerEntry& a, const TimerEntry& b) noexcept {
    return a.when != b.when ? a.when < b.when : a.seq < b.seq;
  }

  void sift_down(std::size_t i, TimerEntry e) noexcept {
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      std::size_t last = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < last; ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<TimerEntry> heap_;
};

}  // namespace aio::detail
