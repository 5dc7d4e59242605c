#include "hetsim/policy/ordering/class_index.hpp"

#include <algorithm>

namespace hetsim {

void ClassIndex::reset(std::size_t slots, std::size_t classes) {
  classes_.assign(classes, Class{});
  bit_.assign(slots + 1, 0);
  bit_log_ = 0;
  while ((std::size_t{1} << (bit_log_ + 1)) <= slots) ++bit_log_;
  live_total_ = 0;
}

void ClassIndex::grow(Class& c) {
  const std::size_t cap = c.cap == 0 ? 16 : 2 * c.cap;
  std::vector<int64_t> tree(2 * cap, kGone);
  for (std::size_t i = 0; i < c.slots.size(); ++i) tree[cap + i] = c.tree[c.cap + i];
  for (std::size_t n = cap - 1; n >= 1; --n) tree[n] = std::min(tree[2 * n], tree[2 * n + 1]);
  c.tree = std::move(tree);
  c.cap = cap;
}

uint32_t ClassIndex::add(uint32_t cls, std::size_t slot, int64_t value) {
  if (cls >= classes_.size()) classes_.resize(static_cast<std::size_t>(cls) + 1);
  Class& c = classes_[cls];
  if (c.slots.size() == c.cap) grow(c);
  const auto ci = static_cast<uint32_t>(c.slots.size());
  c.slots.push_back(slot);
  ++c.live;
  set(cls, ci, value);
  // The Fenwick tree grows one slot at a time: a new node i covers (i - lowbit(i), i].
  while (bit_.size() <= slot + 1) {
    const std::size_t i = bit_.size();
    const std::size_t low = i & (~i + 1);
    bit_.push_back(bit_prefix(i - 2) - (i > low ? bit_prefix(i - low - 1) : 0));
    if ((std::size_t{1} << (bit_log_ + 1)) <= i) ++bit_log_;
  }
  bit_add(slot, 1);
  return ci;
}

void ClassIndex::set(uint32_t cls, uint32_t ci, int64_t v) {
  Class& c = classes_[cls];
  std::size_t n = c.cap + ci;
  c.tree[n] = v;
  for (n /= 2; n >= 1; n /= 2) {
    const int64_t m = std::min(c.tree[2 * n], c.tree[2 * n + 1]);
    if (c.tree[n] == m) break;
    c.tree[n] = m;
  }
}

void ClassIndex::remove(uint32_t cls, uint32_t ci, std::size_t slot) {
  set(cls, ci, kGone);
  --classes_[cls].live;
  bit_add(slot, -1);
}

std::size_t ClassIndex::first_in(const Class& c, std::size_t node, std::size_t lo, std::size_t hi, std::size_t from,
                                 std::size_t to, int64_t at_most) const {
  // Node covers class indices [lo, hi); the answer is the first index in [from, to] <= at_most.
  if (hi <= from || lo > to || c.tree[node] > at_most) return npos;
  if (hi - lo == 1) return lo;
  const std::size_t mid = (lo + hi) / 2;
  const std::size_t left = first_in(c, 2 * node, lo, mid, from, to, at_most);
  return left != npos ? left : first_in(c, 2 * node + 1, mid, hi, from, to, at_most);
}

std::size_t ClassIndex::first(uint32_t cls, std::size_t from, std::size_t to, int64_t at_most) const {
  if (cls >= classes_.size() || from > to) return npos;
  const Class& c = classes_[cls];
  // The root holds the class's least value: most classes are ruled out here.
  if (c.live == 0 || c.tree[1] > at_most) return npos;
  const auto lo = static_cast<std::size_t>(std::lower_bound(c.slots.begin(), c.slots.end(), from) - c.slots.begin());
  const auto hi = static_cast<std::size_t>(std::upper_bound(c.slots.begin(), c.slots.end(), to) - c.slots.begin());
  if (lo >= hi) return npos;
  const std::size_t ci = first_in(c, 1, 0, c.cap, lo, hi - 1, at_most);
  return ci == npos ? npos : c.slots[ci];
}

void ClassIndex::bit_add(std::size_t slot, int64_t d) {
  live_total_ += d;
  for (std::size_t i = slot + 1; i < bit_.size(); i += i & (~i + 1)) bit_[i] += d;
}

int64_t ClassIndex::bit_prefix(std::size_t slot) const {
  int64_t s = 0;
  for (std::size_t i = std::min(slot + 1, bit_.size() - 1); i > 0; i -= i & (~i + 1)) s += bit_[i];
  return s;
}

std::size_t ClassIndex::kth_after(std::size_t slot, std::size_t k) const {
  const int64_t target = bit_prefix(slot) + static_cast<int64_t>(k);
  if (target > live_total_) return npos;
  // Binary lifting: the largest position whose prefix is below the target, plus one.
  std::size_t pos = 0;
  int64_t rest = target;
  for (std::size_t step = std::size_t{1} << bit_log_; step > 0; step >>= 1) {
    if (pos + step < bit_.size() && bit_[pos + step] < rest) {
      pos += step;
      rest -= bit_[pos];
    }
  }
  return pos;  // 1-based pos + 1 is the answer; as a 0-based slot that is pos
}

std::size_t ClassIndex::last_live() const {
  return live_total_ == 0 ? npos : kth_after(static_cast<std::size_t>(-1), static_cast<std::size_t>(live_total_));
}

}  // namespace hetsim
