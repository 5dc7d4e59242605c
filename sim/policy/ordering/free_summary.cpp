#include "hetsim/policy/ordering/free_summary.hpp"

#include <algorithm>

namespace hetsim {

namespace {
// The most whole free cards of any node of the pool (0 if none has any).
uint32_t top_bucket(const Cluster& c, PoolId p) {
  const uint64_t mask = c.free_bucket_mask(p) & ~uint64_t{1};
  return mask == 0 ? 0 : static_cast<uint32_t>(63 - __builtin_clzll(mask));
}
}  // namespace

void FreeSummary::refresh(const Cluster& c) {
  // Only the chip ids the cluster has: the rest stay 0 (may_fit reads usable chips only).
  const std::size_t slots = std::min<std::size_t>(c.chip_type_slots(), kMaxChipTypes);
  std::fill_n(max_node_free.begin(), slots, 0);
  std::fill_n(max_pool_free.begin(), slots, 0);
  total_free = c.free_cards_total();
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const ChipId chip = c.pool(p).chip;
    max_pool_free[chip] = std::max(max_pool_free[chip], c.pool_free_cards(p));
    max_node_free[chip] = std::max(max_node_free[chip], top_bucket(c, p));
  }
}

void FreeSummary::refresh(const Cluster& c, std::span<const NodeCap> caps) {
  const std::size_t slots = std::min<std::size_t>(c.chip_type_slots(), kMaxChipTypes);
  std::fill_n(max_node_free.begin(), slots, 0);
  std::fill_n(max_pool_free.begin(), slots, 0);
  total_free = c.free_cards_total();
  std::size_t next = 0;  // caps are sorted by node, pools are contiguous node ranges in pool order
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    while (next < caps.size() && caps[next].node < pool.first_node) ++next;
    const std::size_t first_cap = next;
    int64_t pool_free = c.pool_free_cards(p);
    const uint32_t top = top_bucket(c, p);
    uint32_t node_free = top;
    if (next < caps.size() && caps[next].node < pool.end_node) {
      // Capped nodes give at most their caps; the others what they have.
      node_free = 0;
      uint32_t capped_at_top = 0;  // capped nodes with `top` free cards
      while (next < caps.size() && caps[next].node < pool.end_node) {
        const NodeCap& cap = caps[next++];
        const uint32_t f = c.node_free_cards(cap.node);
        pool_free -= f - std::min(f, cap.max_cards);
        node_free = std::max(node_free, std::min(f, cap.max_cards));
        capped_at_top += f == top ? 1 : 0;
      }
      if (c.nodes_with_free(p, top).size() > capped_at_top) {
        node_free = std::max(node_free, top);  // a node without a cap has the top count
      } else {
        // Every node with the top count is capped: the highest count below it with more nodes
        // than capped ones.
        for (uint64_t m = c.free_bucket_mask(p) & ~uint64_t{1} & ((uint64_t{1} << top) - 1); m != 0;) {
          const auto k = static_cast<uint32_t>(63 - __builtin_clzll(m));
          m &= ~(uint64_t{1} << k);
          if (k <= node_free) break;
          uint32_t capped_here = 0;
          for (std::size_t j = first_cap; j < next; ++j) capped_here += c.node_free_cards(caps[j].node) == k ? 1 : 0;
          if (c.nodes_with_free(p, k).size() > capped_here) {
            node_free = k;
            break;
          }
        }
      }
    }
    max_pool_free[pool.chip] = std::max(max_pool_free[pool.chip], pool_free);
    max_node_free[pool.chip] = std::max(max_node_free[pool.chip], node_free);
  }
}

bool FreeSummary::may_fit(uint32_t cards, bool cross_site, uint64_t usable) const {
  if (total_free < cards) return false;
  if (cross_site) return true;  // may gather pools; let the full search decide
  for (uint64_t m = usable; m != 0; m &= m - 1) {
    const int chip = __builtin_ctzll(m);
    if (max_node_free[chip] >= cards || max_pool_free[chip] >= cards) return true;
  }
  return false;
}

}  // namespace hetsim
