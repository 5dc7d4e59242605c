#pragma once
// Topology-aware gang placement (policy parameter gang_placement=topology): a gang larger than a
// node goes where it needs the fewest nodes, then the fewest leaf switches (one leaf when any leaf
// of a pool can hold it with that many nodes), then leaves the fewest free cards behind in the
// leaf or pool it uses (best fit, so whole leaves stay free for later gangs), then the lowest pool
// and leaf id. Every candidate is inside one pool, so at one site; spanning sites stays the last
// resort of find_placement (job.allow_cross_site). Within the chosen nodes, the most free first.
//
// The same planner serves the placement (cards usable now) and EASY backfill's reservation (cards
// free at the shadow time), so the reservation is made where the head job will be placed.
// Cost: O(f log f) in the nodes with free cards of each candidate pool (the reservation: O(n) in
// the pool's nodes); for gangs only.
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "hetsim/model/cluster.hpp"

namespace hetsim {

enum class GangPlacement : uint8_t {
  Pool = 0,      // fully free nodes first, in pool order (the default)
  Topology = 1,  // fewest nodes, then one leaf, then best fit (this file)
};

bool parse_gang_placement(const std::string& name, GangPlacement& out);
const char* gang_placement_name(GangPlacement g);

struct GangPlan {
  PoolId pool = 0;
  std::vector<std::pair<NodeId, uint32_t>> takes;  // node, cards; in the order taken
  uint32_t leaves = 0;
  int64_t leftover = 0;  // free cards left in the leaf (one-leaf plans) or the pool
  uint32_t leaf = 0;     // the leaf of a one-leaf plan (tie-break), else the pool's first leaf

  // Fewer nodes, then fewer leaves, then less leftover, then lower pool and leaf.
  bool better_than(const GangPlan& o) const;
};

// The best plan for `need` cards in pool `p`, with `usable(n)` the cards node n can give.
// `only_free_nodes`: consider only nodes with free cards now (from the free-card index: much
// fewer than the pool on a busy cluster); false when `usable` may exceed the free cards (EASY's
// reservation at a later time). False when the pool cannot hold the gang.
bool plan_gang_in_pool(const Cluster& c, PoolId p, uint32_t need, const std::function<uint32_t(NodeId)>& usable,
                       GangPlan& out, bool only_free_nodes = true);

}  // namespace hetsim
