#include "hetsim/policy/placement/context_input.hpp"

#include <vector>

namespace hetsim {

PlacementInput placement_input(const SchedulingContext& ctx, const Job& job) {
  PlacementInput in{&ctx.cluster(), &ctx.chips(), &ctx.perf(), &ctx.topology()};
  if (!ctx.has_quotas()) return in;
  thread_local std::vector<int64_t> room;
  const Cluster& c = ctx.cluster();
  room.resize(c.provider_count());
  for (ProviderId p = 0; p < c.provider_count(); ++p) room[p] = ctx.quota_room(job.tenant, p);
  in.provider_room = room;
  in.total_room = ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider);
  return in;
}

bool within_quota(const SchedulingContext& ctx, const Job& job, const Allocation& a) {
  if (!ctx.has_quotas()) return true;
  const Cluster& c = ctx.cluster();
  std::vector<int64_t> take(c.provider_count(), 0);
  int64_t total = 0;
  for (const NodeGrant& g : a) {
    const int k = __builtin_popcount(g.card_mask);
    take[c.node_provider(g.node)] += k;
    total += k;
  }
  if (total > ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider)) return false;
  for (ProviderId p = 0; p < c.provider_count(); ++p) {
    if (take[p] > 0 && take[p] > ctx.quota_room(job.tenant, p)) return false;
  }
  return true;
}

}  // namespace hetsim
