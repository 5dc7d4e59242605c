#pragma once
// The placement input of a job as a policy sees it: the live cluster, chips, perf model and
// topology, and the job's tenant's quota room (SchedulingContext::quota_room).
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

// The returned input's provider_room points into a per-thread buffer: use it before the next call
// on the same thread.
PlacementInput placement_input(const SchedulingContext& ctx, const Job& job);

// Whether allocation `a` keeps the job's tenant within its quotas (for placements that do not
// filter by quota themselves, such as mixed gangs).
bool within_quota(const SchedulingContext& ctx, const Job& job, const Allocation& a);

// A job whose tenant's quota over all providers has no room for it now: the ordering policies hold
// it (it neither starts nor blocks the jobs behind it), as Slurm holds jobs over a QOS limit.
inline bool quota_held(const SchedulingContext& ctx, const Job& job) {
  return ctx.has_quotas() && ctx.quota_room(job.tenant, SchedulingContext::kAnyProvider) < job.cards;
}

}  // namespace hetsim
