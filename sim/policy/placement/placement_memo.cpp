#include "hetsim/policy/placement/placement_memo.hpp"

#include <cstring>

#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
// FNV-1a; only lookups depend on it, never an order.
struct Fnv {
  uint64_t h = 1469598103934665603ULL;
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 1099511628211ULL;
    }
  }
  void add(double d) {
    uint64_t v;
    std::memcpy(&v, &d, sizeof v);
    add(v);
  }
};
}  // namespace

std::size_t PlacementMemo::KeyHash::operator()(const Key& k) const {
  Fnv f;
  f.add(uint64_t{k.cards});
  f.add(uint64_t{k.tenant});
  f.add(k.usable);
  f.add(static_cast<uint64_t>(k.cpu_milli_per_card));
  f.add(static_cast<uint64_t>(k.mem_mib_per_card));
  f.add(uint64_t{k.cross_site});
  return static_cast<std::size_t>(f.h);
}

std::size_t PlacementMemo::ShapeHash::operator()(const AllocationShape& s) const {
  Fnv f;
  for (uint32_t v : {uint32_t{s.chip}, s.cards, s.nodes, s.max_cards_per_node, s.sites, s.leaves}) f.add(uint64_t{v});
  for (double d : {s.inter_node_gbps, s.inter_node_latency_us, s.inter_site_gbps, s.inter_site_latency_us}) f.add(d);
  return static_cast<std::size_t>(f.h);
}

uint32_t PlacementMemo::class_of(const SchedulingContext& ctx, const JobRequest& j) {
  const Key key{j.cards,
                ctx.has_quotas() ? static_cast<uint32_t>(j.tenant) : kNoClass,
                usable_chip_mask(j, ctx.chips(), ctx.perf()),
                j.cpu_milli_per_card,
                j.mem_mib_per_card,
                j.allow_cross_site};
  const auto [it, inserted] = ids_.try_emplace(key, static_cast<uint32_t>(classes_.size()));
  if (inserted) {
    classes_.emplace_back();
    classes_.back().usable = key.usable;
    State& st = classes_.back();
    st.cards = key.cards;
    st.cross_site = key.cross_site;
    const Cluster& c = ctx.cluster();
    st.single_node = !key.cross_site;
    for (PoolId p = 0; p < c.pool_count(); ++p) {
      if (((key.usable >> c.pool(p).chip) & 1ULL) && c.pool(p).cards_per_node < key.cards) st.single_node = false;
    }
  }
  return it->second;
}

const Allocation* PlacementMemo::search_uncapped(SchedulingContext& ctx, JobId id, uint32_t cls, PlacementScore kind,
                                                 GangPlacement gangs) {
  State& s = classes_[cls];
  const JobRequest& j = ctx.job(id);
  ++searches_;
  s.shape_id = kNoClass;
  if (find_placement(j, placement_input(ctx, j), kind, {}, s.placed, gangs)) {
    s.placed_pass = pass_;
    s.placed_version = ctx.state_version();
    return &s.placed;
  }
  s.placed_pass = 0;
  if (!ctx.has_reservations()) s.failed_pass = pass_;
  return nullptr;
}

uint32_t PlacementMemo::intern_shape(const SchedulingContext& ctx, State& s) {
  const AllocationShape shape = shape_of(s.placed, ctx.cluster(), ctx.topology());
  const auto [it, inserted] = shape_ids_.try_emplace(shape, static_cast<uint32_t>(shapes_.size()));
  if (inserted) shapes_.push_back(shape);
  s.shape_id = it->second;
  return s.shape_id;
}

bool PlacementMemo::capped(SchedulingContext& ctx, JobId id, uint32_t cls, PlacementScore kind, GangPlacement gangs,
                           std::span<const NodeCap> caps, Allocation& out) {
  State& s = classes_[cls];
  if (capped_failed(cls)) return false;
  const JobRequest& j = ctx.job(id);
  ++searches_;
  if (find_placement(j, placement_input(ctx, j), kind, caps, out, gangs)) return true;
  if (!ctx.has_reservations()) s.capped_failed_pass = pass_;
  return false;
}

}  // namespace hetsim
