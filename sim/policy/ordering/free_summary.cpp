#include "hetsim/policy/ordering/free_summary.hpp"

#include <algorithm>

namespace hetsim {

void FreeSummary::refresh(const Cluster& c) {
  max_node_free.fill(0);
  max_pool_free.fill(0);
  total_free = c.free_cards_total();
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    max_pool_free[pool.chip] = std::max(max_pool_free[pool.chip], c.pool_free_cards(p));
    for (uint32_t k = pool.cards_per_node; k > max_node_free[pool.chip]; --k) {
      if (!c.nodes_with_free(p, k).empty()) {
        max_node_free[pool.chip] = k;
        break;
      }
    }
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
