// Guaranteed shares in the driver: the claims of guaranteed tenants' waiting jobs, the cards they
// reserve, and the reclaiming of borrowed cards before each scheduling pass
// (sim/run/guarantee_book.hpp, docs/policies.md "Guaranteed shares").
#include <algorithm>
#include <map>
#include <tuple>

#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/run/simulation.hpp"

namespace hetsim {

void Simulation::refresh_guarantees() const {
  if (!guarantees_.stale()) return;
  GuaranteeBook::Inputs in;
  in.cluster = &cluster_;
  in.held = [this](TenantId t, ProviderId p) { return tenant_provider_held(t, p); };
  in.cards = [this](JobId id) { return model_.jobs[id].cards; };
  JobId mask_job = kNoJob;
  uint64_t mask = 0;
  in.may_use = [&](JobId id, PoolId q) {
    const Job& j = model_.jobs[id];
    if (id != mask_job) {  // asked for every pool of one job in a row
      mask_job = id;
      mask = usable_chip_mask(j, model_.chips, model_.perf);
    }
    const Pool& pool = cluster_.pool(q);
    return ((mask >> pool.chip) & 1ULL) && pool.cards() >= j.cards && quota_room(j.tenant, kAnyProvider) >= j.cards &&
           quota_room(j.tenant, pool.provider) >= j.cards;
  };
  in.reclaimable = [this](std::vector<int64_t>& per_pool) {
    const std::size_t pools = cluster_.pool_count();
    for (TenantId t = 0; t < model_.tenants.size(); ++t) {
      for (PoolId q = 0; q < pools; ++q) {
        const int64_t held = tenants_.pool_held(t, q);
        if (held == 0) continue;
        const ProviderId p = cluster_.pool(q).provider;
        const int64_t borrowed = tenant_provider_held(t, p) - guarantees_.guarantee(t, p);
        if (borrowed > 0) per_pool[q] += std::min(held, borrowed);
      }
    }
  };
  in.node_reclaimable = [this](PoolId q, std::vector<std::pair<NodeId, int64_t>>& per_node) {
    // What plan_reclaim could stop on each node for a claim there: per node, each borrowing
    // tenant's runs on it in stopping order while the tenant still borrows.
    const std::vector<GuaranteeBook::Candidate> cands = reclaim_candidates(q);
    const ProviderId p = cluster_.pool(q).provider;
    std::map<std::pair<NodeId, TenantId>, int64_t> left;  // borrowing left per (node, tenant)
    std::map<NodeId, int64_t> cards;
    for (const GuaranteeBook::Candidate& c : cands) {
      for (const auto& [n, k] : c.nodes) {
        auto it =
            left.try_emplace({n, c.tenant}, tenant_provider_held(c.tenant, p) - guarantees_.guarantee(c.tenant, p))
                .first;
        if (it->second <= 0) continue;
        it->second -= c.cards_at_provider;
        cards[n] += k;
      }
    }
    per_node.assign(cards.begin(), cards.end());
  };
  in.priority = [this](JobId id) { return model_.jobs[id].priority; };
  guarantees_.refresh(in);
}

int64_t Simulation::reserved_for_others(TenantId t, PoolId p) const {
  if (!guarantees_.active()) return 0;
  refresh_guarantees();
  return guarantees_.reserved_for_others(t, p);
}

bool Simulation::has_reservations() const {
  if (!guarantees_.active()) return false;
  refresh_guarantees();
  return guarantees_.any_claims();
}

bool Simulation::guaranteed(JobId id) const {
  const TenantId t = model_.jobs.at(id).tenant;
  if (!guarantees_.tracks(t) || state_.at(id) != State::Running) return false;
  for (const NodeGrant& g : alloc_[id]) {
    const ProviderId p = cluster_.node_provider(g.node);
    if (tenant_provider_held(t, p) > guarantees_.guarantee(t, p)) return false;
  }
  return true;
}

void Simulation::reclaim_for_guarantees() {
  // Free cards changed since the last pass (ends, failures, arrivals): claims are made afresh, and
  // claims skipped last pass may be served now.
  guarantees_.clear_skips();
  guarantees_.invalidate();
  refresh_guarantees();
  if (!guarantees_.any_claims()) return;
  // Pools whose claims free cards do not serve: more claimed than free, or a node claimed beyond
  // its free cards.
  const auto short_of_cards = [this](PoolId q) {
    if (guarantees_.reserved(q) > cluster_.pool_free_cards(q)) return true;
    std::map<NodeId, int64_t> on_node;
    for (const GuaranteeBook::Claim& cl : guarantees_.claims()) {
      if (cl.pool == q && cl.node != kNoNode && (on_node[cl.node] += cl.cards) > cluster_.node_free_cards(cl.node))
        return true;
    }
    return false;
  };
  std::vector<PoolId> short_pools;
  for (PoolId q = 0; q < cluster_.pool_count(); ++q) {
    if (guarantees_.reserved(q) > 0 && short_of_cards(q)) short_pools.push_back(q);
  }
  std::vector<int64_t> borrowed(model_.tenants.size());
  const auto node_free = [this](NodeId n) { return static_cast<int64_t>(cluster_.node_free_cards(n)); };
  for (PoolId q : short_pools) {
    // A claim the borrowers cannot serve is skipped (it reserves nothing until the next pass) and
    // the pool planned again for the others; each round serves or skips at least one claim.
    for (std::size_t round = 0; round <= guarantees_.claims().size(); ++round) {
      refresh_guarantees();  // an earlier stop may have moved claims
      if (!short_of_cards(q)) break;
      const ProviderId p = cluster_.pool(q).provider;
      for (TenantId t = 0; t < borrowed.size(); ++t)
        borrowed[t] = tenant_provider_held(t, p) - guarantees_.guarantee(t, p);
      const std::vector<GuaranteeBook::Candidate> cands = reclaim_candidates(q);
      JobId unserved = kNoJob;
      const std::vector<std::size_t> chosen =
          guarantees_.plan_reclaim(q, cluster_.pool_free_cards(q), node_free, cands, borrowed, &unserved);
      for (std::size_t i : chosen) {
        stop_run(cands[i].job, MetricsCollector::Stop::Reclaimed);
        policy_.on_requeue(*this, cands[i].job);
      }
      if (unserved == kNoJob) break;
      guarantees_.skip(unserved);
    }
  }
}

std::vector<GuaranteeBook::Candidate> Simulation::reclaim_candidates(PoolId q) const {
  // Borrowers' runs with cards in the pool: lowest job priority first, then the latest run (the
  // least work since it began), then the highest id.
  const ProviderId p = cluster_.pool(q).provider;
  std::vector<std::tuple<int, int64_t, int64_t>> order;  // (priority, -run start, -id)
  for (const auto& [end, id] : running_) {
    const TenantId t = model_.jobs[id].tenant;
    if (tenant_provider_held(t, p) <= guarantees_.guarantee(t, p)) continue;
    const bool in_pool = std::any_of(alloc_[id].begin(), alloc_[id].end(),
                                     [&](const NodeGrant& g) { return cluster_.node_pool(g.node) == q; });
    if (in_pool) order.emplace_back(model_.jobs[id].priority, -runs_[id].start.us(), -static_cast<int64_t>(id));
  }
  std::sort(order.begin(), order.end());
  std::vector<GuaranteeBook::Candidate> cands;
  cands.reserve(order.size());
  for (const auto& [prio, neg_start, neg_id] : order) {
    const auto id = static_cast<JobId>(-neg_id);
    GuaranteeBook::Candidate c{id, model_.jobs[id].tenant, 0, 0, {}};
    for (const NodeGrant& g : alloc_[id]) {
      const int64_t k = card_count(g.card_mask);
      if (cluster_.node_pool(g.node) == q) {
        c.cards_in_pool += k;
        c.nodes.emplace_back(g.node, k);
      }
      if (cluster_.node_provider(g.node) == p) c.cards_at_provider += k;
    }
    cands.push_back(std::move(c));
  }
  return cands;
}

}  // namespace hetsim
