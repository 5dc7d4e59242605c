#pragma once
// WaitingQueue: an ordering policy's waiting jobs in queue order (QueueKey), each with a small
// record the policy keeps for it, as one sorted array with lazy deletion.
//
// Backfilling walks hundreds of waiting jobs at every pass; in a std::set each step is a pointer
// chase to a cold node, here it is the next slot of one array. Jobs arrive in key order (the key
// is the arrival time or id within a priority tier), so an insertion is an append; an insertion
// out of order (a higher priority, a requeued job) moves the entries behind it. Erasing marks the
// slot dead; dead slots are squeezed out by compact() and, near the front where scans look, by
// compact_front(), which the policy calls between passes. Positions (slot indices) stay valid
// until the next insert or compaction.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hetsim/policy/ordering/queue_key.hpp"

namespace hetsim {

template <class Record>
class WaitingQueue {
 public:
  struct Entry {
    QueueKey key;
    Record rec;
    bool live = true;
  };
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }

  // Inserts the entry, or replaces the record of a live entry with the same key; returns its slot.
  // Only an insertion out of key order changes the layout (layout_version()).
  std::size_t insert(const QueueKey& k, Record r) {
    if (slots_.empty() || slots_.back().key < k) {
      slots_.push_back({k, r, true});
      ++live_;
      return slots_.size() - 1;
    } else {
      auto it = lower_bound(k);
      if (it != slots_.end() && it->key == k) {
        if (it->live) {
          it->rec = r;
          return static_cast<std::size_t>(it - slots_.begin());
        }
        *it = {k, r, true};  // a dead slot of the same job comes back
      } else {
        it = slots_.insert(it, {k, r, true});
      }
      ++layout_;
      const auto pos = static_cast<std::size_t>(it - slots_.begin());
      if (pos < first_) first_ = pos;
      ++live_;
      return pos;
    }
  }
  // Bumped whenever slots move or a slot comes back to life (everything but appends and erases).
  uint64_t layout_version() const { return layout_; }
  std::size_t slot_count() const { return slots_.size(); }
  // The first slot (live or not) whose key is above `k`.
  std::size_t upper_slot(const QueueKey& k) const {
    return static_cast<std::size_t>(std::upper_bound(slots_.begin() + static_cast<std::ptrdiff_t>(first_), slots_.end(),
                                                     k,
                                                     [](const QueueKey& key, const Entry& e) { return key < e.key; }) -
                                    slots_.begin());
  }

  // The slot of the live entry with key `k`, or npos.
  std::size_t find(const QueueKey& k) const {
    auto it = lower_bound(k);
    return it != slots_.end() && it->key == k && it->live ? static_cast<std::size_t>(it - slots_.begin()) : npos;
  }

  void erase_at(std::size_t pos) {
    slots_[pos].live = false;
    --live_;
    if (pos == first_) first_ = seek(pos + 1);
  }
  void erase(const QueueKey& k) {
    const std::size_t pos = find(k);
    if (pos != npos) erase_at(pos);
  }

  // Live slots in order: for (p = first(); p != npos; p = next(p)).
  std::size_t first() const { return first_ < slots_.size() ? first_ : npos; }
  std::size_t next(std::size_t pos) const {
    const std::size_t p = seek(pos + 1);
    return p < slots_.size() ? p : npos;
  }
  Entry& at(std::size_t pos) { return slots_[pos]; }
  const Entry& at(std::size_t pos) const { return slots_[pos]; }

  // Squeezes dead slots out once they outnumber the live ones (amortised O(1) per erase).
  // The first live slot at or after `p`, or size(). Counts the dead slots it steps over
  // (dead_skipped()), so a policy can see when its scans wade through them.
  std::size_t seek(std::size_t p) const {
    while (p < slots_.size() && !slots_[p].live) {
      ++p;
      ++dead_skipped_;
    }
    return p;
  }
  uint64_t dead_skipped() const { return dead_skipped_; }

  // Packs the live slots of [first(), end) against `end`, keeping their order; the slots freed at
  // the front lie before first() and cost nothing to walk. O(end - first()). Jobs start near the
  // front of a long queue (where scans look), so this keeps scans short between compact()s.
  // Positions before `end` change.
  void compact_front(std::size_t end) {
    end = std::min(end, slots_.size());
    std::size_t to = end;
    for (std::size_t p = end; p-- > first_;) {
      if (!slots_[p].live) continue;
      if (--to != p) {
        slots_[to] = std::move(slots_[p]);
        slots_[p].live = false;
      }
    }
    if (first_ < end) first_ = seek(to);
    ++layout_;
  }

  void compact() {
    if (slots_.size() - live_ <= std::max<std::size_t>(64, live_)) return;
    slots_.erase(std::remove_if(slots_.begin(), slots_.end(), [](const Entry& e) { return !e.live; }), slots_.end());
    first_ = 0;
    ++layout_;
  }

 private:
  // Slots before first_ are dead and their keys may be stale (compact_front): searches start there.
  auto lower_bound(const QueueKey& k) {
    return std::lower_bound(slots_.begin() + static_cast<std::ptrdiff_t>(first_), slots_.end(), k,
                            [](const Entry& e, const QueueKey& key) { return e.key < key; });
  }
  auto lower_bound(const QueueKey& k) const {
    return std::lower_bound(slots_.begin() + static_cast<std::ptrdiff_t>(first_), slots_.end(), k,
                            [](const Entry& e, const QueueKey& key) { return e.key < key; });
  }
  std::vector<Entry> slots_;
  std::size_t live_ = 0;
  std::size_t first_ = 0;  // the first live slot (size() when none)
  mutable uint64_t dead_skipped_ = 0;
  uint64_t layout_ = 0;
};

}  // namespace hetsim
