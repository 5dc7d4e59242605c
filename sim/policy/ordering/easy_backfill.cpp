#include "hetsim/policy/ordering/easy_backfill.hpp"

#include <algorithm>

#include "hetsim/policy/ordering/free_summary.hpp"
#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
uint32_t whole_cards(const NodeGrant& g) {
  return g.milli_per_card == kMilliPerCard ? static_cast<uint32_t>(__builtin_popcount(g.card_mask)) : 0;
}
}  // namespace

std::string EasyBackfillPolicy::name() const {
  return std::string("easy-backfill[") + placement_name(placement_) + (mix_.enabled ? ",mix" : "") +
         (gangs_ == GangPlacement::Topology ? ",topology" : "") +
         (bf_interval_ > SimTime::zero() ? ",bf_interval=" + std::to_string(bf_interval_.us() / 1000000) + "s" : "") +
         data_.name_suffix() + "]";
}


void EasyBackfillPolicy::on_submit(const SchedulingContext& ctx, JobId id) {
  const QueueKey k = queue_key(ctx.job(id), 0);
  queue_.insert(k);
  // Behind the last scanned job is the usual case (arrival order); a job of a higher priority can
  // land before it, where the incremental scan would not see it.
  if (k < scanned_upto_) rescan_ = true;
}

