#pragma once
// Placement: where a gang of whole cards goes, given the current free state.
//
// A job that fits one node of a pool (cards <= cards_per_node) is placed on one node: among all
// feasible nodes (allowed chip that holds the job's memory, enough whole free cards, host CPU and
// memory) the one with the highest score wins, ties to the lowest node id. Scores are the
// integer rules shared with the batched kernel (hetsim/kernels/placement_scoring.hpp):
//   first-fit 0 | best-fit -(leftover cards) | packing allocated share after | spread free share after
//   leaf-pack -(leftover cards in the node's leaf x 64 + leftover cards on the node)
// The search walks the per-pool free-card buckets, so it costs O(pools x cards_per_node x log n),
// not O(nodes); leaf-pack walks the candidate pools' leaves instead (O(leaves), pruned).
// A larger gang stays inside one pool (one provider's chips at one site), takes fully free nodes
// first and fills the last one partially; pools are ranked by the same rules applied to pool-level
// free cards. With job.allow_cross_site, a gang no single pool can hold may gather pools of one
// chip type across sites (the throughput model then charges the inter-site link).
// With GangPlacement::Topology, gangs go where they need the fewest nodes, then one leaf
// (topology_gang.hpp). Deterministic: no randomness, no unordered iteration.
#include <limits>
#include <span>
#include <string>

#include "hetsim/kernels/placement_scoring.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/topology.hpp"
#include "hetsim/perf/throughput.hpp"
#include "hetsim/policy/placement/topology_gang.hpp"

namespace hetsim {

using kernels::PlacementScore;

inline constexpr SiteId kAnySite = std::numeric_limits<SiteId>::max();

// An upper bound on the cards a placement may take from a node (EASY backfill uses it to keep
// the head job's reservation intact). Spans of caps are sorted by node id.
struct NodeCap {
  NodeId node = 0;
  uint32_t max_cards = 0;
};

struct PlacementInput {
  const Cluster* cluster = nullptr;
  const ChipCatalog* chips = nullptr;
  const PerfParams* perf = nullptr;
  // Gangs spanning sites stay within sites joined by network paths (a down link splits them);
  // null: every site counts as reachable (tests, benchmarks).
  const Topology* topology = nullptr;
  // Only this site's pools (data locality, data_locality.hpp); kAnySite: every site.
  SiteId only_site = kAnySite;
  // Tenant quotas: cards the job's tenant may still take in all (total_room) and per provider id
  // (provider_room; empty: no limit). Pools of a provider with less room than the job are skipped.
  int64_t total_room = std::numeric_limits<int64_t>::max();
  std::span<const int64_t> provider_room{};
  // Guaranteed shares: per pool id, the free cards the tenant may take (free minus those reserved
  // for other tenants); empty: all. Pools with less room than the job are skipped, and a gang
  // gathered across pools must stay within each pool's room.
  std::span<const int64_t> pool_room{};
};

bool find_placement(const JobRequest& job, const PlacementInput& in, PlacementScore kind, std::span<const NodeCap> caps,
                    Allocation& out, GangPlacement gangs = GangPlacement::Pool);

// Cards node `n` can give the job now: free whole cards within its cap, host CPU and memory.
uint32_t usable_cards(const Cluster& c, const JobRequest& job, NodeId n, std::span<const NodeCap> caps);

// A grant of the node's `cards` lowest free cards with the job's host CPU and memory for them.
NodeGrant grant_cards(const Cluster& c, const JobRequest& job, NodeId n, uint32_t cards);

// Appends `count` of the job's cards from `pools`: fully free nodes first (fewest nodes), then by
// pool order and lowest node id. False (with `out` partly filled) when they do not suffice.
bool take_cards(const JobRequest& job, const Cluster& c, std::span<const PoolId> pools, std::span<const NodeCap> caps,
                uint32_t count, Allocation& out);

// The job on `cards` = job.cards lowest free cards of one node (no feasibility check).
Allocation single_node_allocation(const Cluster& c, const JobRequest& job, NodeId node);

// Chips the job may use: allowed by the job and large enough for its per-card memory.
uint64_t usable_chip_mask(const JobRequest& job, const ChipCatalog& chips, const PerfParams& perf);

bool parse_placement(const std::string& name, PlacementScore& out);
const char* placement_name(PlacementScore kind);
inline const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names{"first-fit", "best-fit", "packing", "spread", "leaf-pack"};
  return names;
}

}  // namespace hetsim
