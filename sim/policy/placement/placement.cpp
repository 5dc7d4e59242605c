#include "hetsim/policy/placement/placement.hpp"

#include <algorithm>
#include <bit>
#include <vector>

namespace hetsim {

namespace {

uint32_t cap_of(std::span<const NodeCap> caps, NodeId n, uint32_t free) {
  if (caps.empty()) return free;
  auto it = std::lower_bound(caps.begin(), caps.end(), n, [](const NodeCap& c, NodeId id) { return c.node < id; });
  if (it == caps.end() || it->node != n) return free;
  return std::min(free, it->max_cards);
}

// Lowest-indexed whole free cards of the node, `count` of them.
uint32_t pick_cards(const Cluster& c, NodeId n, uint32_t count) {
  uint32_t mask = c.node_free_mask(n), out = 0;
  while (count > 0 && mask != 0) {
    const uint32_t bit = mask & (~mask + 1);
    out |= bit;
    mask &= mask - 1;
    --count;
  }
  return out;
}

}  // namespace

NodeGrant grant_cards(const Cluster& c, const JobRequest& job, NodeId n, uint32_t cards) {
  NodeGrant g;
  g.node = n;
  g.card_mask = pick_cards(c, n, cards);
  g.milli_per_card = kMilliPerCard;
  g.cpu_milli = job.cpu_milli_per_card * cards;
  g.mem_mib = job.mem_mib_per_card * cards;
  return g;
}

uint32_t usable_cards(const Cluster& c, const JobRequest& job, NodeId n, std::span<const NodeCap> caps) {
  uint32_t k = cap_of(caps, n, c.node_free_cards(n));
  if (job.cpu_milli_per_card > 0) {
    k = std::min<uint32_t>(k, static_cast<uint32_t>(c.node_cpu_free(n) / job.cpu_milli_per_card));
  }
  if (job.mem_mib_per_card > 0) {
    k = std::min<uint32_t>(k, static_cast<uint32_t>(c.node_mem_free(n) / job.mem_mib_per_card));
  }
  return k;
}

namespace {

using kernels::BestNode;

// Keeps node `n` with score `s` when it beats the best so far (kernels::placement_better).
void offer(BestNode& best, int64_t s, NodeId n) {
  if (kernels::placement_better(s, static_cast<int32_t>(n), best.score, best.node)) best = {static_cast<int32_t>(n), s};
}

// Node-local rules: the free-card buckets order the candidates, so the first usable node of each
// bucket (the lowest id) is the only one of that bucket that can win.
void offer_by_bucket(const JobRequest& job, const Cluster& c, PoolId p, PlacementScore kind,
                     std::span<const NodeCap> caps, BestNode& best) {
  const Pool& pool = c.pool(p);
  const uint32_t need = job.cards;
  for (uint32_t k = need; k <= pool.cards_per_node; ++k) {
    for (NodeId n : c.nodes_with_free(p, k)) {
      if (usable_cards(c, job, n, caps) < need) continue;
      offer(best, kernels::placement_score(kind, k, pool.cards_per_node, need, 0), n);
      break;  // later nodes of this bucket have the same score and a higher id
    }
  }
}

// Leaf-pack: the score depends on the node's leaf, so the buckets do not order the candidates.
// Leaves are visited in id order (node ids ascend with them, so a later node only wins on a
// strictly higher score) and skipped when even a perfect fit in them cannot beat the best so far:
// O(leaves of the candidate pools + nodes of the leaves that could win).
void offer_by_leaf(const JobRequest& job, const Cluster& c, PoolId p, std::span<const NodeCap> caps, BestNode& best) {
  const Pool& pool = c.pool(p);
  const uint32_t need = job.cards;
  for (uint32_t leaf = pool.first_leaf; leaf < pool.first_leaf + pool.leaf_count; ++leaf) {
    const int64_t leaf_free = c.leaf_free_cards(leaf);
    if (leaf_free < need) continue;
    if (best.node >= 0 && -(leaf_free - need) * kernels::kLeafWeight <= best.score) continue;
    const auto [first, end] = c.leaf_nodes(leaf);
    for (NodeId n = first; n < end; ++n) {
      const uint32_t f = c.node_free_cards(n);
      if (f < need || usable_cards(c, job, n, caps) < need) continue;
      offer(best, kernels::placement_score(PlacementScore::LeafPack, f, pool.cards_per_node, need, leaf_free), n);
    }
  }
}

// Pools a placement may use: of one site (data locality), of providers where the tenant's quota
// leaves room for the whole job, and with room for the whole job outside the cards reserved for
// other tenants' guarantees (both conservative for gangs that could split across pools).
struct PoolFilter {
  SiteId only = kAnySite;
  std::span<const int64_t> room;
  std::span<const int64_t> pool_room;  // guaranteed shares (PlacementInput::pool_room)
  uint32_t need = 0;
  bool ok(const Cluster& c, PoolId p) const {
    const Pool& pool = c.pool(p);
    return (only == kAnySite || only == pool.site) && (room.empty() || room[pool.provider] >= need) &&
           (pool_room.empty() || pool_room[p] >= need);
  }
};

// Best fit ranks nodes by their free cards alone: the first bucket (fewest free cards) with a
// usable node in any pool holds the answer, its lowest such node; later buckets score lower.
// The same node offer_by_bucket finds over all buckets, in O(pools x buckets up to the answer).
void best_fit_by_bucket(const JobRequest& job, const Cluster& c, std::span<const PoolId> pools,
                        std::span<const NodeCap> caps, BestNode& best) {
  // A node holds at most kMaxCardsPerNode (< 64) cards: a larger job has no bucket (and a shift
  // by 64 or more is undefined).
  if (job.cards > static_cast<uint32_t>(kMaxCardsPerNode)) return;
  const uint64_t at_least_need = ~uint64_t{0} << job.cards;
  uint64_t buckets = 0;  // free-card counts >= need that some candidate pool has nodes with
  for (PoolId p : pools) buckets |= c.free_bucket_mask(p) & at_least_need;
  for (; buckets != 0 && best.node < 0; buckets &= buckets - 1) {
    const auto k = static_cast<uint32_t>(__builtin_ctzll(buckets));
    for (PoolId p : pools) {
      if (!((c.free_bucket_mask(p) >> k) & 1U)) continue;
      for (NodeId n : c.nodes_with_free(p, k)) {
        if (usable_cards(c, job, n, caps) < job.cards) continue;
        offer(best, kernels::placement_score(PlacementScore::BestFit, k, c.pool(p).cards_per_node, job.cards, 0), n);
        break;
      }
    }
  }
}

bool place_single_node(const JobRequest& job, const Cluster& c, uint64_t chips, PlacementScore kind,
                       std::span<const NodeCap> caps, const PoolFilter& only, Allocation& out) {
  BestNode best;
  thread_local std::vector<PoolId> pools;
  pools.clear();
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (!((chips >> pool.chip) & 1ULL) || pool.cards_per_node < job.cards || !only.ok(c, p)) continue;
    if (c.pool_free_cards(p) < job.cards) continue;
    pools.push_back(p);
  }
  if (kind == PlacementScore::BestFit) {
    best_fit_by_bucket(job, c, pools, caps, best);
  } else {
    for (PoolId p : pools) {
      if (kind == PlacementScore::LeafPack) {
        offer_by_leaf(job, c, p, caps, best);
      } else {
        offer_by_bucket(job, c, p, kind, caps, best);
      }
    }
  }
  if (best.node < 0) return false;
  out.clear();
  out.push_back(grant_cards(c, job, static_cast<NodeId>(best.node), job.cards));
  return true;
}

}  // namespace

