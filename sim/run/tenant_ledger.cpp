#include "hetsim/run/tenant_ledger.hpp"

#include <algorithm>

namespace hetsim {

TenantLedger::TenantLedger(const Cluster& cluster, const std::vector<Tenant>& tenants, std::size_t jobs, bool per_pool)
    : cluster_(&cluster), tenants_(&tenants), providers_(cluster.provider_count()), pools_(cluster.pool_count()) {
  const bool limits =
      std::any_of(tenants.begin(), tenants.end(), [](const Tenant& t) { return t.has_quota() || t.has_budget(); });
  if (per_pool) pool_held_.assign(tenants.size() * pools_, 0);
  if (!limits && !per_pool) return;
  held_.assign(tenants.size(), 0);
  provider_held_.assign(tenants.size() * providers_, 0);
  rent_closed_.assign(tenants.size(), 0.0);
  rent_rate_.assign(tenants.size(), 0.0);
  rent_base_.assign(tenants.size(), 0.0);
  job_rent_base_.assign(jobs, 0.0);
}

void TenantLedger::hold(JobId id, TenantId t, const Allocation& a, int sign, double now_s) {
  if (!active()) return;
  for (const NodeGrant& g : a) {
    const int64_t k = sign * card_count(g.card_mask);
    held_[t] += k;
    provider_held_[t * providers_ + cluster_->node_provider(g.node)] += k;
    if (!pool_held_.empty()) pool_held_[t * pools_ + cluster_->node_pool(g.node)] += k;
  }
  const double rate = allocation_rent_per_s(*cluster_, a);
  if (sign > 0) {
    job_rent_base_[id] = rate * now_s;
    rent_rate_[t] += rate;
    rent_base_[t] += job_rent_base_[id];
  } else {
    rent_closed_[t] += rate * now_s - job_rent_base_[id];
    rent_rate_[t] -= rate;
    rent_base_[t] -= job_rent_base_[id];
  }
}

double TenantLedger::budget_left(TenantId t, double now_s) const {
  const Tenant& tenant = tenants_->at(t);
  if (!active() || !tenant.has_budget()) return std::numeric_limits<double>::infinity();
  const double spent = rent_closed_[t] + rent_rate_[t] * now_s - rent_base_[t];
  return tenant.budget - spent;
}

int64_t TenantLedger::quota_room(TenantId t, ProviderId p, double now_s) const {
  if (!active()) return kUnlimited;
  const Tenant& tenant = tenants_->at(t);
  if (!(budget_left(t, now_s) > 0)) return 0;  // a spent budget leaves room for no card
  if (p == kAnyProvider) return tenant.quota_cards < 0 ? kUnlimited : tenant.quota_cards - held_[t];
  if (tenant.provider_quota.empty() || tenant.provider_quota.at(p) < 0) return kUnlimited;
  return tenant.provider_quota[p] - provider_held_[t * providers_ + p];
}

std::string TenantLedger::recount(const std::vector<std::pair<TenantId, const Allocation*>>& holding) const {
  if (!active()) return "";
  std::vector<int64_t> held(held_.size(), 0), pool_held(pool_held_.size(), 0);
  for (const auto& [t, a] : holding) {
    for (const NodeGrant& g : *a) {
      held[t] += card_count(g.card_mask);
      if (!pool_held.empty()) pool_held[t * pools_ + cluster_->node_pool(g.node)] += card_count(g.card_mask);
    }
  }
  const std::vector<Tenant>& tenants = *tenants_;
  for (TenantId t = 0; t < held.size(); ++t) {
    if (held[t] != held_[t])
      return "tenant " + tenants[t].name + " holds " + std::to_string(held[t]) + " cards, counted " +
             std::to_string(held_[t]);
    if (tenants[t].quota_cards >= 0 && held[t] > tenants[t].quota_cards)
      return "tenant " + tenants[t].name + " is over its quota";
  }
  if (pool_held != pool_held_) return "the cards held per tenant and pool differ from their recount";
  return "";
}

}  // namespace hetsim
