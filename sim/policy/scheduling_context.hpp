#pragma once
// SchedulingContext: the narrow interface between the simulator and a policy (after Batsim).
// A policy reads the cluster and the jobs through it and acts only by calling start() and, if it
// declares itself preemptive, preempt(); the simulation driver validates every decision (capacity, chip constraints,
// memory, gang all-or-nothing) and throws PolicyViolation, naming the policy and the job, on a bad one. Decisions apply
// immediately, so later queries in the same pass see them.
#include <cstdint>
#include <limits>
#include <set>
#include <span>
#include <utility>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/topology.hpp"
#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/perf/mixed_efficiency.hpp"
#include "hetsim/perf/throughput.hpp"
#include "hetsim/policy/placement/batch_scorer.hpp"

namespace hetsim {

class SchedulingContext {
 public:
  virtual ~SchedulingContext() = default;
  virtual SimTime now() const = 0;
  virtual const Cluster& cluster() const = 0;
  virtual const ChipCatalog& chips() const = 0;
  virtual const Topology& topology() const = 0;
  virtual const PerfParams& perf() const = 0;
  // What the submitter declared (no true length: runtime_estimate_s is the submitter's estimate).
  virtual const JobRequest& job(JobId id) const = 0;
  // The job's true work in steps, for oracle policies only (Policy::oracle); any other caller
  // gets a PolicyViolation.
  virtual uint64_t true_steps(JobId id) const = 0;
  virtual bool is_pending(JobId id) const = 0;
  // Running jobs ordered by (estimated end, id): what EASY's reservation walks.
  virtual const std::set<std::pair<SimTime, JobId>>& running_by_estimated_end() const = 0;
  virtual SimTime estimated_end(JobId running) const = 0;
  virtual const Allocation& allocation_of(JobId running) const = 0;
  // The submitter's runtime estimate, scaled from the reference chip to this allocation by the
  // perf model's predicted step-time ratio. For an allocation of one chip type it depends on the
  // allocation only through its shape (the overload below), so on one node only through the chip.
  virtual double estimated_runtime_s(JobId id, const Allocation& a) const = 0;
  // The same for an allocation of one chip type with shape `shape` (perf/allocation_shape.hpp):
  // equal to estimated_runtime_s(id, a) whenever shape == shape_of(a, cluster(), topology()).
  virtual double estimated_runtime_s(JobId id, const AllocationShape& shape) const = 0;
  // A floor of estimated_runtime_s(id, a) over every allocation `a` of the job's whole gang on
  // chip `chip` alone (perf/throughput.hpp step_time_floor_s): a policy may rule a job out without
  // placing it. Equal to it for jobs of a measured type (their rate depends on the chip only).
  virtual double estimated_runtime_floor_s(JobId id, ChipId chip) const = 0;
  // Bumped by every start and every end: a policy may skip work when nothing changed.
  virtual uint64_t state_version() const = 0;

  // Mixed training: the efficiency of job `id` on a gang spanning the chips of `mix` (ascending
  // chip ids, two or more), > 0 when the job may mix chip types and a plan fits, else 0.
  virtual double mixed_efficiency(JobId, std::span<const ChipCount>) const { return 0; }

  // Steps per second of job `id` alone on its gang of `chip` cards, packed onto as few servers as
  // possible: the measured rate of its job type (scenario `throughputs:`) or the perf model's.
  // 0 when the job may not use the chip or does not fit its memory. The throughput matrix of the
  // round-based policies (sim/policy/rounds).
  virtual double steps_per_s(JobId id, ChipId chip) const = 0;
  // The same on a gang of `cards` cards (an elastic job's other sizes, Job::min_cards..max_cards);
  // 0 also when the size is outside the job's range. Measured types have one rate per card count
  // only: any other size is 0.
  virtual double steps_per_s(JobId id, ChipId chip, uint32_t cards) const = 0;
  // Seconds a job that is stopped now and started again loses to the restart: the checkpoint write
  // and read and the relaunch (sim/perf/checkpoint.hpp), the restart penalty of the resizing
  // policies (Sia).
  virtual double restart_cost_s(JobId) const { return 0; }