bool take_cards(const JobRequest& job, const Cluster& c, std::span<const PoolId> pools, std::span<const NodeCap> caps,
                uint32_t count, Allocation& out) {
  uint32_t remaining = count;
  uint32_t max_cpn = 0;
  for (PoolId p : pools) max_cpn = std::max<uint32_t>(max_cpn, c.pool(p).cards_per_node);
  for (uint32_t k = max_cpn; k >= 1 && remaining > 0; --k) {
    for (PoolId p : pools) {
      if (k > c.pool(p).cards_per_node) continue;
      for (NodeId n : c.nodes_with_free(p, k)) {
        const uint32_t take = std::min(usable_cards(c, job, n, caps), remaining);
        if (take == 0) continue;
        out.push_back(grant_cards(c, job, n, take));
        remaining -= take;
        if (remaining == 0) break;
      }
      if (remaining == 0) break;
    }
  }
  return remaining == 0;
}

namespace {

// A gang from the given pools (take_cards), sorted by node id.
bool gather(const JobRequest& job, const Cluster& c, std::span<const PoolId> pools, std::span<const NodeCap> caps,
            Allocation& out) {
  out.clear();
  if (!take_cards(job, c, pools, caps, job.cards, out)) {
    out.clear();
    return false;
  }
  std::sort(out.begin(), out.end(), [](const NodeGrant& a, const NodeGrant& b) { return a.node < b.node; });
  return true;
}

int64_t pool_score(PlacementScore kind, int64_t free, int64_t total, int64_t need) {
  // Pool-level use of the same rules; first-fit is decided by the lower pool id. Leaf-pack is
  // best fit between pools (the leaves of a gang are the gang planner's business).
  if (kind == PlacementScore::BestFit || kind == PlacementScore::LeafPack) return -(free - need);
  return kernels::placement_score(kind, std::min<int64_t>(free, total), total, need, 0);
}

// Free cards of pool `p` minus those the caps hold back (`withheld`, empty without caps).
int64_t capped_free(const Cluster& c, const std::vector<int64_t>& withheld, PoolId p) {
  return c.pool_free_cards(p) - (withheld.empty() ? 0 : withheld[p]);
}

// Pool order: pools ranked by the placement rule at pool level, each filled fully free nodes first.
bool place_gang_by_pool_order(const JobRequest& job, const Cluster& c, uint64_t chips, PlacementScore kind,
                              const std::vector<int64_t>& withheld, std::span<const NodeCap> caps,
                              const PoolFilter& only, Allocation& out) {
  struct Candidate {
    int64_t score;
    PoolId pool;
  };
  std::vector<Candidate> cands;
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (!((chips >> pool.chip) & 1ULL) || pool.cards_per_node >= job.cards || !only.ok(c, p)) continue;
    if (capped_free(c, withheld, p) < job.cards) continue;
    const int64_t total = pool.cards();
    cands.push_back({pool_score(kind, c.pool_free_cards(p), total, job.cards), p});
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.score > b.score || (a.score == b.score && a.pool < b.pool);
  });
  for (const Candidate& cand : cands) {
    const PoolId one[1] = {cand.pool};
    if (gather(job, c, one, caps, out)) return true;
  }
  return false;
}

