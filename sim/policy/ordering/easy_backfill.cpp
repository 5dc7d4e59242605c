#include "hetsim/policy/ordering/easy_backfill.hpp"

#include <algorithm>
#include <map>

#include "hetsim/policy/ordering/free_summary.hpp"

namespace hetsim {

namespace {
uint32_t whole_cards(const NodeGrant& g) {
  return g.milli_per_card == kMilliPerCard ? static_cast<uint32_t>(__builtin_popcount(g.card_mask)) : 0;
}
}  // namespace

std::string EasyBackfillPolicy::name() const {
  return std::string("easy-backfill[") + placement_name(placement_) + "]";
}

void EasyBackfillPolicy::on_submit(const SchedulingContext&, JobId id) { queue_.insert(id); }

bool EasyBackfillPolicy::reserve(const SchedulingContext& ctx, JobId head) {
  const Job& h = ctx.job(head);
  const Cluster& c = ctx.cluster();
  const uint64_t usable = usable_chip_mask(h, ctx.chips(), ctx.perf());
  reservation_ = Reservation{};
  reservation_.head = head;
  std::map<NodeId, uint32_t> extra;  // cards released by jobs ending before the shadow time
  std::vector<int64_t> pool_extra(c.pool_count(), 0);
  auto eff_free = [&](NodeId n) {
    auto it = extra.find(n);
    return static_cast<uint32_t>(c.node_free_cards(n)) + (it == extra.end() ? 0U : it->second);
  };
  for (const auto& [end, r] : ctx.running_by_estimated_end()) {
    const Allocation& a = ctx.allocation_of(r);
    for (const NodeGrant& g : a) {
      const uint32_t k = whole_cards(g);
      extra[g.node] += k;
      pool_extra[c.node_pool(g.node)] += k;
    }
    const SimTime shadow = std::max(end, ctx.now());
    // Single node: only nodes this job released can have become feasible.
    int32_t best = -1;
    int64_t best_score = kernels::kNoScore;
    for (const NodeGrant& g : a) {
      const Pool& pool = c.pool(c.node_pool(g.node));
      if (!((usable >> pool.chip) & 1ULL) || pool.cards_per_node < h.cards) continue;
      const uint32_t f = eff_free(g.node);
      if (f < h.cards) continue;
      const int64_t s = kernels::placement_score(placement_, f, pool.cards_per_node, h.cards);
      if (kernels::placement_better(s, static_cast<int32_t>(g.node), best_score, best)) {
        best = static_cast<int32_t>(g.node);
        best_score = s;
      }
    }
    if (best >= 0) {
      const auto n = static_cast<NodeId>(best);
      reservation_.valid = true;
      reservation_.shadow = shadow;
      reservation_.caps.push_back({n, eff_free(n) - h.cards});
      return true;
    }
    // Gang: a pool whose free cards now suffice.
    for (const NodeGrant& g : a) {
      const PoolId p = c.node_pool(g.node);
      const Pool& pool = c.pool(p);
      if (!((usable >> pool.chip) & 1ULL) || pool.cards_per_node >= h.cards) continue;
      if (c.pool_free_cards(p) + pool_extra[p] < h.cards) continue;
      std::vector<std::pair<uint32_t, NodeId>> nodes;  // (free at shadow, id)
      for (NodeId n = pool.first_node; n < pool.end_node; ++n) {
        const uint32_t f = eff_free(n);
        if (f > 0) nodes.emplace_back(f, n);
      }
      std::sort(nodes.begin(), nodes.end(), [](const auto& x, const auto& y) {
        return x.first > y.first || (x.first == y.first && x.second < y.second);
      });
      uint32_t remaining = h.cards;
      for (const auto& [f, n] : nodes) {
        if (remaining == 0) break;
        const uint32_t take = std::min(f, remaining);
        reservation_.caps.push_back({n, f - take});
        remaining -= take;
      }
      std::sort(reservation_.caps.begin(), reservation_.caps.end(),
                [](const NodeCap& x, const NodeCap& y) { return x.node < y.node; });
      reservation_.valid = true;
      reservation_.shadow = shadow;
      return true;
    }
  }
  return false;  // e.g. a cross-site gang: no reservation, so nothing may overtake the head
}

bool EasyBackfillPolicy::try_backfill(SchedulingContext& ctx, JobId id) {
  const PlacementInput in{&ctx.cluster(), &ctx.chips(), &ctx.perf()};
  const Job& j = ctx.job(id);
  if (!find_placement(j, in, placement_, {}, scratch_)) return false;
  const double est = ctx.estimated_runtime_s(id, scratch_);
  const SimTime end = ctx.now() + SimTime::from_seconds(std::min(est, 9.0e12 - ctx.now().seconds()));
  if (end > reservation_.shadow) {
    // Runs past the shadow time: must leave the head's reserved cards alone.
    if (!find_placement(j, in, placement_, reservation_.caps, scratch_)) return false;
    for (const NodeGrant& g : scratch_) {
      auto it = std::lower_bound(reservation_.caps.begin(), reservation_.caps.end(), g.node,
                                 [](const NodeCap& cap, NodeId n) { return cap.node < n; });
      if (it != reservation_.caps.end() && it->node == g.node) {
        it->max_cards -= static_cast<uint32_t>(__builtin_popcount(g.card_mask));
      }
    }
  }
  ctx.start(id, scratch_);
  return true;
}

void EasyBackfillPolicy::schedule(SchedulingContext& ctx) {
  if (queue_.empty()) return;
  const PlacementInput in{&ctx.cluster(), &ctx.chips(), &ctx.perf()};
  const bool changed = ctx.state_version() != scanned_version_;
  // 1. Start jobs in order while they fit.
  if (changed) {
    while (!queue_.empty()) {
      const JobId head = *queue_.begin();
      if (!find_placement(ctx.job(head), in, placement_, {}, scratch_)) break;
      queue_.erase(queue_.begin());
      ctx.start(head, scratch_);
    }
  }
  if (queue_.empty()) {
    scanned_version_ = ctx.state_version();
    return;
  }
  // 2. Reserve for the blocked head.
  const JobId head = *queue_.begin();
  const bool full_scan = changed || !reservation_.valid || reservation_.head != head;
  if (full_scan) {
    reserve(ctx, head);
    scanned_upto_ = head;
  }
  // 3. Backfill behind it.
  if (reservation_.valid) {
    FreeSummary free;
    free.refresh(ctx.cluster());
    uint32_t scanned = 0;
    for (auto it = std::next(queue_.begin()); it != queue_.end() && scanned < max_scan_; ++scanned) {
      const JobId id = *it;
      if (!full_scan && id <= scanned_upto_) { ++it; continue; }
      scanned_upto_ = std::max(scanned_upto_, id);
      if (free.total_free == 0) break;
      const Job& j = ctx.job(id);
      if (free.may_fit(j, usable_chip_mask(j, ctx.chips(), ctx.perf())) && try_backfill(ctx, id)) {
        it = queue_.erase(it);
        free.refresh(ctx.cluster());
      } else {
        ++it;
      }
    }
  }
  scanned_version_ = ctx.state_version();
}

}  // namespace hetsim
