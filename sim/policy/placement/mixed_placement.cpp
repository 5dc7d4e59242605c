#include "hetsim/policy/placement/mixed_placement.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "hetsim/policy/placement/context_input.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

namespace {

struct SiteMix {
  std::vector<ChipCount> mix;  // ascending chip id
  double eta = 0;
  SiteId site = 0;
};

bool better(const SiteMix& a, const SiteMix& b) {
  if (a.mix.size() != b.mix.size()) return a.mix.size() < b.mix.size();
  if (a.eta != b.eta) return a.eta > b.eta;
  return a.site < b.site;
}

// Usable free cards of each chip at `site` (caps, host CPU and memory included).
void usable_by_chip(const JobRequest& job, const Cluster& c, SiteId site, uint64_t chips, std::span<const NodeCap> caps,
                    std::array<int64_t, kMaxChipTypes>& out) {
  out.fill(0);
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (pool.site != site || !((chips >> pool.chip) & 1ULL) || c.pool_free_cards(p) == 0) continue;
    for (uint32_t k = 1; k <= pool.cards_per_node; ++k) {
      for (NodeId n : c.nodes_with_free(p, k)) out[pool.chip] += usable_cards(c, job, n, caps);
    }
  }
}

// `count` cards of `chip` at `site`: most-free nodes first, lowest ids first.
bool take_group(const JobRequest& job, const Cluster& c, SiteId site, ChipId chip, uint32_t count,
                std::span<const NodeCap> caps, Allocation& out) {
  std::vector<PoolId> pools;
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    if (c.pool(p).site == site && c.pool(p).chip == chip) pools.push_back(p);
  }
  return take_cards(job, c, pools, caps, count, out);
}

}  // namespace

std::vector<ChipCount> chip_mix(const Allocation& a, const Cluster& c) {
  std::vector<ChipCount> mix;
  chip_mix(a, c, mix);
  return mix;
}

void chip_mix(const Allocation& a, const Cluster& c, std::vector<ChipCount>& mix) {
  mix.clear();
  for (const NodeGrant& g : a) {
    const ChipId chip = c.node_chip(g.node);
    auto it = std::lower_bound(mix.begin(), mix.end(), chip, [](const ChipCount& x, ChipId id) { return x.chip < id; });
    if (it == mix.end() || it->chip != chip) it = mix.insert(it, ChipCount{chip, 0});
    it->cards += static_cast<uint32_t>(card_count(g.card_mask));
  }
}

bool find_mixed_placement(const JobRequest& job, const PlacementInput& in, uint32_t max_types,
                          std::span<const NodeCap> caps, const MixEfficiencyFn& efficiency, Allocation& out) {
  const Cluster& c = *in.cluster;
  if (!job.may_mix_chips || max_types < 2 || job.cards < 2 || c.free_cards_total() < job.cards) return false;
  const uint64_t chips = usable_chip_mask(job, *in.chips, *in.perf);
  if (__builtin_popcountll(chips) < 2) return false;

  // A cheap bound first: the site's free cards of usable chips, ignoring caps and host limits.
  std::vector<int64_t> bound(c.site_count(), 0);
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    if ((chips >> c.pool(p).chip) & 1ULL) bound[c.pool(p).site] += c.pool_free_cards(p);
  }
  std::array<int64_t, kMaxChipTypes> usable{};
  bool found = false;
  SiteMix best;
  for (SiteId s = 0; s < c.site_count(); ++s) {
    if (bound[s] < job.cards) continue;
    usable_by_chip(job, c, s, chips, caps, usable);
    std::vector<ChipId> order;
    for (ChipId chip = 0; chip < kMaxChipTypes; ++chip) {
      if (usable[chip] > 0) order.push_back(chip);
    }
    std::stable_sort(order.begin(), order.end(), [&](ChipId a, ChipId b) { return usable[a] > usable[b]; });
    if (order.empty() || usable[order.front()] >= job.cards) continue;  // one type suffices: not a mix
    SiteMix cand;
    cand.site = s;
    uint32_t remaining = job.cards;
    for (ChipId chip : order) {
      if (remaining == 0 || cand.mix.size() == max_types) break;
      const auto take = static_cast<uint32_t>(std::min<int64_t>(usable[chip], remaining));
      cand.mix.push_back(ChipCount{chip, take});
      remaining -= take;
    }
    if (remaining != 0) continue;
    std::sort(cand.mix.begin(), cand.mix.end());
    cand.eta = efficiency(cand.mix);
    if (!(cand.eta > 0)) continue;
    if (!found || better(cand, best)) best = std::move(cand), found = true;
  }
  if (!found) return false;
  out.clear();
  for (const ChipCount& g : best.mix) {
    if (!take_group(job, c, best.site, g.chip, g.cards, caps, out)) {  // cannot happen: counted above
      out.clear();
      return false;
    }
  }
  std::sort(out.begin(), out.end(), [](const NodeGrant& a, const NodeGrant& b) { return a.node < b.node; });
  return true;
}

bool place_mixed(const SchedulingContext& ctx, JobId id, const MixOptions& mix, std::span<const NodeCap> caps,
                 Allocation& out) {
  if (!mix.enabled) return false;
  const auto eta = [&](std::span<const ChipCount> m) { return ctx.mixed_efficiency(id, m); };
  const JobRequest& job = ctx.job(id);
  if (!find_mixed_placement(job, placement_input(ctx, job), mix.max_types, caps, eta, out)) return false;
  if (within_quota(ctx, job, out)) return true;
  out.clear();
  return false;
}

}  // namespace hetsim
