#pragma once
// GuaranteedShares: the driver's part for guaranteed shares (docs/policies.md "Guaranteed
// shares"). It owns the claims (GuaranteeBook: which waiting jobs of guaranteed tenants reserve
// which cards) and the reclaiming: before each scheduling pass, under every policy, it stops the
// borrowers' runs where free cards cannot serve the claims. It is a rule of the platform, not a
// policy's choice, which is why it runs outside the policy, as the quotas do.
//
// It reads the run through `RunState` (pointers to the driver's parts) and stops runs through
// the callback given to reclaim(), so it is tested without a Simulation
// (tests/run/guaranteed_shares_test.cpp). Everything here is integer arithmetic in a fixed order:
// deterministic.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/tenant.hpp"
#include "hetsim/perf/throughput.hpp"
#include "hetsim/run/guarantee_book.hpp"
#include "hetsim/run/run_book.hpp"
#include "hetsim/run/tenant_ledger.hpp"

namespace hetsim {

class GuaranteedShares {
 public:
  // What the shares read of the run. What each pointer points to must outlive this part; the
  // driver sets them once (attach) to its own members.
  struct RunState {
    const Cluster* cluster = nullptr;                              // live: free cards per pool and node
    const std::vector<Job>* jobs = nullptr;                        // cards, tenant, priority, chips
    const std::vector<Tenant>* tenants = nullptr;                  // names, for the invariant messages
    const ChipCatalog* chips = nullptr;                            // with perf: the chips a job can use
    const PerfParams* perf = nullptr;                              //
    const TenantLedger* ledger = nullptr;                          // cards held per tenant, provider, pool; quota room
    const std::vector<Allocation>* grants = nullptr;               // each running job's cards
    const std::set<std::pair<SimTime, JobId>>* running = nullptr;  // the running jobs
    const RunBook* runs = nullptr;                                 // when each run began
    std::function<double()> now_s;                                 // the clock, for the quota room
  };

  GuaranteedShares() = default;
  // Not copied: a copy would read the run of the original. Moved only before attach().
  GuaranteedShares(const GuaranteedShares&) = delete;
  GuaranteedShares& operator=(const GuaranteedShares&) = delete;
  GuaranteedShares(GuaranteedShares&&) = default;
  GuaranteedShares& operator=(GuaranteedShares&&) = default;
  GuaranteedShares(const std::vector<Tenant>& tenants, std::size_t providers, std::size_t pools)
      : book_(tenants, providers, pools) {}
  void attach(RunState s) { s_ = std::move(s); }

  bool active() const { return book_.active(); }
  bool tracks(TenantId t) const { return book_.tracks(t); }

  // The run's changes that move claims: a guaranteed tenant's job started or stopped waiting, or
  // the cards a tenant holds changed.
  void set_waiting(TenantId t, JobId id, bool waiting);
  void holdings_changed(TenantId t) {
    if (book_.tracks(t)) book_.invalidate();
  }

  // For the policies (SchedulingContext): the cards of pool `p` claimed by tenants other than `t`,
  // and whether anything is claimed at all.
  int64_t reserved_for_others(TenantId t, PoolId p) const;
  bool has_reservations() const;
  // Whether job `id` runs (holds cards) and its tenant holds, at every provider the run uses, no
  // more than its guarantee there (stopping it would only give the tenant a claim on the same
  // cards).
  bool within_guarantee(JobId id) const;

  // Before a scheduling pass: claims are made afresh and, in each pool whose free cards cannot
  // serve its claims, borrowers' runs are stopped (`stop(job)`: the driver stops the run and
  // requeues it) in the order GuaranteeBook::plan_reclaim chooses. A claim no stop can serve is
  // skipped until the next pass.
  void reclaim(const std::function<void(JobId)>& stop);

  // The invariants of this part ("" when consistent): the waiting jobs recorded per guaranteed
  // tenant against `waiting` (the driver's job states), and current claims only ever reserving a
  // tenant's unused guarantee.
  std::string check(const std::function<bool(JobId)>& waiting) const;

 private:
  void refresh() const;
  int64_t held(TenantId t, ProviderId p) const { return s_.ledger->provider_held(t, p); }
  // Cards tenant `t` holds at provider `p` beyond its guarantee there (borrowing while > 0).
  int64_t borrowed(TenantId t, ProviderId p) const { return held(t, p) - book_.guarantee(t, p); }
  // Running jobs of tenants borrowing at pool `q`'s provider that hold cards in `q`, in the order
  // reclaiming stops them.
  std::vector<GuaranteeBook::Candidate> candidates(PoolId q) const;

  RunState s_;
  // The claims are refreshed lazily (after any change of a guaranteed tenant's jobs), hence
  // mutable: queries see them current.
  mutable GuaranteeBook book_;
};

}  // namespace hetsim
