#include "hetsim/policy/placement/topology_gang.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace hetsim {

namespace {

struct Free {
  NodeId node;
  uint32_t cards;
  int64_t leaf_free = 0;  // free cards of the node's leaf (pool-wide ordering only)
};

// Most free first, then lowest id: the nodes a gang takes, fewest first.
void most_free_first(std::vector<Free>& v) {
  std::sort(v.begin(), v.end(),
            [](const Free& a, const Free& b) { return a.cards > b.cards || (a.cards == b.cards && a.node < b.node); });
}

// Nodes from the front of `v` until `need` cards; false when all of them do not suffice.
bool take_front(const std::vector<Free>& v, uint32_t need, std::vector<std::pair<NodeId, uint32_t>>& takes) {
  takes.clear();
  for (const Free& f : v) {
    if (need == 0) break;
    const uint32_t k = std::min(f.cards, need);
    takes.emplace_back(f.node, k);
    need -= k;
  }
  return need == 0;
}

}  // namespace

bool parse_gang_placement(const std::string& name, GangPlacement& out) {
  for (GangPlacement g : {GangPlacement::Pool, GangPlacement::Topology}) {
    if (name == gang_placement_name(g)) {
      out = g;
      return true;
    }
  }
  return false;
}

const char* gang_placement_name(GangPlacement g) { return g == GangPlacement::Topology ? "topology" : "pool"; }

bool GangPlan::better_than(const GangPlan& o) const {
  return std::make_tuple(takes.size(), leaves, leftover, pool, leaf) <
         std::make_tuple(o.takes.size(), o.leaves, o.leftover, o.pool, o.leaf);
}

bool plan_gang_in_pool(const Cluster& c, PoolId p, uint32_t need, const std::function<uint32_t(NodeId)>& usable,
                       GangPlan& out, bool only_free_nodes) {
  const Pool& pool = c.pool(p);
  std::vector<Free> all;
  int64_t pool_free = 0;
  const auto consider = [&](NodeId n) {
    const uint32_t k = usable(n);
    if (k == 0) return;
    all.push_back({n, k, 0});
    pool_free += k;
  };
  if (only_free_nodes) {
    for (uint32_t f = 1; f <= pool.cards_per_node; ++f) {
      for (NodeId n : c.nodes_with_free(p, f)) consider(n);
    }
    // Leaves are runs of node ids.
    std::sort(all.begin(), all.end(), [](const Free& a, const Free& b) { return a.node < b.node; });
  } else {
    all.reserve(pool.end_node - pool.first_node);
    for (NodeId n = pool.first_node; n < pool.end_node; ++n) consider(n);
  }
  if (pool_free < need) return false;
  bool found = false;
  GangPlan cand;
  cand.pool = p;
  // One leaf: nodes are contiguous in the pool, so its free nodes form one run of `all`.
  std::vector<Free> leaf_nodes;
  for (std::size_t i = 0; i < all.size();) {
    const uint32_t leaf = c.node_leaf(all[i].node);
    std::size_t j = i;
    int64_t leaf_free = 0;
    while (j < all.size() && c.node_leaf(all[j].node) == leaf) leaf_free += all[j++].cards;
    if (leaf_free >= need) {
      leaf_nodes.assign(all.begin() + static_cast<std::ptrdiff_t>(i), all.begin() + static_cast<std::ptrdiff_t>(j));
      most_free_first(leaf_nodes);
      take_front(leaf_nodes, need, cand.takes);
      cand.leaves = 1;
      cand.leftover = leaf_free - need;
      cand.leaf = leaf;
      if (!found || cand.better_than(out)) out = cand, found = true;
    }
    i = j;
  }
  // Pool-wide: fewer nodes may need more than one leaf. Most free nodes first; among equally free
  // ones, those of the leaf with the most free cards, so that the gang gathers in few leaves
  // (greedy: the fewest nodes are guaranteed, the fewest leaves for that node count are not).
  // A counting sort by free cards (1..cards_per_node); only the last bucket the gang takes from
  // needs the leaf order, so the full O(f log f) sort is avoided on the hot path
  // (TopologyGang.PlanEqualsThePlainReferenceOnRandomPools checks it against the full sort).
  std::vector<int64_t> leaf_free(pool.leaf_count, 0);
  for (const Free& f : all) leaf_free[c.node_leaf(f.node) - pool.first_leaf] += f.cards;
  for (Free& f : all) f.leaf_free = leaf_free[c.node_leaf(f.node) - pool.first_leaf];
  const uint32_t cpn = pool.cards_per_node;
  std::vector<std::size_t> start(cpn + 2, 0);
  for (const Free& f : all) ++start[cpn - std::min(f.cards, cpn) + 1];
  for (uint32_t k = 1; k <= cpn + 1; ++k) start[k] += start[k - 1];
  std::vector<Free> ordered(all.size());
  {
    std::vector<std::size_t> at(start.begin(), start.end() - 1);
    for (const Free& f : all) ordered[at[cpn - std::min(f.cards, cpn)]++] = f;
  }
  uint32_t remaining = need;
  for (uint32_t b = 0; b <= cpn && remaining > 0; ++b) {
    const std::size_t s = start[b], e = start[b + 1];
    if (s == e) continue;
    const uint32_t k = ordered[s].cards;
    const std::size_t nodes = std::min<std::size_t>(e - s, (remaining + k - 1) / k);
    // The bucket's order decides which nodes are taken (when not all are) and which one gives
    // only part of its cards (the last taken).
    if (nodes < e - s || nodes * k > remaining) {
      std::partial_sort(
          ordered.begin() + static_cast<std::ptrdiff_t>(s), ordered.begin() + static_cast<std::ptrdiff_t>(s + nodes),
          ordered.begin() + static_cast<std::ptrdiff_t>(e),
          [](const Free& x, const Free& y) { return std::tie(y.leaf_free, x.node) < std::tie(x.leaf_free, y.node); });
    }
    remaining -= std::min<uint32_t>(remaining, static_cast<uint32_t>(nodes) * k);
  }
  take_front(ordered, need, cand.takes);
  std::vector<uint32_t> leaves;
  for (const auto& [n, k] : cand.takes) leaves.push_back(c.node_leaf(n));
  std::sort(leaves.begin(), leaves.end());
  cand.leaves = static_cast<uint32_t>(std::unique(leaves.begin(), leaves.end()) - leaves.begin());
  cand.leftover = pool_free - need;
  cand.leaf = pool.first_leaf;
  if (!found || cand.better_than(out)) out = cand;
  return true;
}

}  // namespace hetsim
