// The loop's timers, ordered by (deadline, scheduling order), so that timers with equal deadlines fire
// in the order they were set. Two parts:
//  - a sorted run: a timer set no earlier than the last one in the run is appended to it. Sleeps of one
//    delay taken one after another, the usual case, all land here: O(1) in, O(1) out, in memory order;
//  - a 4-ary min-heap for the rest. Four children per node halve a binary heap's depth and share cache
//    lines: with a million pending timers most of the cost of a pop is cache misses, one per level.
// The next timer is the earlier of the run's front and the heap's top.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "frame_allocator.hpp"

namespace aio::detail {

class Runnable;

struct TimerEntry {
  std::int64_t when;
  std::uint64_t seq;
  Runnable* target;
};

// The sorted run: a FIFO of entries in 1 KiB blocks from the frame pool. A million pending timers then
// sit in the pool's huge pages instead of faulting in malloc'd pages one at a time (a fault costs as
// much as a few hundred timers), and a drained block goes back to the pool for the next block or frame.
class TimerRun {
 public:
  TimerRun() = default;
  TimerRun(const TimerRun&) = delete;
  TimerRun& operator=(const TimerRun&) = delete;
  ~TimerRun() {
    while (head_) free_frame(std::exchange(head_, head_->next), sizeof(Block));
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  const TimerEntry& front() const noexcept { return head_->entries[first_]; }
  const TimerEntry& back() const noexcept { return tail_->entries[end_ - 1]; }

  void push_back(const TimerEntry& e) {
    if (!tail_ || end_ == kPerBlock) {
      auto* b = new (allocate_frame(sizeof(Block))) Block;
      if (tail_) tail_->next = b; else head_ = b;
      tail_ = b;
      end_ = 0;
    }
    tail_->entries[end_++] = e;
    ++size_;
  }

  void pop_front() noexcept {
    ++first_;
    if (--size_ == 0) {
      first_ = end_ = 0;  // keep the one block: a loop that sleeps one timer at a time reuses it
    } else if (first_ == kPerBlock) {
      free_frame(std::exchange(head_, head_->next), sizeof(Block));
      first_ = 0;
    }
  }

  void swap(TimerRun& o) noexcept {
    std::swap(head_, o.head_);
    std::swap(tail_, o.tail_);
    std::swap(first_, o.first_);
    std::swap(end_, o.end_);
    std::swap(size_, o.size_);
  }

  template <class Fn>
  void for_each(Fn fn) const {
    for (Block* b = head_; b; b = b->next) {
      const std::size_t from = b == head_ ? first_ : 0, to = b == tail_ ? end_ : kPerBlock;
      for (std::size_t i = from; i < to; ++i) fn(b->entries[i]);
    }
  }

 private:
  // The pool's largest size class: 42 entries.
  static constexpr std::size_t kPerBlock = (1024 - sizeof(void*)) / sizeof(TimerEntry);
  struct Block {
    Block* next = nullptr;
    TimerEntry entries[kPerBlock];
  };

  Block* head_ = nullptr;
  Block* tail_ = nullptr;
  std::size_t first_ = 0;  // the front's index in head_
  std::size_t end_ = 0;    // one past the back's index in tail_
  std::size_t size_ = 0;
};

class TimerQueue {
 public:
  bool empty() const noexcept { return heap_.empty() && run_.empty(); }
  std::size_t size() const noexcept { return heap_.size() + run_.size(); }
  const TimerEntry& top() const noexcept { return from_run() ? run_.front() : heap_.front(); }

  void push(const TimerEntry& e) {
    if (run_.empty() || !before(e, run_.back())) {
      run_.push_back(e);
      return;
    }
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
    if (from_run()) {
      TimerEntry out = run_.front();
      run_.pop_front();
      return out;
    }
    TimerEntry out = heap_.front();
    TimerEntry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
    return out;
  }

  // Visits every entry, in no particular order.
  template <class Fn>
  void for_each(Fn fn) const {
    run_.for_each(fn);
    for (const auto& e : heap_) fn(e);
  }

  // Removes every entry for which drop(entry) is true (drop may release what the entry holds).
  template <class Drop>
  void remove_if(Drop drop) {
    TimerRun kept_run;
    run_.for_each([&](const TimerEntry& e) {
      if (!drop(e)) kept_run.push_back(e);
    });
    run_.swap(kept_run);
    std::size_t kept = 0;
    for (auto& e : heap_)
      if (!drop(e)) heap_[kept++] = e;
    heap_.resize(kept);
    if (heap_.size() >= 2)
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

  bool from_run() const noexcept {
    return !run_.empty() && (heap_.empty() || before(run_.front(), heap_.front()));
  }

  TimerRun run_;
  std::vector<TimerEntry> heap_;
};

}  // namespace aio::detail
