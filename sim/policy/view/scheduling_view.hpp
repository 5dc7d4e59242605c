#pragma once
// SchedulingView: one scheduling pass as plain arrays, the boundary a policy written against the
// view sees (after Batsim's decision process: the platform's state in, decisions out). The
// framework builds it from the SchedulingContext and keeps the rules every policy must keep, so a
// policy cannot break them by omission: a start of a job whose tenant's quota, budget or the cards
// reserved for other tenants' guarantees leave it no room is not applied but answered Held (the
// job waits), and a start is placed through the tenant's room (placement_input). The waiting()
// column `held` says which jobs were held as the pass began; a start earlier in the pass can
// change that (a guaranteed tenant's start releases its reservation), so start() decides.
//
// Arrays are columns of equal length, one row per job (or pool, chip, site). waiting() is the
// queue as the pass began, in arrival order (job id); free(), running() and tenants() follow every
// action.
// Times are seconds since the start of the simulation. Capability columns (running().executed_s,
// remaining_fraction) are filled only for policies that declare themselves preemptive, as the
// context's preemption queries are; empty otherwise. Tenant limits (tenants()) only in scenarios
// that set some.
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/model/allocation.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

struct WaitingColumns {
  std::vector<JobId> id;
  std::vector<uint32_t> cards;      // gang size as submitted
  std::vector<uint32_t> min_cards;  // elastic range (both equal to cards for a rigid job)
  std::vector<uint32_t> max_cards;
  std::vector<double> arrival_s;
  std::vector<double> estimate_s;  // the submitter's runtime estimate on the reference chip
  std::vector<int32_t> priority;   // higher first (docs/policies.md "Priorities")
  std::vector<TenantId> tenant;
  std::vector<uint64_t> allowed_chips;  // bit c: chip c allowed, its memory enough at the submitted size
  std::vector<double> mem_per_card_gb;
  std::vector<uint8_t> may_mix_chips;
  std::vector<uint8_t> held;  // 1: its tenant's limits leave it no room as the pass begins
  std::size_t size() const { return id.size(); }

  // Kept across passes by the ViewPolicy, so a pass costs nothing per waiting job but its `held`.
  // insert() puts the job at its arrival (id) place; false if it is there already.
  bool insert(const JobRequest& j, uint64_t usable_chips);
  void erase(JobId id);
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t row_of(JobId id) const;  // npos when absent
};

// Chip and site of a running job: -1 when its gang spans several.
inline constexpr int32_t kSeveral = -1;

struct RunningColumns {
  std::vector<JobId> id;
  std::vector<uint32_t> cards;
  std::vector<int32_t> chip;
  std::vector<int32_t> site;
  std::vector<TenantId> tenant;
  std::vector<int32_t> priority;
  std::vector<double> arrival_s;
  std::vector<double> estimated_end_s;     // from the submitter's estimate, scaled to its allocation
  std::vector<double> executed_s;          // preemptive policies only (else empty): seconds held, all runs
  std::vector<double> remaining_fraction;  // preemptive policies only (else empty): share of work to do
  std::size_t size() const { return id.size(); }
};

// Free whole cards now.
struct FreeColumns {
  std::vector<int64_t> by_chip;  // chip id
  std::vector<int64_t> by_site;  // site id
  std::vector<int64_t> by_pool;  // pool id
};

// The platform's pools (a chip type at a site from a provider): fixed for the run.
struct PoolColumns {
  std::vector<ChipId> chip;
  std::vector<SiteId> site;
  std::vector<ProviderId> provider;
  std::vector<int64_t> cards;
  std::vector<double> price_per_card_hour;
  std::size_t size() const { return chip.size(); }
};

// Tenant limits, one row per tenant id: a capability of the scenario, filled only when some tenant
// has a quota, a budget or a guarantee (SchedulingContext::has_quotas), empty otherwise. The
// framework applies them to every start anyway (Held); these columns let a policy plan with them,
// e.g. skip a tenant with no room before it scores placements.
struct TenantColumns {
  // Room under its overall quota (INT64_MAX: none; 0 once its budget is spent); per-provider quotas
  // show only in room_by_pool.
  std::vector<int64_t> quota_room;
  std::vector<double> budget_left;  // rent it may still be charged; +inf: no budget
  // Row-major (tenant, pool): whole cards of the pool the tenant may take now: free, not reserved
  // for other tenants' guarantees, within its quotas there and overall (0 when none).
  std::vector<int64_t> room_by_pool;
  std::size_t pools = 0;
  std::size_t size() const { return quota_room.size(); }
};

