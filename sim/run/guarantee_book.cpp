#include "hetsim/run/guarantee_book.hpp"

#include <algorithm>
#include <map>
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
  // Each guaranteed tenant's unused guarantee per provider, and its first waiting jobs; the jobs of
  // all tenants are served in id (arrival) order.
  // Scratch kept between refreshes (a refresh runs after every start of a guaranteed tenant's job):
  // only the rows set last time are cleared.
  std::vector<int64_t>& left = left_;
  std::vector<int64_t>& unused = unused_;
  left.resize(guaranteed_.size() * providers_, 0);
  unused.resize(guaranteed_.size(), 0);
  for (std::size_t row : rows_set_) unused[row] = 0;
  rows_set_.clear();
  std::vector<std::pair<JobId, std::size_t>>& queue = queue_;
  queue.clear();
  for (std::size_t row = 0; row < guaranteed_.size(); ++row) {
    if (pending_[row].empty()) continue;
    rows_set_.push_back(row);
    const TenantId t = guaranteed_[row];
    for (ProviderId p = 0; p < providers_; ++p) {
      left[row * providers_ + p] = std::max<int64_t>(0, guarantee_[row * providers_ + p] - in.held(t, p));
      unused[row] += left[row * providers_ + p];
    }
    if (unused[row] == 0) continue;
    std::size_t scanned = 0;
    for (auto it = pending_[row].begin(); it != pending_[row].end() && scanned < max_scan; ++it, ++scanned) {
      if (skipped_.count(*it) == 0) queue.emplace_back(*it, row);
    }
  }
  if (queue.empty()) return;
  // By priority (higher first), then job id (arrival).
  if (in.priority) {
    std::sort(queue.begin(), queue.end(), [&](const auto& a, const auto& b) {
      const int pa = in.priority(a.first), pb = in.priority(b.first);
      return pa != pb ? pa > pb : a.first < b.first;
    });
  } else {
    std::sort(queue.begin(), queue.end());
  }
  std::vector<int64_t> reclaimable;                                         // per pool, filled on first need
  std::map<PoolId, std::vector<std::pair<NodeId, int64_t>>> node_borrowed;  // likewise, per pool
  std::map<NodeId, int64_t> earmarked;  // cards of node claims made so far, per node
  const auto earmark = [&](NodeId n) {
    const auto it = earmarked.find(n);
    return it == earmarked.end() ? int64_t{0} : it->second;
  };
  for (const auto& [id, row] : queue) {
    if (unused[row] == 0) continue;
    const int64_t k = in.cards(id);
    // A free place: the pool (and, for a job that fits one node, the node) with the most free
    // unreserved cards that holds the job. Ties: lowest pool id, then lowest node id.
    int best = -1;
    NodeId best_node = kNoNode;
    int64_t best_room = 0;
    for (PoolId q = 0; q < pools_; ++q) {
      const Pool& pool = c.pool(q);
      if (left[row * providers_ + pool.provider] < k || !in.may_use(id, q)) continue;
      const int64_t room = c.pool_free_cards(q) - reserved_[q];
      if (room < k || (best >= 0 && room <= best_room)) continue;
      NodeId node = kNoNode;
      if (k <= pool.cards_per_node) {
        for (int64_t f = pool.cards_per_node; f >= k && node == kNoNode; --f) {
          for (NodeId n : c.nodes_with_free(q, static_cast<uint32_t>(f))) {
            if (f - earmark(n) >= k) {
              node = n;
              break;
            }
          }
        }
        if (node == kNoNode) continue;  // free cards, but spread over nodes
      }
      best = static_cast<int>(q), best_node = node, best_room = room;
    }
    // Else, if the job cannot start anywhere now: a place its borrowers' cards make.
    if (best < 0) {
      bool fits_elsewhere = false;
      for (PoolId q = 0; q < pools_ && !fits_elsewhere; ++q) {
        fits_elsewhere = c.pool_free_cards(q) - reserved_[q] >= k && in.may_use(id, q);
      }
      if (!fits_elsewhere) {
        for (PoolId q = 0; q < pools_; ++q) {
          const Pool& pool = c.pool(q);
          if (left[row * providers_ + pool.provider] < k || !in.may_use(id, q)) continue;
          if (reclaimable.empty()) {
            reclaimable.assign(pools_, 0);
            in.reclaimable(reclaimable);
          }
          // Claims already past the pool's free cards have taken their share of its borrowers.
          const int64_t with_borrowers = c.pool_free_cards(q) - reserved_[q] + reclaimable[q];
          if (with_borrowers < k || (best >= 0 && with_borrowers <= best_room)) continue;
          NodeId node = kNoNode;
          if (k <= pool.cards_per_node) {
            auto found = node_borrowed.find(q);
            if (found == node_borrowed.end()) {
              found = node_borrowed.emplace(q, std::vector<std::pair<NodeId, int64_t>>{}).first;
              in.node_reclaimable(q, found->second);
            }
            int64_t best_node_room = 0;
            for (const auto& [n, borrowed] : found->second) {
              const int64_t node_room = c.node_free_cards(n) - earmark(n) + borrowed;
              if (node_room >= k && (node == kNoNode || node_room > best_node_room))
                node = n, best_node_room = node_room;
            }
            if (node == kNoNode) continue;
          }
          best = static_cast<int>(q), best_node = node, best_room = with_borrowers;
        }
      }
    }
    if (best < 0) continue;  // this job waits like any other; a later, smaller one may still claim
    const auto q = static_cast<PoolId>(best);
    claims_.push_back({id, guaranteed_[row], q, static_cast<uint32_t>(k), best_node});
    reserved_[q] += k;
    own_[row * pools_ + q] += k;
    left[row * providers_ + c.pool(q).provider] -= k;
    unused[row] -= k;
    if (best_node != kNoNode) earmarked[best_node] += k;
  }
}

