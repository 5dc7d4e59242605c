#pragma once
// TenantLedger: what each tenant holds and has been charged, for the limits the driver enforces
// on every policy (docs/policies.md "Tenant quotas", "Guaranteed shares"): cards held in all, per
// provider and (with guarantees) per pool, and rent charged so far, kept incrementally as runs
// start and stop. Answers the room a tenant's quotas and budget leave it. Inactive (every answer
// "no limit", nothing kept) when no tenant has a quota, a budget or a guarantee.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "hetsim/model/allocation.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/ids.hpp"
#include "hetsim/model/tenant.hpp"

namespace hetsim {

class TenantLedger {
 public:
  static constexpr ProviderId kAnyProvider = std::numeric_limits<ProviderId>::max();
  static constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

  TenantLedger() = default;
  // `cluster` (static facts: node providers and pools, prices) and `tenants` must outlive it.
  // Active when some tenant has a quota, a budget or (per_pool) a guarantee; per_pool also keeps
  // the cards per (tenant, pool) the guarantees need.
  TenantLedger(const Cluster& cluster, const std::vector<Tenant>& tenants, std::size_t jobs, bool per_pool);

  bool active() const { return !held_.empty(); }

  // Job `id` of tenant `t` starts (sign +1) or stops (-1) holding `a` at `now_s`: its cards count
  // for the tenant, and its rent runs from its start to its stop.
  void hold(JobId id, TenantId t, const Allocation& a, int sign, double now_s);

  // Rent the tenant may still be charged at `now_s` (+inf without a budget or when inactive).
  double budget_left(TenantId t, double now_s) const;
  // Cards tenant `t` may still take from provider `p` (kAnyProvider: in all) at `now_s`:
  // kUnlimited without a limit, 0 once its budget is spent.
  int64_t quota_room(TenantId t, ProviderId p, double now_s) const;

  int64_t held(TenantId t) const { return held_[t]; }
  int64_t provider_held(TenantId t, ProviderId p) const { return provider_held_[t * providers_ + p]; }
  // With per_pool only.
  int64_t pool_held(TenantId t, PoolId q) const { return pool_held_[t * pools_ + q]; }
  bool per_pool() const { return !pool_held_.empty(); }

  // The incremental counts against a recount from the allocations that are held now (one per
  // running job, with its tenant), and the quotas: "" when they agree, else the first difference.
  std::string recount(const std::vector<std::pair<TenantId, const Allocation*>>& holding) const;

 private:
  const Cluster* cluster_ = nullptr;
  const std::vector<Tenant>* tenants_ = nullptr;
  std::size_t providers_ = 0, pools_ = 0;
  std::vector<int64_t> held_, provider_held_, pool_held_;
  // Rent charged so far = closed runs + rate x now - the sum of rate x start over the open ones,
  // per tenant; and each running job's rate x start.
  std::vector<double> rent_closed_, rent_rate_, rent_base_, job_rent_base_;
};

}  // namespace hetsim
