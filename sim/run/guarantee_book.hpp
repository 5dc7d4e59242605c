#pragma once
// GuaranteeBook: the driver's ledger of guaranteed shares (a tenant's `guarantee` in the scenario,
// docs/policies.md "Guaranteed shares").
//
// A guarantee reserves G cards of one provider for a tenant. Other tenants may use ("borrow") the
// reserved cards while the owner does not need them. The owner needs them when it has waiting jobs
// that fit within its unused guarantee (G minus the cards it holds there): each such job, by
// priority and then job id over all guaranteed tenants, *claims* its cards in one pool of that provider (a job that
// fits one node: on one node of it). Claimed cards are reserved: no other tenant may take them. A
// claim is made where free, unreserved cards hold the job; failing that, where free cards plus the
// cards of borrowers (tenants holding more of the provider than their own guarantee, 0 for tenants
// without one) do, and the driver then takes those back by preempting borrowers (plan_reclaim);
// but never for a job that free, unreserved cards of some pool (at any provider) could take now.
//
// Guarantees are card counts per provider, like the quotas. Claims of jobs that fit one node
// target a node, so stopping borrowers frees cards where the job can use them; a gang's claim
// counts the pool's cards. Everything here is integer arithmetic in a fixed order: deterministic.
#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <vector>

#include "hetsim/model/cluster.hpp"
#include "hetsim/model/ids.hpp"
#include "hetsim/model/tenant.hpp"

namespace hetsim {

class GuaranteeBook {
 public:
  // What a refresh reads from the driver. `cluster` is the live one (free cards per pool).
  struct Inputs {
    const Cluster* cluster = nullptr;
    std::function<int64_t(TenantId, ProviderId)> held;  // cards the tenant holds there now
    std::function<uint32_t(JobId)> cards;               // cards the waiting job asks for
    // Whether the job could run in the pool (its chips, memory and size) and its tenant's quotas
    // and budget leave it room: a claim it could never use would only idle cards.
    std::function<bool(JobId, PoolId)> may_use;
    // Per pool id, the cards borrowers could give back now (per tenant borrowing at the pool's
    // provider, the lesser of its cards in the pool and what it borrows); asked at most once.
    std::function<void(std::vector<int64_t>&)> reclaimable;
    // Per node of pool `p`, the cards of borrowers' jobs on it (nodes without any left out); asked
    // at most once per pool and refresh, for jobs that fit one node.
    std::function<void(PoolId, std::vector<std::pair<NodeId, int64_t>>&)> node_reclaimable;
    // The job's priority (Job::priority); claims are served by priority, then job id. Optional.
    std::function<int(JobId)> priority;
  };

  struct Claim {
    JobId job = 0;
    TenantId tenant = 0;
    PoolId pool = 0;
    uint32_t cards = 0;
    NodeId node = kNoNode;  // a job that fits one node: the node it is to go to
  };

  GuaranteeBook() = default;
  GuaranteeBook(const std::vector<Tenant>& tenants, std::size_t providers, std::size_t pools);

  bool active() const { return !tenant_index_.empty(); }
  bool tracks(TenantId t) const { return t < tenant_index_.size() && tenant_index_[t] >= 0; }
  int64_t guarantee(TenantId t, ProviderId p) const;

  // Waiting jobs of guaranteed tenants (other tenants' jobs are ignored). Any change makes the
  // claims stale until the next refresh.
  void add_pending(TenantId t, JobId id);
  void remove_pending(TenantId t, JobId id);
  void invalidate() { stale_ = true; }
  // A claim reclaiming could not serve: the job claims nothing until clear_skips() (the driver's
  // next reclaim step), so its reservation does not idle cards meanwhile.
  void skip(JobId id) {
    skipped_.insert(id);
    stale_ = true;
  }
  void clear_skips() {
    if (!skipped_.empty()) stale_ = true;
    skipped_.clear();
  }
  bool stale() const { return stale_; }

  // Recomputes the claims from scratch: guaranteed tenants in id order, each one's waiting jobs in
  // id order, until its unused guarantee is spent. Scans at most `max_scan` waiting jobs per tenant.
  void refresh(const Inputs& in, std::size_t max_scan = 4096);

  // Cards of pool `p` claimed by tenants other than `t` (what `t` may not take).
  int64_t reserved_for_others(TenantId t, PoolId p) const;
  int64_t reserved(PoolId p) const { return reserved_.empty() ? 0 : reserved_[p]; }
  bool any_claims() const { return !claims_.empty(); }
  // In the order made (so, per pool, the order in which reclaiming serves them).
  const std::vector<Claim>& claims() const { return claims_; }

  // A running job that reclaiming may stop, in the order it would be stopped.
  struct Candidate {
    JobId job = 0;
    TenantId tenant = 0;
    int64_t cards_in_pool = 0;                      // its cards in the pool being reclaimed
    int64_t cards_at_provider = 0;                  // its cards at that pool's provider
    std::vector<std::pair<NodeId, int64_t>> nodes;  // its cards on each node of the pool
  };
  // Which candidates (indices into `ordered`) to stop so that pool `p` can serve its claims, in
  // order: a node claim needs its node's free cards (`node_free`) to hold the job, a gang claim
  // the pool's (`free`). Each claim takes the first candidates in order that free cards where it
  // needs them; a candidate is eligible only while its tenant still borrows (`borrowed`: held
  // minus guarantee per tenant id, updated as candidates are chosen), so a whole job's stop may
  // leave its tenant below its guarantee by less than that job's cards. Only the stops that serve
  // the longest prefix of the claims are kept: none when not even the first can be served, so no
  // run is stopped for nothing.
  // `*unserved` is set to the job of the first claim that cannot be served (kNoJob: none).
  std::vector<std::size_t> plan_reclaim(PoolId p, int64_t free, const std::function<int64_t(NodeId)>& node_free,
                                        std::span<const Candidate> ordered, std::vector<int64_t>& borrowed,
                                        JobId* unserved = nullptr) const;

  // For the driver's invariant checks: the waiting jobs recorded for guaranteed tenant `t`.
  const std::set<JobId>& pending_of(TenantId t) const { return pending_[static_cast<std::size_t>(tenant_index_[t])]; }

 private:
  std::vector<int> tenant_index_;         // tenant id -> row of guarantee_/own_, -1: none
  std::vector<TenantId> guaranteed_;      // rows' tenant ids, ascending
  std::vector<int64_t> guarantee_;        // row x provider
  std::vector<std::set<JobId>> pending_;  // per row
  std::size_t providers_ = 0, pools_ = 0;
  std::vector<Claim> claims_;
  std::vector<int64_t> reserved_;  // per pool, all claims
  std::vector<int64_t> own_;       // row x pool
  std::set<JobId> skipped_;        // claims reclaiming could not serve (skip())
  // refresh()'s scratch: unused guarantee per row and provider, per row, the rows set, the queue.
  std::vector<int64_t> left_, unused_;
  std::vector<std::size_t> rows_set_;
  std::vector<std::pair<JobId, std::size_t>> queue_;
  bool stale_ = true;
};

}  // namespace hetsim