// How a declarative start (job -> chip type, cards) is put on nodes: the placements the C++
// policies take (docs/policies.md "Placement").
struct ViewPlacement {
  PlacementScore score = PlacementScore::FirstFit;
  GangPlacement gangs = GangPlacement::Pool;
};

// What a start did. NoFit: the cards it asked for are not free in one placement now (the job stays
// waiting); Held: its tenant's limits leave it no room now (also waiting).
enum class StartResult { Started, NoFit, Held };
const char* start_result_name(StartResult r);

class SchedulingView {
 public:
  // `waiting`: the policy's queue in arrival order (its `held` column is filled here). `preemptive`:
  // whether the policy declared itself so (its capability columns and preempt()).
  SchedulingView(SchedulingContext& ctx, WaitingColumns& waiting, ViewPlacement placement, bool preemptive);

  SimTime now() const { return ctx_.now(); }
  bool preemptive() const { return preemptive_; }
  double now_s() const { return ctx_.now().seconds(); }
  const WaitingColumns& waiting() const { return waiting_; }
  const RunningColumns& running() const;  // built when first read after a change
  const FreeColumns& free() const;
  const PoolColumns& pools() const;
  const TenantColumns& tenants() const;  // built when first read after a change; see TenantColumns
  std::size_t chip_count() const { return ctx_.chips().size(); }
  const std::string& chip_name(ChipId c) const { return ctx_.chips().at(c).name; }
  const std::string& site_name(SiteId s) const { return ctx_.cluster().site(s).name; }
  const Cluster& cluster() const { return ctx_.cluster(); }

  // Estimates for deciding where a job goes: its runtime on its whole gang of `chip` cards (a floor
  // over the placements: SchedulingContext::estimated_runtime_floor_s), and its measured or
  // modelled steps per second there (+inf and 0 when it may not use the chip or does not fit it). Only of
  // jobs waiting or running (a PolicyViolation for others: the future is not the policy's).
  double estimated_runtime_s(JobId id, ChipId chip) const;
  double steps_per_s(JobId id, ChipId chip, uint32_t cards) const;
  // estimated_runtime_s of every waiting job on every chip, row-major (waiting row, chip id); +inf
  // where the job may not use the chip (WaitingColumns::allowed_chips). Built when first read.
  const std::vector<double>& waiting_runtime_s() const;

  // ---- actions, applied at once: later reads in the pass see them
  // Start a waiting job anywhere its request allows, by the view's placement.
  StartResult start(JobId id);
  // Start it on chip type `chip` only, on `cards` cards (0: its submitted size; an elastic job may
  // take any size in its range). A chip the job may not use, or a size outside its range, is a
  // PolicyViolation: a bug in the policy, not a lack of room.
  StartResult start_on(JobId id, ChipId chip, uint32_t cards);
  // Start it on explicit nodes: `cards[i]` of node `nodes[i]`'s lowest free cards. Held when its
  // tenant's quota or others' reserved cards forbid those cards; otherwise the driver checks it as
  // any start (PolicyViolation when the cards are not free, the chip not allowed, ...).
  StartResult start_on_nodes(JobId id, const std::vector<NodeId>& nodes, const std::vector<uint32_t>& cards);
  // Stop a running job (preemptive policies only); it is waiting again from the next pass on.
  void preempt(JobId id);
  // A pass at `t`, later than now (a pass now is this one: asking for it again would repeat it
  // forever); PolicyViolation otherwise.
  void wake_at(SimTime t);

  // The jobs this pass started and preempted, in order: what the adapter updates its queue from.
  const std::vector<JobId>& started() const { return started_; }
  const std::vector<JobId>& preempted() const { return preempted_; }

 private:
  void require_waiting(JobId id, const char* what) const;
  void require_known(JobId id, ChipId chip, const char* what) const;
  StartResult place(JobId id, const JobRequest& as);
  void commit(JobId id);
  void cards_moved();  // a start or a preemption: the columns that follow actions are stale
  void refresh_running() const;
  void refresh_free() const;
  void refresh_tenants() const;

  SchedulingContext& ctx_;
  ViewPlacement placement_;
  bool preemptive_;
  const WaitingColumns& waiting_;
  std::vector<uint8_t> taken_;  // by waiting row: started in this pass
  mutable RunningColumns running_;
  mutable bool running_stale_ = true;
  mutable bool free_stale_ = true;
  mutable bool tenants_stale_ = true;
  mutable TenantColumns tenants_;
  mutable std::vector<double> waiting_runtime_s_;
  mutable bool waiting_runtime_built_ = false;
  mutable FreeColumns free_;
  mutable PoolColumns pools_;
  std::vector<JobId> started_;
  std::vector<JobId> preempted_;
  Allocation scratch_;
};

}  // namespace hetsim
