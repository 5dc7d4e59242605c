#pragma once
// The active jobs of a round-based policy (pending or running), walked in id order several times a
// round: a sorted array with tombstones instead of a std::set, whose walk with tens of thousands of
// waiting jobs was a quarter of a busy month under themis (docs/performance.md "Busy regime").
// Ids arrive mostly in increasing order (jobs are numbered by arrival), so an insert is an append.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

class ActiveJobs {
 public:
  void insert(JobId id) {
    if (id >= live_.size()) live_.resize(static_cast<std::size_t>(id) + 1, 0);
    if (live_[id]) return;
    live_[id] = 1;
    ++count_;
    if (order_.empty() || order_.back() < id) {
      order_.push_back(id);
    } else {
      const auto at = std::lower_bound(order_.begin(), order_.end(), id);
      if (at != order_.end() && *at == id) {
        --dead_;  // its tombstone comes back to life
      } else {
        order_.insert(at, id);
      }
    }
  }
  void erase(JobId id) {
    if (id >= live_.size() || !live_[id]) return;
    live_[id] = 0;
    --count_;
    if (++dead_ > order_.size() / 2) compact();
  }
  bool contains(JobId id) const { return id < live_.size() && live_[id] != 0; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // Calls f(id) for every active job in increasing id; f returns false to stop.
  template <class F>
  void for_each_until(F&& f) const {
    for (JobId id : order_) {
      if (live_[id] && !f(id)) return;
    }
  }
  template <class F>
  void for_each(F&& f) const {
    for (JobId id : order_) {
      if (live_[id]) f(id);
    }
  }

 private:
  void compact() {
    std::erase_if(order_, [&](JobId id) { return !live_[id]; });
    dead_ = 0;
  }
  std::vector<JobId> order_;  // ascending; erased ids stay until the next compaction
  std::vector<uint8_t> live_;
  std::size_t count_ = 0, dead_ = 0;
};

}  // namespace hetsim
