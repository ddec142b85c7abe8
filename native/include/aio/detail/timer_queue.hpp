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
#include <deque>
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

  // Removes every entry for which drop(entry) is true (drop may release what the entry holds).
  template <class Drop>
  void remove_if(Drop drop) {
    std::deque<TimerEntry> kept_run;
    for (auto& e : run_)
      if (!drop(e)) kept_run.push_back(e);
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

  std::deque<TimerEntry> run_;
  std::vector<TimerEntry> heap_;
};

}  // namespace aio::detail
