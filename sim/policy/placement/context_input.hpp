#pragma once
// The placement input of a job as a policy sees it: the live cluster, chips, perf model and
// topology, the job's tenant's quota room (SchedulingContext::quota_room) and the cards reserved
// for other tenants' guarantees (SchedulingContext::reserved_for_others).
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

// The returned input's provider_room and pool_room point into per-thread buffers: use it before the
// next call on the same thread.
PlacementInput placement_input(const SchedulingContext& ctx, const JobRequest& job);

// Whether allocation `a` keeps the job's tenant within its quotas and off the cards reserved for
// other tenants (for placements that do not filter by them themselves, such as mixed gangs).
bool within_quota(const SchedulingContext& ctx, const JobRequest& job, const Allocation& a);

// Whether the job's tenant's quotas leave it no room now: under `all` (or a spent budget), or at
// every provider with chips the job may use.
bool held_by_quota(const SchedulingContext& ctx, const JobRequest& job);

// Whether, while some cards are reserved for guarantees, the job's usable free cards outside those
// reserved for other tenants are fewer than it needs.
bool blocked_by_reservations(const SchedulingContext& ctx, const JobRequest& job);

// A job held by its tenant's limits: its quotas (or its spent budget) leave it no room
// (held_by_quota), or it does not fit outside the cards reserved for other tenants' guarantees. The
// ordering policies hold it (it neither starts nor blocks the jobs behind it), as Slurm holds
// jobs over a QOS limit; so a job that only reserved cards would fit is not stuck behind one that
// never will while they are reserved.
inline bool tenant_held(const SchedulingContext& ctx, const JobRequest& job) {
  if (!ctx.has_quotas()) return false;
  if (held_by_quota(ctx, job)) return true;
  return ctx.has_reservations() && blocked_by_reservations(ctx, job);
}

}  // namespace hetsim