bool EasyBackfillPolicy::reserve(const SchedulingContext& ctx, JobId head) {
  const Job& h = ctx.job(head);
  const Cluster& c = ctx.cluster();
  const uint64_t usable = usable_chip_mask(h, ctx.chips(), ctx.perf());
  // With a data locality rule the head is reserved cards at its data site (when that site can
  // ever hold it); under weigh it may still start elsewhere earlier.
  const bool home_only = data_.active() && h.data_gb > 0 && site_can_ever_hold(c, h, usable, h.data_site);
  reservation_ = Reservation{};
  reservation_.head = head;
  extra_.resize(c.node_count(), 0);
  // Leaf-pack scores the head's node by its leaf's free cards at the shadow time too.
  const bool leafy = placement_ == PlacementScore::LeafPack;
  if (leafy) leaf_extra_.resize(c.leaf_count(), 0);
  pool_extra_.assign(c.pool_count(), 0);
  auto eff_free = [&](NodeId n) { return static_cast<uint32_t>(c.node_free_cards(n)) + extra_[n]; };
  // Clears the overlay (only the nodes it touched) whatever way we leave.
  struct Reset {
    EasyBackfillPolicy& p;
    const Cluster& c;
    bool leafy;
    ~Reset() {
      for (NodeId n : p.extra_nodes_) {
        p.extra_[n] = 0;
        if (leafy) p.leaf_extra_[c.node_leaf(n)] = 0;
      }
      p.extra_nodes_.clear();
    }
  } reset{*this, c, leafy};

  const auto release = [&](const Allocation& a) {
    for (const NodeGrant& g : a) {
      const uint32_t k = whole_cards(g);
      if (extra_[g.node] == 0) extra_nodes_.push_back(g.node);
      extra_[g.node] += k;
      if (leafy) leaf_extra_[c.node_leaf(g.node)] += k;
      pool_extra_[c.node_pool(g.node)] += k;
    }
  };
  const auto& running = ctx.running_by_estimated_end();
  for (auto it = running.begin(); it != running.end(); ++it) {
    const auto& [end, r] = *it;
    const Allocation& a = ctx.allocation_of(r);
    release(a);
    const SimTime shadow = std::max(end, ctx.now());
    // Single node: only nodes this job released can have become feasible.
    int32_t best = -1;
    int64_t best_score = kernels::kNoScore;
    for (const NodeGrant& g : a) {
      const Pool& pool = c.pool(c.node_pool(g.node));
      if (!((usable >> pool.chip) & 1ULL) || pool.cards_per_node < h.cards) continue;
      if (home_only && pool.site != h.data_site) continue;
      const uint32_t f = eff_free(g.node);
      if (f < h.cards) continue;
      const uint32_t leaf = c.node_leaf(g.node);
      const int64_t leaf_free = leafy ? int64_t{c.leaf_free_cards(leaf)} + leaf_extra_[leaf] : 0;
      const int64_t s = kernels::placement_score(placement_, f, pool.cards_per_node, h.cards, leaf_free);
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
      if (home_only && pool.site != h.data_site) continue;
      if (c.pool_free_cards(p) + pool_extra_[p] < h.cards) continue;
      // The nodes and cards the head's gang placement will take at the shadow time.
      const uint32_t cpn = pool.cards_per_node;
      const auto free_then = [&](NodeId n) { return std::min(eff_free(n), cpn); };
      if (gangs_ == GangPlacement::Topology) {
        // The topology planner's choice; jobs ending at the same instant free their cards too,
        // and may offer a tighter leaf.
        for (auto same = std::next(it); same != running.end() && same->first == end; ++same) {
          release(ctx.allocation_of(same->second));
        }
        GangPlan plan;
        if (!plan_gang_in_pool(c, p, h.cards, free_then, plan, /*only_free_nodes=*/false)) continue;
        for (const auto& [n, take] : plan.takes) reservation_.caps.push_back({n, free_then(n) - take});
      } else {
        // Pool order: most free cards first, then by id (a counting sort: free cards are
        // 0..cards_per_node), the order take_cards fills a gang in.
        bucket_start_.assign(cpn + 2, 0);
        for (NodeId n = pool.first_node; n < pool.end_node; ++n) ++bucket_start_[cpn - free_then(n) + 1];
        for (uint32_t k = 1; k <= cpn + 1; ++k) bucket_start_[k] += bucket_start_[k - 1];
        order_.resize(pool.end_node - pool.first_node);
        for (NodeId n = pool.first_node; n < pool.end_node; ++n) order_[bucket_start_[cpn - free_then(n)]++] = n;
        uint32_t remaining = h.cards;
        for (NodeId n : order_) {
          const uint32_t f = free_then(n);
          if (remaining == 0 || f == 0) break;
          const uint32_t take = std::min(f, remaining);
          reservation_.caps.push_back({n, f - take});
          remaining -= take;
        }
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

void EasyBackfillPolicy::start(SchedulingContext& ctx, JobId id, Allocation a) {
  for (const NodeGrant& g : a) touched_.push_back(g.node);
  ctx.start(id, std::move(a));
}

bool EasyBackfillPolicy::repaired_hint(const SchedulingContext& ctx, JobId id, const kernels::BestNode& hint,
                                       Allocation& out) const {
  const Cluster& c = ctx.cluster();
  const Job& j = ctx.job(id);
  // Nodes whose score may have changed since the batch: those the starts touched, and under
  // leaf-pack every node of their leaves (a leaf's free cards are part of each node's score).
  rescore_.clear();
  if (placement_ == PlacementScore::LeafPack) {
    for (NodeId t : touched_) {
      const auto [first, end] = c.leaf_nodes(c.node_leaf(t));
      for (NodeId n = first; n < end; ++n) rescore_.push_back(n);
    }
    std::sort(rescore_.begin(), rescore_.end());
    rescore_.erase(std::unique(rescore_.begin(), rescore_.end()), rescore_.end());
  } else {
    rescore_.assign(touched_.begin(), touched_.end());
  }
  // The batch's best node may have lost capacity or rank: the rank of the rest is unknown, search afresh.
  if (hint.node >= 0 && std::find(rescore_.begin(), rescore_.end(), static_cast<NodeId>(hint.node)) != rescore_.end()) {
    return find_placement(j, PlacementInput{&c, &ctx.chips(), &ctx.perf(), &ctx.topology()}, placement_, {}, out, gangs_);
  }
  // Other nodes score as they did; only the rescored ones can have changed rank.
  int32_t best = hint.node;
  int64_t best_score = hint.score;
  const uint64_t usable = usable_chip_mask(j, ctx.chips(), ctx.perf());
  for (NodeId n : rescore_) {
    if (!kernels::placement_feasible(usable, j.cards, j.cpu_milli_per_card * j.cards, j.mem_mib_per_card * j.cards,
                                     c.node_chip(n), c.node_free_cards(n), c.node_cpu_free(n), c.node_mem_free(n))) {
      continue;
    }
    const int64_t s = kernels::placement_score(placement_, c.node_free_cards(n), c.node_cards(n), j.cards,
                                               c.leaf_free_cards(c.node_leaf(n)));
    if (kernels::placement_better(s, static_cast<int32_t>(n), best_score, best)) {
      best = static_cast<int32_t>(n);
      best_score = s;
    }
  }
  if (best >= 0) {
    out = single_node_allocation(c, j, static_cast<NodeId>(best));
    return true;
  }
  // No single node: a gang over several nodes may still fit.
  return find_placement(j, PlacementInput{&c, &ctx.chips(), &ctx.perf(), &ctx.topology()}, placement_, {}, out, gangs_);
}

void EasyBackfillPolicy::take_from_caps(const Allocation& a) {
  for (const NodeGrant& g : a) {
    auto it = std::lower_bound(reservation_.caps.begin(), reservation_.caps.end(), g.node,
                               [](const NodeCap& cap, NodeId n) { return cap.node < n; });
    if (it != reservation_.caps.end() && it->node == g.node) {
      it->max_cards -= static_cast<uint32_t>(__builtin_popcount(g.card_mask));
    }
  }
}

bool EasyBackfillPolicy::try_backfill(SchedulingContext& ctx, JobId id, const kernels::BestNode* hint, uint64_t ahead) {
  const Job& j = ctx.job(id);
  const bool placed = hint != nullptr ? repaired_hint(ctx, id, *hint, scratch_)
                                      : find_placement_for_data(ctx, j, data_, placement_, {}, scratch_, gangs_, ahead);
  if (!placed) {
    // A mixed gang always keeps to the head's reservation: its runtime is only known once placed.
    if (!place_mixed(ctx, id, mix_, reservation_.caps, scratch_)) return false;
    take_from_caps(scratch_);
    start(ctx, id, scratch_);
    return true;
  }
  const double est = ctx.estimated_runtime_s(id, scratch_);
  const SimTime end = ctx.now() + SimTime::from_seconds(std::min(est, 9.0e12 - ctx.now().seconds()));
  if (end > reservation_.shadow) {
    // Runs past the shadow time: must leave the head's reserved cards alone.
    if (!find_placement_for_data(ctx, j, data_, placement_, reservation_.caps, scratch_, gangs_, ahead)) return false;
    take_from_caps(scratch_);
  }
  start(ctx, id, scratch_);
  return true;
}

void EasyBackfillPolicy::schedule(SchedulingContext& ctx) {
  if (queue_.empty()) return;
  const bool changed = ctx.state_version() != scanned_version_;
  // 1. Start jobs in order while they fit. Always tried, even when nothing was released: a job
  // that arrived into an empty queue is the new head and must start at once if it fits.
  // Jobs over their tenant's quota are held: they neither start nor become the head.
  JobId head = kNoJob;
  for (auto it = queue_.begin(); it != queue_.end();) {
    const JobId id = it->id;
    if (tenant_held(ctx, ctx.job(id))) {
      ++it;
      continue;
    }
    if (!find_placement_for_data(ctx, ctx.job(id), data_, placement_, {}, scratch_, gangs_) &&
        !place_mixed(ctx, id, mix_, {}, scratch_)) {
      head = id;
      break;
    }
    it = queue_.erase(it);
    ctx.start(id, scratch_);
  }
  if (head == kNoJob) {
    scanned_version_ = ctx.state_version();
    return;
  }
  // With bf_interval, the scan below runs at most once per interval; a pass inside the interval
  // leaves it to a wake-up at its end (the next scan then starts afresh: nothing is marked scanned).
  if (bf_interval_ > SimTime::zero() && backfilled_ && ctx.now() < last_backfill_ + bf_interval_) {
    ctx.wake_at(last_backfill_ + bf_interval_);
    return;
  }
  backfilled_ = true;
  last_backfill_ = ctx.now();
  // 2. Reserve for the blocked head.
  const QueueKey head_key = queue_key(ctx.job(head), 0);
  const bool full_scan = changed || rescan_ || !reservation_.valid || reservation_.head != head;
  if (full_scan) {
    reserve(ctx, head);
    scanned_upto_ = head_key;
    rescan_ = false;
  }
  // 3. Backfill behind it: the window is the next max_scan queued jobs, minus those already
  // examined at this state version.
  if (reservation_.valid && ctx.cluster().free_cards_total() > 0) {
    std::vector<JobId> window;
    uint32_t seen = 0;
    // Held jobs (over quota) are passed over and do not count against max_scan.
    for (auto it = std::next(queue_.find(head_key)); it != queue_.end() && seen < max_scan_; ++it) {
      if (tenant_held(ctx, ctx.job(it->id))) continue;
      ++seen;
      if (full_scan || *it > scanned_upto_) window.push_back(it->id);
    }
    FreeSummary free;
    free.refresh(ctx.cluster());
    std::vector<kernels::BestNode> hints;
    BatchScorer* batch = ctx.batch_scorer();
    // The batch scores nodes of every site and provider: under a data locality rule or quotas
    // placements go through find_placement_for_data instead.
    if (batch != nullptr && window.size() >= 2 && !data_.active() && !ctx.has_quotas()) {
      std::vector<uint8_t> cards;
      std::vector<uint64_t> allowed;
      std::vector<int64_t> cpu, mem;
      for (JobId id : window) {
        const Job& j = ctx.job(id);
        cards.push_back(static_cast<uint8_t>(std::min<uint32_t>(j.cards, kMaxCardsPerNode)));
        // A gang wider than any node has no single-node answer: mask it out of the batch.
        allowed.push_back(j.cards > kMaxCardsPerNode ? 0 : usable_chip_mask(j, ctx.chips(), ctx.perf()));
        cpu.push_back(j.cpu_milli_per_card * j.cards);
        mem.push_back(j.mem_mib_per_card * j.cards);
      }
      hints.resize(window.size());
      batch->score(node_table(ctx.cluster()), kernels::JobBatch{cards, allowed, cpu, mem}, placement_, hints);
    }
    touched_.clear();
    // Under data=weigh the wait at a job's data site counts the cards of the jobs queued before it
    // there (the head and those of the window that do not start; a window after a partial scan
    // counts only what it sees).
    ahead_.clear();
    if (data_.active()) ahead_.add(ctx.job(head));
    for (std::size_t k = 0; k < window.size(); ++k) {
      const JobId id = window[k];
      scanned_upto_ = std::max(scanned_upto_, queue_key(ctx.job(id), 0));
      if (free.total_free == 0) break;
      const Job& j = ctx.job(id);
      const bool started =
          (free.may_fit(j, usable_chip_mask(j, ctx.chips(), ctx.perf())) || (mix_.enabled && j.may_mix_chips)) &&
          try_backfill(ctx, id, hints.empty() ? nullptr : &hints[k], ahead_.at(j.data_site));
      if (started) {
        queue_.erase(queue_key(j, 0));
        free.refresh(ctx.cluster());
      } else if (data_.active()) {
        ahead_.add(j);
      }
    }
    if (!window.empty()) scanned_upto_ = std::max(scanned_upto_, queue_key(ctx.job(window.back()), 0));
  }
  scanned_version_ = ctx.state_version();
}

}  // namespace hetsim