  // Data staging (scenario `data_staging:`): estimated seconds to copy job `id`'s data to `site`
  // if it started there now, with the links shared as they are now (TransferNetwork::estimate_s,
  // plus the path's latency). 0 when the data is there already (its data site, or copied by an
  // earlier run), the job has no data, or staging is off; +inf when no path joins the sites.
  virtual double staging_estimate_s(JobId, SiteId) const { return 0; }

  // Tenant quotas (a tenant's `quota` in the scenario): the cards tenant `t` may still take from
  // provider `p`, or over all providers with p == kAnyProvider; INT64_MAX without a limit. A start
  // beyond them is a PolicyViolation.
  static constexpr ProviderId kAnyProvider = std::numeric_limits<ProviderId>::max();
  virtual int64_t quota_room(TenantId, ProviderId) const { return std::numeric_limits<int64_t>::max(); }
  virtual bool has_quotas() const { return false; }
  // Tenant ids run from 0 to tenant_count() - 1 (the scenario's tenants, in its order).
  virtual std::size_t tenant_count() const { return 0; }
  // Tenant budgets (a tenant's `budget`): rent the tenant may still be charged before its jobs may
  // no longer start (+inf without one). A spent budget makes quota_room 0, so the quota rules
  // (holds, placement filters, the driver's check) apply to it unchanged; has_quotas() is true
  // when any tenant has a quota or a budget.
  virtual double budget_left(TenantId) const { return std::numeric_limits<double>::infinity(); }
  // Guaranteed shares (a tenant's `guarantee`; docs/policies.md "Guaranteed shares"): free cards of
  // pool `p` reserved now for other tenants' waiting jobs within their guarantees, which tenant `t`
  // may not take (0 without guarantees); a start that takes them is a PolicyViolation.
  // has_reservations(): whether any cards are reserved now. has_quotas() is also true when some
  // tenant has a guarantee, so placements go through placement_input (context_input.hpp).
  virtual int64_t reserved_for_others(TenantId, PoolId) const { return 0; }
  // Free cards of pool `p` that tenant `t` may take now (negative when claims exceed them).
  int64_t unreserved_free(TenantId t, PoolId p) const {
    return cluster().pool_free_cards(p) - reserved_for_others(t, p);
  }
  virtual bool has_reservations() const { return false; }
  // Whether running job `id`'s tenant holds no more than its guarantee at every provider the job
  // uses: stopping it for another tenant's job would only reserve its cards back for its tenant.
  virtual bool guaranteed(JobId) const { return false; }

  // A batched placement scorer (--device), or null: policies then use the index search.
  virtual BatchScorer* batch_scorer() const { return nullptr; }

  virtual void start(JobId id, Allocation a) = 0;

  // Preemption (docs/policies.md "Preemption"), for policies whose preemptive() is true; any other
  // caller gets a PolicyViolation. preempt() stops running job `id` now, frees its cards and makes
  // it pending again; it keeps its work up to its last checkpoint and pays the restart cost when it
  // starts again (sim/perf/checkpoint.hpp). A job that is not running is a PolicyViolation.
  virtual void preempt(JobId id) = 0;
  // Seconds job `id` has held cards over all its runs so far (its attained service per card).
  virtual double executed_s(JobId id) const = 0;
  // Share of the job's work still to do, in [0, 1], as its progress counter shows it.
  virtual double remaining_fraction(JobId id) const = 0;
  // When the current run of running job `id` began training: its start plus the restart cost
  // (in the future while a resumed job still restores).
  virtual SimTime run_started(JobId id) const = 0;
  // Whether preempting running job `id` now would keep the work of this run: always without
  // periodic checkpoints (the job writes one as it stops), else once a checkpoint has completed.
  virtual bool keeps_work_if_preempted(JobId id) const = 0;

  // Asks for a scheduling pass at `t` (> now) even if nothing arrives or ends then; times past
  // the horizon are ignored, a time already asked for is asked once. A time in the past, or now
  // (the pass now is this one: asking for it would repeat it forever), is a PolicyViolation.
  virtual void wake_at(SimTime t) = 0;
};

}  // namespace hetsim
