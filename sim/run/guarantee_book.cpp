#include "hetsim/run/guarantee_book.hpp"

#include <algorithm>
#include <numeric>

namespace hetsim {

GuaranteeBook::GuaranteeBook(const std::vector<Tenant>& tenants, std::size_t providers, std::size_t pools)
    : providers_(providers), pools_(pools) {
  for (TenantId t = 0; t < tenants.size(); ++t) {
    const std::vector<int64_t>& g = tenants[t].provider_guarantee;
    if (std::none_of(g.begin(), g.end(), [](int64_t cards) { return cards > 0; })) continue;
    if (tenant_index_.empty()) tenant_index_.assign(tenants.size(), -1);
    tenant_index_[t] = static_cast<int>(guaranteed_.size());
    guaranteed_.push_back(t);
    for (ProviderId p = 0; p < providers; ++p) guarantee_.push_back(p < g.size() ? std::max<int64_t>(0, g[p]) : 0);
  }
  pending_.resize(guaranteed_.size());
  reserved_.assign(active() ? pools : 0, 0);
  own_.assign(guaranteed_.size() * pools, 0);
}

int64_t GuaranteeBook::guarantee(TenantId t, ProviderId p) const {
  return tracks(t) ? guarantee_[static_cast<std::size_t>(tenant_index_[t]) * providers_ + p] : 0;
}

void GuaranteeBook::add_pending(TenantId t, JobId id) {
  if (!tracks(t)) return;
  pending_[tenant_index_[t]].insert(id);
  stale_ = true;
}

void GuaranteeBook::remove_pending(TenantId t, JobId id) {
  if (!tracks(t)) return;
  pending_[tenant_index_[t]].erase(id);
  stale_ = true;
}

int64_t GuaranteeBook::reserved_for_others(TenantId t, PoolId p) const {
  if (reserved_.empty()) return 0;
  const int64_t mine = tracks(t) ? own_[static_cast<std::size_t>(tenant_index_[t]) * pools_ + p] : 0;
  return reserved_[p] - mine;
}

void GuaranteeBook::refresh(const Inputs& in, std::size_t max_scan) {
  stale_ = false;
  // Undo the last claims only: a full clear of own_ (tenants x pools) per refresh showed in profiles.
  for (const Claim& cl : claims_) {
    reserved_[cl.pool] = 0;
    own_[static_cast<std::size_t>(tenant_index_[cl.tenant]) * pools_ + cl.pool] = 0;
  }
  claims_.clear();
  const Cluster& c = *in.cluster;
  std::vector<int64_t> reclaimable;  // filled on first need
  std::vector<int64_t> left(providers_);
  for (std::size_t row = 0; row < guaranteed_.size(); ++row) {
    const TenantId t = guaranteed_[row];
    if (pending_[row].empty()) continue;
    int64_t unused = 0;
    for (ProviderId p = 0; p < providers_; ++p) {
      left[p] = std::max<int64_t>(0, guarantee_[row * providers_ + p] - in.held(t, p));
      unused += left[p];
    }
    std::size_t scanned = 0;
    for (auto it = pending_[row].begin(); it != pending_[row].end() && unused > 0 && scanned < max_scan; ++it, ++scanned) {
      const JobId id = *it;
      const int64_t k = in.cards(id);
      // The pool with the most free unreserved cards that hold the job; failing that, the one with
      // the most once its borrowers are stopped. Ties: lowest pool id.
      int best_free = -1, best_reclaim = -1;
      int64_t best_free_room = 0, best_reclaim_room = 0;
      for (PoolId q = 0; q < pools_; ++q) {
        const ProviderId p = c.pool(q).provider;
        if (left[p] < k || !in.may_use(id, q)) continue;
        const int64_t room = c.pool_free_cards(q) - reserved_[q];
        if (room >= k) {
          if (best_free < 0 || room > best_free_room) best_free = static_cast<int>(q), best_free_room = room;
          continue;
        }
        if (best_free >= 0) continue;
        if (reclaimable.empty()) {
          reclaimable.assign(pools_, 0);
          in.reclaimable(reclaimable);
        }
        // Claims already past the pool's free cards have taken their share of its borrowers.
        const int64_t with_borrowers = room + reclaimable[q];
        if (with_borrowers >= k && (best_reclaim < 0 || with_borrowers > best_reclaim_room)) {
          best_reclaim = static_cast<int>(q), best_reclaim_room = with_borrowers;
        }
      }
      // Borrowers are stopped only for a job that cannot start anywhere now: with free cards at
      // another provider it does not need its guarantee yet (and would leave the cards taken back
      // idle if its policy placed it there).
      if (best_free < 0 && best_reclaim >= 0) {
        for (PoolId q = 0; q < pools_; ++q) {
          if (c.pool_free_cards(q) - reserved_[q] >= k && in.may_use(id, q)) {
            best_reclaim = -1;
            break;
          }
        }
      }
      const int chosen = best_free >= 0 ? best_free : best_reclaim;
      if (chosen < 0) continue;  // this job waits like any other; a smaller one may still claim
      const auto q = static_cast<PoolId>(chosen);
      claims_.push_back({id, t, q, static_cast<uint32_t>(k)});
      reserved_[q] += k;
      own_[row * pools_ + q] += k;
      left[c.pool(q).provider] -= k;
      unused -= k;
    }
  }
}

std::vector<std::size_t> GuaranteeBook::plan_reclaim(PoolId p, int64_t free, std::span<const Candidate> ordered,
                                                     std::vector<int64_t>& borrowed) const {
  std::vector<int64_t> claim_prefix;  // cumulative cards of the pool's claims, in order
  for (const Claim& cl : claims_) {
    if (cl.pool == p) claim_prefix.push_back((claim_prefix.empty() ? 0 : claim_prefix.back()) + cl.cards);
  }
  std::vector<std::size_t> chosen;
  if (claim_prefix.empty() || claim_prefix.back() <= free) return chosen;
  std::vector<int64_t> freed_after;  // free cards after each chosen candidate
  int64_t freed = free;
  std::vector<int64_t> trial = borrowed;
  for (std::size_t i = 0; i < ordered.size() && freed < claim_prefix.back(); ++i) {
    const Candidate& v = ordered[i];
    if (trial[v.tenant] <= 0 || v.cards_in_pool <= 0) continue;  // not borrowing (any more)
    trial[v.tenant] -= v.cards_at_provider;
    freed += v.cards_in_pool;
    chosen.push_back(i);
    freed_after.push_back(freed);
  }
  // The longest prefix of the claims the freed cards serve, and the fewest stops that serve it.
  const auto served = std::upper_bound(claim_prefix.begin(), claim_prefix.end(), freed) - claim_prefix.begin();
  if (served == 0) return {};
  const int64_t need = claim_prefix[static_cast<std::size_t>(served) - 1];
  std::size_t keep = 0;
  while (keep < chosen.size() && (keep == 0 ? free : freed_after[keep - 1]) < need) ++keep;
  chosen.resize(keep);
  for (std::size_t i : chosen) borrowed[ordered[i].tenant] -= ordered[i].cards_at_provider;
  return chosen;
}

}  // namespace hetsim
