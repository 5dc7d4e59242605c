#include "hetsim/policy/placement/context_input.hpp"

#include <algorithm>
#include <vector>

namespace hetsim {

PlacementInput placement_input(const SchedulingContext& ctx, const JobRequest& job) {
  PlacementInput in{&ctx.cluster(), &ctx.chips(), &ctx.perf(), &ctx.topology()};
  if (!ctx.has_quotas()) return in;
  thread_local std::vector<int64_t> room;
  const Cluster& c = ctx.cluster();
  room.resize(c.provider_count());
  for (ProviderId p = 0; p < c.provider_count(); ++p) room[p] = ctx.quota_room(job.tenant, p);
  in.provider_room = room;
  in.total_room = ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider);
  if (ctx.has_reservations()) {
    thread_local std::vector<int64_t> pool_room;
    pool_room.resize(c.pool_count());
    for (PoolId p = 0; p < c.pool_count(); ++p) {
      pool_room[p] = std::max<int64_t>(0, ctx.unreserved_free(job.tenant, p));
    }
    in.pool_room = pool_room;
  }
  return in;
}

bool within_quota(const SchedulingContext& ctx, const JobRequest& job, const Allocation& a) {
  if (!ctx.has_quotas()) return true;
  const Cluster& c = ctx.cluster();
  const std::vector<int64_t> take = allocation_cards_by_provider(c, a);
  if (allocation_cards(a) > ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider)) return false;
  for (ProviderId p = 0; p < c.provider_count(); ++p) {
    if (take[p] > 0 && take[p] > ctx.quota_room(job.tenant, p)) return false;
  }
  if (!ctx.has_reservations()) return true;
  const std::vector<int64_t> pool_take = allocation_cards_by_pool(c, a);
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    if (pool_take[p] > 0 && pool_take[p] > ctx.unreserved_free(job.tenant, p)) return false;
  }
  return true;
}

bool held_by_quota(const SchedulingContext& ctx, const JobRequest& job) {
  if (ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider) < job.cards) return true;
  const Cluster& c = ctx.cluster();
  bool all_have_room = true;  // the common case (no per-provider quota) needs no chip check
  for (ProviderId p = 0; p < c.provider_count() && all_have_room; ++p) {
    all_have_room = ctx.quota_room(job.tenant, p) >= job.cards;
  }
  if (all_have_room) return false;
  const uint64_t chips = usable_chip_mask(job, ctx.chips(), ctx.perf());
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (((chips >> pool.chip) & 1ULL) && ctx.quota_room(job.tenant, pool.provider) >= job.cards) return false;
  }
  return true;
}

bool blocked_by_reservations(const SchedulingContext& ctx, const JobRequest& job) {
  const Cluster& c = ctx.cluster();
  const uint64_t chips = usable_chip_mask(job, ctx.chips(), ctx.perf());
  // As placement: the whole job in one pool (with room under the tenant's provider quota), or, for
  // a job that may span sites, in the pools of one chip type together, or, for one that may mix
  // chip types, in the pools of one site together.
  std::vector<int64_t> by_chip(job.allow_cross_site ? c.chip_type_slots() : 0, 0);
  std::vector<int64_t> by_site(job.may_mix_chips ? c.site_count() : 0, 0);
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (!((chips >> pool.chip) & 1ULL) || ctx.quota_room(job.tenant, pool.provider) < job.cards) continue;
    const int64_t room = ctx.unreserved_free(job.tenant, p);
    if (room >= job.cards) return false;
    if (room <= 0) continue;
    if (!by_chip.empty() && (by_chip[pool.chip] += room) >= job.cards) return false;
    if (!by_site.empty() && (by_site[pool.site] += room) >= job.cards) return false;
  }
  return true;
}

}  // namespace hetsim
