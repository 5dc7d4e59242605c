#pragma once
// ClassIndex: the waiting jobs of an ordering policy's queue grouped by placement class, so a
// backfill scan can skip whole classes and find, within a class, the next job worth a look without
// walking the others (docs/performance.md "Busy regime").
//
// The queue is a WaitingQueue (slots in queue order). Each class keeps the slots of its jobs in
// queue order, each with a value: a lower bound of the job's estimated runtime in microseconds
// (kUnknown when not known: such a job is always worth a look), kGone once it left the queue.
// first(cls, from, to, at_most) is the first of the class's slots in [from, to] whose value is at
// most `at_most`: O(log n) by a min-tree over the class's list. A count of live slots (a Fenwick
// tree) gives the slot of the k-th waiting job after a given one in O(log n): the end of a scan
// window of max_scan jobs. Appends are O(log n); a layout change of the queue (an insertion out of
// order, a compaction) needs rebuild(), O(n).
#include <cstdint>
#include <limits>
#include <vector>

namespace hetsim {

class ClassIndex {
 public:
  static constexpr int64_t kUnknown = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kGone = std::numeric_limits<int64_t>::max();
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Empties the index for a queue of `slots` slots and `classes` classes; then add() the live
  // slots in slot order.
  void reset(std::size_t slots, std::size_t classes);
  // A live job of class `cls` at slot `slot`, after every slot added so far. Returns its index
  // within the class (the handle for set()).
  uint32_t add(uint32_t cls, std::size_t slot, int64_t value);
  // The job at class index `ci` of `cls` (at `slot`) takes value `v`; kGone when it leaves.
  void set(uint32_t cls, uint32_t ci, int64_t v);
  void remove(uint32_t cls, uint32_t ci, std::size_t slot);

  // The first slot in [from, to] of class `cls` whose value is <= at_most, or npos.
  std::size_t first(uint32_t cls, std::size_t from, std::size_t to, int64_t at_most) const;
  // The slot of the k-th (1-based) live slot after `slot` (npos: fewer than k), and the last
  // live slot (npos: none).
  std::size_t kth_after(std::size_t slot, std::size_t k) const;
  std::size_t last_live() const;
  std::size_t class_count() const { return classes_.size(); }
  bool class_empty(uint32_t cls) const { return classes_[cls].live == 0; }

 private:
  struct Class {
    std::vector<std::size_t> slots;  // ascending
    std::vector<int64_t> tree;       // min-tree over values, leaves at [cap, 2 cap)
    std::size_t cap = 0;
    std::size_t live = 0;
  };
  static void grow(Class& c);
  std::size_t first_in(const Class& c, std::size_t node, std::size_t lo, std::size_t hi, std::size_t from,
                       std::size_t to, int64_t at_most) const;
  // Fenwick tree of live slots (1-based internally).
  void bit_add(std::size_t slot, int64_t d);
  int64_t bit_prefix(std::size_t slot) const;  // live slots in [0, slot]
  std::vector<Class> classes_;
  std::vector<int64_t> bit_;
  std::size_t bit_log_ = 0;
  int64_t live_total_ = 0;
};

}  // namespace hetsim
