#pragma once
// EventQueue: a 4-ary min-heap of Events in one contiguous vector, ordered by (time, seq).
// push/pop are O(log n); storage is reused, so steady state does no heap allocation.
// Deterministic: the order depends only on (time, seq), never on addresses.
#include <cstddef>
#include <vector>

#include "hetsim/core/event.hpp"

namespace hetsim {

class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t capacity() const { return heap_.capacity(); }
  const Event& top() const { return heap_.front(); }
  void push(const Event& e);
  Event pop();
  void clear() { heap_.clear(); }

 private:
  static constexpr std::size_t kArity = 4;
  std::vector<Event> heap_;
};

}  // namespace hetsim