// Topology-aware: the best plan over every pool that may hold the gang (topology_gang.hpp).
bool place_gang_by_topology(const JobRequest& job, const Cluster& c, uint64_t chips,
                            const std::vector<int64_t>& withheld, std::span<const NodeCap> caps, const PoolFilter& only,
                            Allocation& out) {
  GangPlan best, plan;
  bool found = false;
  const auto usable = [&](NodeId n) { return usable_cards(c, job, n, caps); };
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (!((chips >> pool.chip) & 1ULL) || pool.cards_per_node >= job.cards || !only.ok(c, p)) continue;
    if (capped_free(c, withheld, p) < job.cards) continue;
    if (plan_gang_in_pool(c, p, job.cards, usable, plan) && (!found || plan.better_than(best))) {
      best = std::move(plan);
      found = true;
    }
  }
  if (!found) return false;
  out.clear();
  for (const auto& [n, k] : best.takes) out.push_back(grant_cards(c, job, n, k));
  std::sort(out.begin(), out.end(), [](const NodeGrant& a, const NodeGrant& b) { return a.node < b.node; });
  return true;
}

bool place_gang(const JobRequest& job, const Cluster& c, const Topology* topo, uint64_t chips, PlacementScore kind,
                std::span<const NodeCap> caps, const PoolFilter& only, Allocation& out, GangPlacement gangs) {
  // A job that fits one node of every pool it may use, and may not span sites, has no gang to try
  // (the common case for small jobs, asked for again and again by a backfill scan).
  bool gang_pools = job.allow_cross_site && only.only == kAnySite;
  for (PoolId p = 0; p < c.pool_count() && !gang_pools; ++p) {
    gang_pools = ((chips >> c.pool(p).chip) & 1ULL) && c.pool(p).cards_per_node < job.cards;
  }
  if (!gang_pools) return false;
  // Cards the caps hold back in each pool: a pool whose free cards minus those cannot hold the
  // gang is skipped without walking its nodes (backfill asks this for every queued gang).
  std::vector<int64_t> withheld(caps.empty() ? 0 : c.pool_count(), 0);
  for (const NodeCap& cap : caps) {
    const uint32_t free = c.node_free_cards(cap.node);
    withheld[c.node_pool(cap.node)] += free - std::min(free, cap.max_cards);
  }
  const bool placed = gangs == GangPlacement::Topology
                          ? place_gang_by_topology(job, c, chips, withheld, caps, only, out)
                          : place_gang_by_pool_order(job, c, chips, kind, withheld, caps, only, out);
  if (placed) return true;
  if (!job.allow_cross_site || only.only != kAnySite) return false;
  // Spanning sites: pools of one chip type, most free first, chip types in id order, within one
  // group of sites joined by network paths (all sites when the topology is not given); groups
  // with more free cards first.
  const std::size_t sites = c.site_count();
  std::vector<SiteId> group(sites);
  for (SiteId s = 0; s < sites; ++s) {
    group[s] = s;
    if (topo == nullptr) {
      group[s] = 0;
      continue;
    }
    for (SiteId t = 0; t < s; ++t) {
      if (topo->sites_connected(s, t)) {
        group[s] = group[t];
        break;
      }
    }
  }
  for (ChipId chip = 0; chip < c.chip_type_slots() && chip < kMaxChipTypes; ++chip) {
    if (!((chips >> chip) & 1ULL)) continue;
    std::vector<int64_t> free(sites, 0);
    for (PoolId p = 0; p < c.pool_count(); ++p) {
      if (c.pool(p).chip == chip && c.pool_free_cards(p) > 0 && only.ok(c, p)) {
        free[group[c.pool(p).site]] += capped_free(c, withheld, p);
      }
    }
    std::vector<SiteId> order;
    for (SiteId g = 0; g < sites; ++g) {
      if (free[g] >= job.cards) order.push_back(g);
    }
    std::stable_sort(order.begin(), order.end(), [&](SiteId a, SiteId b) { return free[a] > free[b]; });
    for (SiteId g : order) {
      std::vector<PoolId> pools;
      for (PoolId p = 0; p < c.pool_count(); ++p) {
        if (c.pool(p).chip == chip && c.pool_free_cards(p) > 0 && group[c.pool(p).site] == g && only.ok(c, p)) {
          pools.push_back(p);
        }
      }
      std::stable_sort(pools.begin(), pools.end(),
                       [&](PoolId a, PoolId b) { return c.pool_free_cards(a) > c.pool_free_cards(b); });
      if (gather(job, c, pools, caps, out)) return true;
    }
  }
  return false;
}

}  // namespace

