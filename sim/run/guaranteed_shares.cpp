// Guaranteed shares (guaranteed_shares.hpp): the claims brought up to date from the run's state,
// the cards they reserve, the reclaiming of borrowed cards and the part's invariants.
#include "hetsim/run/guaranteed_shares.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "hetsim/policy/placement/placement.hpp"

namespace hetsim {

void GuaranteedShares::set_waiting(TenantId t, JobId id, bool waiting) {
  if (waiting) {
    book_.add_pending(t, id);
  } else {
    book_.remove_pending(t, id);
  }
}

void GuaranteedShares::refresh() const {
  if (!book_.stale()) return;
  const Cluster& cluster = *s_.cluster;
  const std::vector<Job>& jobs = *s_.jobs;
  GuaranteeBook::Inputs in;
  in.cluster = &cluster;
  in.held = [this](TenantId t, ProviderId p) { return held(t, p); };
  in.cards = [&jobs](JobId id) { return jobs[id].cards; };
  const double now_s = s_.now_s();
  JobId mask_job = kNoJob;
  uint64_t mask = 0;
  in.may_use = [&](JobId id, PoolId q) {
    const Job& j = jobs[id];
    if (id != mask_job) {  // asked for every pool of one job in a row
      mask_job = id;
      mask = usable_chip_mask(j, *s_.chips, *s_.perf);
    }
    const Pool& pool = cluster.pool(q);
    return ((mask >> pool.chip) & 1ULL) && pool.cards() >= j.cards &&
           s_.ledger->quota_room(j.tenant, TenantLedger::kAnyProvider, now_s) >= j.cards &&
           s_.ledger->quota_room(j.tenant, pool.provider, now_s) >= j.cards;
  };
  in.reclaimable = [&](std::vector<int64_t>& per_pool) {
    const std::size_t pools = cluster.pool_count();
    for (TenantId t = 0; t < s_.tenants->size(); ++t) {
      for (PoolId q = 0; q < pools; ++q) {
        const int64_t in_pool = s_.ledger->pool_held(t, q);
        if (in_pool == 0) continue;
        const ProviderId p = cluster.pool(q).provider;
        const int64_t lent = borrowed(t, p);
        if (lent > 0) per_pool[q] += std::min(in_pool, lent);
      }
    }
  };
  in.node_reclaimable = [&](PoolId q, std::vector<std::pair<NodeId, int64_t>>& per_node) {
    // What plan_reclaim could stop on each node for a claim there: per node, each borrowing
    // tenant's runs on it in stopping order while the tenant still borrows.
    const std::vector<GuaranteeBook::Candidate> cands = candidates(q);
    const ProviderId p = cluster.pool(q).provider;
    std::map<std::pair<NodeId, TenantId>, int64_t> left;  // borrowing left per (node, tenant)
    std::map<NodeId, int64_t> cards;
    for (const GuaranteeBook::Candidate& c : cands) {
      for (const auto& [n, k] : c.nodes) {
        auto it = left.try_emplace({n, c.tenant}, borrowed(c.tenant, p)).first;
        if (it->second <= 0) continue;
        it->second -= c.cards_at_provider;
        cards[n] += k;
      }
    }
    per_node.assign(cards.begin(), cards.end());
  };
  in.priority = [&jobs](JobId id) { return jobs[id].priority; };
  book_.refresh(in);
}

int64_t GuaranteedShares::reserved_for_others(TenantId t, PoolId p) const {
  if (!book_.active()) return 0;
  refresh();
  return book_.reserved_for_others(t, p);
}

bool GuaranteedShares::has_reservations() const {
  if (!book_.active()) return false;
  refresh();
  return book_.any_claims();
}

bool GuaranteedShares::within_guarantee(JobId id) const {
  const TenantId t = s_.jobs->at(id).tenant;
  const Allocation& grants = s_.grants->at(id);
  if (!book_.tracks(t) || grants.empty()) return false;
  for (const NodeGrant& g : grants) {
    const ProviderId p = s_.cluster->node_provider(g.node);
    if (borrowed(t, p) > 0) return false;
  }
  return true;
}

void GuaranteedShares::reclaim(const std::function<void(JobId)>& stop) {
  const Cluster& cluster = *s_.cluster;
  // Free cards changed since the last pass (ends, failures, arrivals): claims are made afresh, and
  // claims skipped last pass may be served now.
  book_.clear_skips();
  book_.invalidate();
  refresh();
  if (!book_.any_claims()) return;
  // Pools whose claims free cards do not serve: more claimed than free, or a node claimed beyond
  // its free cards.
  const auto short_of_cards = [&](PoolId q) {
    if (book_.reserved(q) > cluster.pool_free_cards(q)) return true;
    std::map<NodeId, int64_t> on_node;
    for (const GuaranteeBook::Claim& cl : book_.claims()) {
      if (cl.pool == q && cl.node != kNoNode && (on_node[cl.node] += cl.cards) > cluster.node_free_cards(cl.node))
        return true;
    }
    return false;
  };
  std::vector<PoolId> short_pools;
  for (PoolId q = 0; q < cluster.pool_count(); ++q) {
    if (book_.reserved(q) > 0 && short_of_cards(q)) short_pools.push_back(q);
  }
  std::vector<int64_t> borrowing(s_.tenants->size());
  const auto node_free = [&](NodeId n) { return static_cast<int64_t>(cluster.node_free_cards(n)); };
  for (PoolId q : short_pools) {
    // A claim the borrowers cannot serve is skipped (it reserves nothing until the next pass) and
    // the pool planned again for the others; each round serves or skips at least one claim.
    for (std::size_t round = 0; round <= book_.claims().size(); ++round) {
      refresh();  // an earlier stop may have moved claims
      if (!short_of_cards(q)) break;
      const ProviderId p = cluster.pool(q).provider;
      for (TenantId t = 0; t < borrowing.size(); ++t) borrowing[t] = borrowed(t, p);
      const std::vector<GuaranteeBook::Candidate> cands = candidates(q);
      JobId unserved = kNoJob;
      const std::vector<std::size_t> chosen =
          book_.plan_reclaim(q, cluster.pool_free_cards(q), node_free, cands, borrowing, &unserved);
      for (std::size_t i : chosen) stop(cands[i].job);
      if (unserved == kNoJob) break;
      book_.skip(unserved);
    }
  }
}

std::vector<GuaranteeBook::Candidate> GuaranteedShares::candidates(PoolId q) const {
  // Borrowers' runs with cards in the pool: lowest job priority first, then the latest run (the
  // least work since it began), then the highest id.
  const Cluster& cluster = *s_.cluster;
  const std::vector<Job>& jobs = *s_.jobs;
  const std::vector<Allocation>& grants = *s_.grants;
  const ProviderId p = cluster.pool(q).provider;
  std::vector<std::tuple<int, int64_t, int64_t>> order;  // (priority, -run start, -id)
  for (const auto& [end, id] : *s_.running) {
    const TenantId t = jobs[id].tenant;
    if (borrowed(t, p) <= 0) continue;
    const bool in_pool = std::any_of(grants[id].begin(), grants[id].end(),
                                     [&](const NodeGrant& g) { return cluster.node_pool(g.node) == q; });
    if (in_pool) order.emplace_back(jobs[id].priority, -(*s_.runs)[id].start.us(), -static_cast<int64_t>(id));
  }
  std::sort(order.begin(), order.end());
  std::vector<GuaranteeBook::Candidate> cands;
  cands.reserve(order.size());
  for (const auto& [prio, neg_start, neg_id] : order) {
    const auto id = static_cast<JobId>(-neg_id);
    GuaranteeBook::Candidate c{id, jobs[id].tenant, 0, 0, {}};
    for (const NodeGrant& g : grants[id]) {
      const int64_t k = card_count(g.card_mask);
      if (cluster.node_pool(g.node) == q) {
        c.cards_in_pool += k;
        c.nodes.emplace_back(g.node, k);
      }
      if (cluster.node_provider(g.node) == p) c.cards_at_provider += k;
    }
    cands.push_back(std::move(c));
  }
  return cands;
}

std::string GuaranteedShares::check(const std::function<bool(JobId)>& waiting) const {
  if (!book_.active()) return "";
  const std::vector<Job>& jobs = *s_.jobs;
  const std::vector<Tenant>& tenants = *s_.tenants;
  // The book's incremental state against a recount: each guaranteed tenant's waiting jobs.
  std::vector<std::size_t> count(tenants.size(), 0);  // one pass over the jobs
  for (JobId id = 0; id < jobs.size(); ++id) count[jobs[id].tenant] += waiting(id) ? 1 : 0;
  for (TenantId t = 0; t < tenants.size(); ++t) {
    if (!book_.tracks(t)) continue;
    for (JobId id : book_.pending_of(t)) {
      if (!waiting(id) || jobs[id].tenant != t)
        return "job " + std::to_string(id) + " is recorded waiting for its guarantee but is not";
    }
    if (count[t] != book_.pending_of(t).size()) {
      return "tenant " + tenants[t].name + " has " + std::to_string(count[t]) + " waiting jobs, recorded " +
             std::to_string(book_.pending_of(t).size());
    }
  }
  if (book_.stale()) return "";
  // Current claims only ever reserve a tenant's unused guarantee.
  const Cluster& cluster = *s_.cluster;
  std::vector<int64_t> claimed(tenants.size() * cluster.provider_count(), 0);
  for (const GuaranteeBook::Claim& cl : book_.claims()) {
    if (!waiting(cl.job)) return "job " + std::to_string(cl.job) + " claims cards but is not waiting";
    const ProviderId p = cluster.pool(cl.pool).provider;
    claimed[cl.tenant * cluster.provider_count() + p] += cl.cards;
    if (held(cl.tenant, p) + claimed[cl.tenant * cluster.provider_count() + p] > book_.guarantee(cl.tenant, p)) {
      return "tenant " + tenants[cl.tenant].name + " claims more than its guarantee at provider " +
             cluster.provider(p).name;
    }
  }
  return "";
}

}  // namespace hetsim
