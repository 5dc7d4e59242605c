#pragma once
// NodeBucket: a set of node ids within one pool's contiguous id range, kept as a two-level bitmap.
//
// The cluster's free-card index holds, per pool, one bucket per free-card count; every allocation
// and release moves a node between two buckets, and every placement walks buckets in ascending id
// (the id breaks ties, so the order is part of the results). A std::set made each move two tree
// updates and each step of a walk a pointer chase: at 125,000 nodes they were the largest item
// of the profile. Here a move is two bit flips, and a walk skips empty stretches 64 words (4,096
// nodes) at a time through the summary level, visiting members in the same ascending order.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

class NodeBucket {
 public:
  NodeBucket() = default;
  // An empty bucket for ids first .. first + count - 1.
  NodeBucket(NodeId first, uint32_t count)
      : first_(first), count_(count), words_((count + 63) / 64, 0), summary_((words_.size() + 63) / 64, 0) {}

  // Preconditions: n in range; insert: not a member; erase: a member.
  void insert(NodeId n) {
    const uint32_t i = n - first_;
    words_[i >> 6] |= bit(i & 63);
    summary_[i >> 12] |= bit((i >> 6) & 63);
    ++size_;
  }
  void erase(NodeId n) {
    const uint32_t i = n - first_;
    uint64_t& w = words_[i >> 6];
    w &= ~bit(i & 63);
    if (w == 0) summary_[i >> 12] &= ~bit((i >> 6) & 63);
    --size_;
  }
  bool contains(NodeId n) const {
    const uint32_t i = n - first_;
    return n >= first_ && i < count_ && ((words_[i >> 6] >> (i & 63)) & 1U) != 0;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = NodeId;
    using difference_type = std::ptrdiff_t;
    using pointer = const NodeId*;
    using reference = NodeId;

    iterator() = default;
    NodeId operator*() const { return b_->first_ + i_; }
    iterator& operator++() {
      i_ = b_->next_from(i_ + 1);
      return *this;
    }
    iterator operator++(int) {
      iterator t = *this;
      ++*this;
      return t;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    friend class NodeBucket;
    iterator(const NodeBucket* b, uint32_t i) : b_(b), i_(i) {}
    const NodeBucket* b_ = nullptr;
    uint32_t i_ = kEnd;
  };

  iterator begin() const { return {this, size_ == 0 ? kEnd : next_from(0)}; }
  iterator end() const { return {this, kEnd}; }

 private:
  static constexpr uint32_t kEnd = UINT32_MAX;
  static constexpr uint64_t bit(uint32_t k) { return uint64_t{1} << k; }

  // The lowest member at or after relative index i, or kEnd.
  uint32_t next_from(uint32_t i) const {
    if (i >= count_) return kEnd;
    uint32_t w = i >> 6;
    const uint64_t here = words_[w] & (~uint64_t{0} << (i & 63));
    if (here != 0) return (w << 6) + static_cast<uint32_t>(std::countr_zero(here));
    // The next non-empty word after w, through the summary level.
    ++w;
    for (uint32_t s = w >> 6; s < summary_.size(); ++s) {
      const uint64_t mask = s == (w >> 6) ? (~uint64_t{0} << (w & 63)) : ~uint64_t{0};
      const uint64_t m = summary_[s] & mask;
      if (m != 0) {
        const uint32_t wi = (s << 6) + static_cast<uint32_t>(std::countr_zero(m));
        return (wi << 6) + static_cast<uint32_t>(std::countr_zero(words_[wi]));
      }
    }
    return kEnd;
  }

  NodeId first_ = 0;
  uint32_t count_ = 0;
  std::size_t size_ = 0;
  std::vector<uint64_t> words_;    // bit i: node first_ + i is a member
  std::vector<uint64_t> summary_;  // bit j: words_[j] is non-zero
};

}  // namespace hetsim