Allocation single_node_allocation(const Cluster& c, const JobRequest& job, NodeId node) {
  return Allocation{grant_cards(c, job, node, job.cards)};
}

uint64_t usable_chip_mask(const JobRequest& job, const ChipCatalog& chips, const PerfParams& perf) {
  // fits_memory chip by chip, with the job's need computed once: called for every job a pass
  // examines, often several times.
  const double need_gb = job.mem_per_card_gb();
  const std::size_t n = chips.size();
  uint64_t allowed = job.allowed_chips & (n >= 64 ? ~0ULL : (1ULL << n) - 1);
  uint64_t mask = 0;
  while (allowed != 0) {
    const int id = std::countr_zero(allowed);
    allowed &= allowed - 1;
    if (need_gb <= usable_memory_gb(chips.at(static_cast<ChipId>(id)), perf)) mask |= 1ULL << id;
  }
  return mask;
}

bool find_placement(const JobRequest& job, const PlacementInput& in, PlacementScore kind, std::span<const NodeCap> caps,
                    Allocation& out, GangPlacement gangs) {
  const Cluster& c = *in.cluster;
  if (job.cards == 0 || c.free_cards_total() < job.cards) return false;
  if (in.total_room < job.cards) return false;
  const uint64_t chips = usable_chip_mask(job, *in.chips, *in.perf);
  if (chips == 0) return false;
  const PoolFilter filter{in.only_site, in.provider_room, in.pool_room, job.cards};
  if (place_single_node(job, c, chips, kind, caps, filter, out)) return true;
  return place_gang(job, c, in.topology, chips, kind, caps, filter, out, gangs);
}

bool parse_placement(const std::string& name, PlacementScore& out) {
  for (int i = 0; i < kernels::kPlacementScoreCount; ++i) {
    if (name == placement_name(static_cast<PlacementScore>(i))) {
      out = static_cast<PlacementScore>(i);
      return true;
    }
  }
  return false;
}

const char* placement_name(PlacementScore kind) {
  switch (kind) {
    case PlacementScore::FirstFit:
      return "first-fit";
    case PlacementScore::BestFit:
      return "best-fit";
    case PlacementScore::Packing:
      return "packing";
    case PlacementScore::Spread:
      return "spread";
    case PlacementScore::LeafPack:
      return "leaf-pack";
  }
  return "?";
}

}  // namespace hetsim