std::vector<std::size_t> GuaranteeBook::plan_reclaim(PoolId p, int64_t free,
                                                     const std::function<int64_t(NodeId)>& node_free,
                                                     std::span<const Candidate> ordered, std::vector<int64_t>& borrowed,
                                                     JobId* unserved) const {
  if (unserved != nullptr) *unserved = kNoJob;
  std::vector<std::size_t> chosen;
  std::vector<bool> taken(ordered.size(), false);
  std::vector<int64_t> trial = borrowed;
  std::map<NodeId, int64_t> freed_on;  // cards freed by chosen candidates, per node
  int64_t pool_free = free;
  std::map<NodeId, int64_t> used_on;  // cards of served node claims, per node
  std::size_t kept = 0;               // stops that serve the claims served so far
  // The next candidate in order, still borrowing, with cards where the claim needs them (on `node`,
  // or anywhere in the pool).
  const auto next = [&](NodeId node) -> int {
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      const Candidate& v = ordered[i];
      if (taken[i] || trial[v.tenant] <= 0 || v.cards_in_pool <= 0) continue;
      if (node != kNoNode &&
          std::none_of(v.nodes.begin(), v.nodes.end(), [&](const auto& nc) { return nc.first == node; }))
        continue;
      return static_cast<int>(i);
    }
    return -1;
  };
  const auto stop = [&](std::size_t i) {
    taken[i] = true;
    chosen.push_back(i);
    trial[ordered[i].tenant] -= ordered[i].cards_at_provider;
    pool_free += ordered[i].cards_in_pool;
    for (const auto& [n, k] : ordered[i].nodes) freed_on[n] += k;
  };
  for (const Claim& cl : claims_) {
    if (cl.pool != p) continue;
    const int64_t k = cl.cards;
    bool served = true;
    if (cl.node != kNoNode) {
      while (node_free(cl.node) + freed_on[cl.node] - used_on[cl.node] < k || pool_free < k) {
        // Short on the node: runs there; short only in the pool's count (gang claims took the
        // free cards elsewhere): runs anywhere in the pool.
        const bool node_short = node_free(cl.node) + freed_on[cl.node] - used_on[cl.node] < k;
        const int i = next(node_short ? cl.node : kNoNode);
        if (i < 0) {
          served = false;
          break;
        }
        stop(static_cast<std::size_t>(i));
      }
    } else {
      while (pool_free < k) {
        const int i = next(kNoNode);
        if (i < 0) {
          served = false;
          break;
        }
        stop(static_cast<std::size_t>(i));
      }
    }
    if (!served) {
      if (unserved != nullptr) *unserved = cl.job;
      break;
    }
    pool_free -= k;
    if (cl.node != kNoNode) used_on[cl.node] += k;
    kept = chosen.size();
  }
  chosen.resize(kept);
  for (std::size_t i : chosen) borrowed[ordered[i].tenant] -= ordered[i].cards_at_provider;
  return chosen;
}

}  // namespace hetsim
