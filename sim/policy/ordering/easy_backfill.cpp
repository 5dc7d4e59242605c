#include "hetsim/policy/ordering/easy_backfill.hpp"

#include <algorithm>

#include "hetsim/policy/ordering/free_summary.hpp"
#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
uint32_t whole_cards(const NodeGrant& g) {
  return g.milli_per_card == kMilliPerCard ? static_cast<uint32_t>(card_count(g.card_mask)) : 0;
}
}  // namespace

std::string EasyBackfillPolicy::name() const {
  return std::string("easy-backfill[") + placement_name(placement_) + (mix_.enabled ? ",mix" : "") +
         (gangs_ == GangPlacement::Topology ? ",topology" : "") +
         (bf_interval_ > SimTime::zero() ? ",bf_interval=" + std::to_string(bf_interval_.us() / 1000000) + "s" : "") +
         data_.name_suffix() + "]";
}

void EasyBackfillPolicy::on_submit(const SchedulingContext& ctx, JobId id) {
  const JobRequest& j = ctx.job(id);
  const QueueKey k = queue_key(j, 0);
  Waiting w;
  w.cls = memo_.class_of(ctx, j);
  w.mixes = mix_.enabled && j.may_mix_chips;
  const bool synced = index_synced();
  const std::size_t pos = queue_.insert(k, w);
  // An append keeps the index current; anything else rebuilds it before the next scan.
  if (synced && index_synced()) {
    Waiting& rec = queue_.at(pos).rec;
    rec.ci = index_.add(rec.cls, pos, index_value(rec));
  }
  // Behind the last scanned job is the usual case (arrival order); a job of a higher priority can
  // land before it, where the incremental scan would not see it.
  if (k < scanned_upto_) rescan_ = true;
}

bool EasyBackfillPolicy::reserve(const SchedulingContext& ctx, JobId head, uint32_t head_class) {
  const JobRequest& h = ctx.job(head);
  const Cluster& c = ctx.cluster();
  const uint64_t usable = memo_.usable(head_class);
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
  // The pools that may take the head on one node, and those that may take it as a gang.
  gang_pool_.assign(c.pool_count(), 0);
  bool any_single = false;
  for (PoolId p = 0; p < c.pool_count(); ++p) {
    const Pool& pool = c.pool(p);
    if (!((usable >> pool.chip) & 1ULL) || (home_only && pool.site != h.data_site)) continue;
    if (pool.cards_per_node >= h.cards) {
      any_single = true;
    } else {
      gang_pool_[p] = 1;
    }
  }
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

  const auto release_node = [&](const NodeGrant& g) {
    const uint32_t k = whole_cards(g);
    if (extra_[g.node] == 0) extra_nodes_.push_back(g.node);
    extra_[g.node] += k;
    if (leafy) leaf_extra_[c.node_leaf(g.node)] += k;
  };
  const auto release = [&](const Allocation& a) {
    for (const NodeGrant& g : a) {
      release_node(g);
      pool_extra_[c.node_pool(g.node)] += whole_cards(g);
    }
  };
  // The first pool of `a` (in grant order) that may take the head as a gang and whose free cards,
  // with those released so far, suffice; or kNoPool. A run of grants in one pool is checked once.
  constexpr PoolId kNoPool = static_cast<PoolId>(-1);
  const auto gang_pool_filled = [&](const Allocation& a) {
    PoolId last = kNoPool;
    for (const NodeGrant& g : a) {
      const PoolId p = c.node_pool(g.node);
      if (p == last) continue;
      last = p;
      if (gang_pool_[p] && c.pool_free_cards(p) + pool_extra_[p] >= h.cards) return p;
    }
    return kNoPool;
  };
  // The head's gang in pool `p` at the shadow time `shadow`, released cards in extra_.
  const auto reserve_gang = [&](PoolId p, SimTime shadow) {
    const uint32_t cpn = c.pool(p).cards_per_node;
    const auto free_then = [&](NodeId n) { return std::min(eff_free(n), cpn); };
    // Pool order: most free cards first, then by id, the order take_cards fills a gang in.
    // A node's cards free at the shadow time are its free cards now, plus those the walked
    // jobs release on it (extra_): the nodes without such a release come from the pool's
    // free-card buckets, the others from extra_nodes_ (a bitmap in id order), merged by id within
    // each count. O(nodes taken + released nodes + pool / 64), not O(nodes of the pool).
    uint32_t remaining = h.cards;
    const auto take_node = [&](NodeId n, uint32_t f) {
      const uint32_t take = std::min(f, remaining);
      reservation_.caps.push_back({n, f - take});
      remaining -= take;
    };
    order_.clear();
    if (reference_) {
      // The reference: every node of the pool, sorted by its free cards then.
      const Pool& pool = c.pool(p);
      for (NodeId n = pool.first_node; n < pool.end_node; ++n)
        order_.push_back((uint64_t{cpn - free_then(n)} << 32) | n);
      std::sort(order_.begin(), order_.end());
      for (uint64_t o : order_) {
        const auto n = static_cast<NodeId>(o & 0xFFFFFFFFu);
        if (remaining == 0 || free_then(n) == 0) break;
        take_node(n, free_then(n));
      }
    } else {
      // The released nodes as a bitmap over the pool's ids, walked in id order for each count.
      const Pool& pool = c.pool(p);
      released_bits_.assign((pool.end_node - pool.first_node + 63) / 64, 0);
      for (NodeId n : extra_nodes_) {
        if (c.node_pool(n) == p)
          released_bits_[(n - pool.first_node) >> 6] |= uint64_t{1} << ((n - pool.first_node) & 63);
      }
      constexpr NodeId kNone = kNoNode;
      for (uint32_t k = cpn; k >= 1 && remaining > 0; --k) {
        // The next released node at or after `from` with k cards free then, or kNone.
        std::size_t word = 0;
        uint64_t bits = released_bits_.empty() ? 0 : released_bits_[0];
        const auto next_released = [&]() -> NodeId {
          for (;;) {
            while (bits == 0) {
              if (++word >= released_bits_.size()) return kNone;
              bits = released_bits_[word];
            }
            const NodeId n =
                pool.first_node + static_cast<NodeId>(word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
            bits &= bits - 1;
            if (free_then(n) == k) return n;
          }
        };
        NodeId released = next_released();
        const NodeBucket& bucket = c.nodes_with_free(p, k);
        auto node = bucket.begin();
        while (remaining > 0) {
          while (node != bucket.end() && extra_[*node] > 0) ++node;  // counted among the released
          if (node == bucket.end() && released == kNone) break;
          if (released != kNone && (node == bucket.end() || released < *node)) {
            take_node(released, k);
            released = next_released();
          } else {
            take_node(*node, k);
            ++node;
          }
        }
      }
    }
    // Taken in (free cards, id) order: already by id when they all had one count, as is usual.
    const auto by_node = [](const NodeCap& x, const NodeCap& y) { return x.node < y.node; };
    if (!std::is_sorted(reservation_.caps.begin(), reservation_.caps.end(), by_node)) {
      std::sort(reservation_.caps.begin(), reservation_.caps.end(), by_node);
    }
    reservation_.valid = true;
    reservation_.shadow = shadow;
  };

  const auto& running = ctx.running_by_estimated_end();
  if (!any_single && !leafy && gangs_ == GangPlacement::Pool && !reference_) {
    // A gang head with pool-order gangs: walk with the pool counts only, then release the walked
    // jobs' cards node by node in the chosen pool alone (the same reservation, less work per job).
    // A run in one pool (nearly all) counts from the summary kept at its start (run_pool_).
    const auto one_pool = [&](JobId r) { return r < run_pool_.size() ? run_pool_[r] : RunPool{}; };
    for (auto it = running.begin(); it != running.end(); ++it) {
      PoolId p = kNoPool;
      if (const RunPool one = one_pool(it->second); one.cards > 0) {
        pool_extra_[one.pool] += one.cards;
        if (gang_pool_[one.pool] && c.pool_free_cards(one.pool) + pool_extra_[one.pool] >= h.cards) p = one.pool;
      } else {
        const Allocation& a = ctx.allocation_of(it->second);
        for (const NodeGrant& g : a) pool_extra_[c.node_pool(g.node)] += whole_cards(g);
        p = gang_pool_filled(a);
      }
      if (p == kNoPool) continue;
      for (auto walked = running.begin();; ++walked) {
        const RunPool one = one_pool(walked->second);
        if (one.cards == 0 || one.pool == p) {
          for (const NodeGrant& g : ctx.allocation_of(walked->second)) {
            if (c.node_pool(g.node) == p) release_node(g);
          }
        }
        if (walked == it) break;
      }
      reserve_gang(p, std::max(it->first, ctx.now()));
      return true;
    }
    return false;  // e.g. a cross-site gang: no reservation, so nothing may overtake the head
  }
  for (auto it = running.begin(); it != running.end(); ++it) {
    const auto& [end, r] = *it;
    const Allocation& a = ctx.allocation_of(r);
    release(a);
    const SimTime shadow = std::max(end, ctx.now());
    // Single node: only nodes this job released can have become feasible.
    int32_t best = -1;
    int64_t best_score = kernels::kNoScore;
    for (const NodeGrant& g : a) {
      if (!any_single) break;
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
    const PoolId p = gang_pool_filled(a);
    if (p == kNoPool) continue;
    if (gangs_ == GangPlacement::Topology) {
      // The topology planner's choice; jobs ending at the same instant free their cards too,
      // and may offer a tighter leaf.
      for (auto same = std::next(it); same != running.end() && same->first == end; ++same) {
        release(ctx.allocation_of(same->second));
      }
      const uint32_t cpn = c.pool(p).cards_per_node;
      const auto free_then = [&](NodeId n) { return std::min(eff_free(n), cpn); };
      GangPlan plan;
      // It holds the gang: its free cards at the shadow time suffice.
      if (!plan_gang_in_pool(c, p, h.cards, free_then, plan, /*only_free_nodes=*/false)) return false;
      for (const auto& [n, take] : plan.takes) reservation_.caps.push_back({n, free_then(n) - take});
      std::sort(reservation_.caps.begin(), reservation_.caps.end(),
                [](const NodeCap& x, const NodeCap& y) { return x.node < y.node; });
      reservation_.valid = true;
      reservation_.shadow = shadow;
      return true;
    }
    reserve_gang(p, shadow);
    return true;
  }
  return false;  // e.g. a cross-site gang: no reservation, so nothing may overtake the head
}

void EasyBackfillPolicy::start(SchedulingContext& ctx, JobId id, Allocation a) {
  for (const NodeGrant& g : a) touched_.push_back(g.node);
  note_run(ctx.cluster(), id, a);
  ctx.start(id, std::move(a));
}

void EasyBackfillPolicy::note_run(const Cluster& c, JobId id, const Allocation& a) {
  if (id >= run_pool_.size()) run_pool_.resize(static_cast<std::size_t>(id) + 1);
  RunPool one;
  for (const NodeGrant& g : a) {
    const PoolId p = c.node_pool(g.node);
    if (one.cards > 0 && p != one.pool) {
      one = RunPool{};  // several pools: the walk reads its grants
      break;
    }
    one.pool = p;
    one.cards += whole_cards(g);
  }
  run_pool_[id] = one;
}

bool EasyBackfillPolicy::repaired_hint(const SchedulingContext& ctx, JobId id, const kernels::BestNode& hint,
                                       Allocation& out) const {
  const Cluster& c = ctx.cluster();
  const JobRequest& j = ctx.job(id);
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
    return find_placement(j, PlacementInput{&c, &ctx.chips(), &ctx.perf(), &ctx.topology()}, placement_, {}, out,
                          gangs_);
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
      it->max_cards -= static_cast<uint32_t>(card_count(g.card_mask));
    }
  }
}

bool EasyBackfillPolicy::try_backfill(SchedulingContext& ctx, JobId id, const kernels::BestNode* hint, uint64_t ahead) {
  const JobRequest& j = ctx.job(id);
  ++plain_searches_;
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
  const SimTime end = after_seconds_capped(ctx.now(), est);
  if (end > reservation_.shadow) {
    // Runs past the shadow time: must leave the head's reserved cards alone.
    ++plain_searches_;
    if (!find_placement_for_data(ctx, j, data_, placement_, reservation_.caps, scratch_, gangs_, ahead)) return false;
    take_from_caps(scratch_);
  }
  start(ctx, id, scratch_);
  return true;
}

bool EasyBackfillPolicy::class_may_fit(uint32_t cls, const FreeSummary& free, const FreeSummary& capped,
                                       bool through_caps) {
  if (may_fit_.size() < memo_.class_count()) may_fit_.resize(memo_.class_count());
  MayFit& m = may_fit_[cls];
  if (!through_caps) {
    if (m.version != free_version_) {
      m.version = free_version_;
      m.fits = free.may_fit(memo_.cards(cls), memo_.cross_site(cls), memo_.usable(cls));
    }
    return m.fits;
  }
  if (m.capped_version != free_version_) {
    m.capped_version = free_version_;
    m.capped_fits = capped.may_fit(memo_.cards(cls), memo_.cross_site(cls), memo_.usable(cls));
  }
  return m.capped_fits;
}

int64_t EasyBackfillPolicy::lowest_estimate_us(const SchedulingContext& ctx, JobId id, uint32_t cls) const {
  double lowest = INFINITY;
  for (uint64_t m = memo_.usable(cls); m != 0; m &= m - 1) {
    const auto chip = static_cast<ChipId>(__builtin_ctzll(m));
    // One node: every placement on the chip has this shape; a gang: the perf model's floor.
    const double est = memo_.single_node(cls) ? ctx.estimated_runtime_s(id, single_node_shape(chip, memo_.cards(cls)))
                                              : ctx.estimated_runtime_floor_s(id, chip);
    if (!(est >= 0)) return kSlowEstimate;  // NaN or negative: no bound, decide the long way
    lowest = std::min(lowest, est);
  }
  return lowest < 8.0e12 ? SimTime::from_seconds(lowest).us() : kSlowEstimate;
}

bool EasyBackfillPolicy::try_backfill_memo(SchedulingContext& ctx, Queue::Entry& e, const FreeSummary& free,
                                           const FreeSummary& capped) {
  // try_backfill's decision, from the answers shared by the job's class (placement_memo.hpp).
  const JobId id = e.key.id;
  const uint32_t cls = e.rec.cls;
  if (!class_may_fit(cls, free, capped, false) && !e.rec.mixes) return false;
  // Estimates in microseconds: end = now + from_seconds(est) exactly while est < kMaxSeconds - now.
  const bool us_exact = ctx.now().seconds() < 1.0e12;
  // Where the caps leave the class no room (FreeSummary::may_fit through them is necessary for the
  // capped search), only a run ending by the shadow time may start: never one whose least
  // estimate on any chip it may use ends after it.
  const bool capped_may = class_may_fit(cls, free, capped, true);
  if (!capped_may && !e.rec.mixes && us_exact) {
    if (e.rec.est_lo_us == kNoEstimate) {
      e.rec.est_lo_us = lowest_estimate_us(ctx, id, cls);
      if (index_synced()) index_.set(cls, e.rec.ci, index_value(e.rec));
    }
    if (e.rec.est_lo_us != kSlowEstimate && ctx.now().us() + e.rec.est_lo_us > reservation_.shadow.us()) return false;
  }
  const Allocation* now = memo_.uncapped(ctx, id, cls, placement_, gangs_);
  if (now == nullptr) {
    if (!e.rec.mixes || !place_mixed(ctx, id, mix_, reservation_.caps, scratch_)) return false;
    take_from_caps(scratch_);
    start(ctx, id, scratch_);
    return true;
  }
  // The estimate depends on the allocation's shape only (SchedulingContext::estimated_runtime_s):
  // kept with the job, in microseconds, for the last shape it was placed with.
  const uint32_t shape = memo_.placed_shape_id(ctx, cls);
  if (e.rec.est_shape != shape) {
    const double est = ctx.estimated_runtime_s(id, memo_.shape(shape));
    e.rec.est_shape = shape;
    e.rec.est_us = est < 8.0e12 ? SimTime::from_seconds(est).us() : kSlowEstimate;
  }
  bool past_shadow;
  if (e.rec.est_us != kSlowEstimate && us_exact) {
    past_shadow = ctx.now().us() + e.rec.est_us > reservation_.shadow.us();
  } else {
    const double est = ctx.estimated_runtime_s(id, memo_.shape(shape));
    past_shadow = after_seconds_capped(ctx.now(), est) > reservation_.shadow;
  }
  if (past_shadow) {
    // Runs past the shadow time: must leave the head's reserved cards alone.
    if (!capped_may || !memo_.capped(ctx, id, cls, placement_, gangs_, reservation_.caps, scratch_)) return false;
    take_from_caps(scratch_);
  } else {
    scratch_ = *now;
  }
  start(ctx, id, scratch_);
  return true;
}

int64_t EasyBackfillPolicy::index_value(const Waiting& w) {
  // Jobs without a usable bound (not computed yet, too long, or mixing) are always worth a look.
  if (w.mixes || w.est_lo_us == kNoEstimate || w.est_lo_us == kSlowEstimate) return ClassIndex::kUnknown;
  return w.est_lo_us;
}

void EasyBackfillPolicy::sync_index() {
  if (index_synced()) return;
  index_.reset(queue_.slot_count(), memo_.class_count());
  for (std::size_t pos = queue_.first(); pos != Queue::npos; pos = queue_.next(pos)) {
    Waiting& w = queue_.at(pos).rec;
    w.ci = index_.add(w.cls, pos, index_value(w));
  }
  index_layout_ = queue_.layout_version();
}

void EasyBackfillPolicy::dequeue(std::size_t pos) {
  if (index_synced()) {
    const Waiting& w = queue_.at(pos).rec;
    index_.remove(w.cls, w.ci, pos);
  }
  queue_.erase_at(pos);
}

std::size_t EasyBackfillPolicy::open_slot(uint32_t cls, std::size_t from, std::size_t to, const FreeSummary& free,
                                          const FreeSummary& capped, bool us_exact, int64_t slack_us) {
  // try_backfill_memo's first two rejections as a verdict on the whole class (both only get
  // stricter as the pass starts jobs): none of its jobs fits at all, or, the caps leaving it no
  // room, only those whose least estimate ends by the shadow time may start.
  if (index_.class_empty(cls) || !class_may_fit(cls, free, capped, false)) return ClassIndex::npos;
  const bool only_short = us_exact && !class_may_fit(cls, free, capped, true);
  return index_.first(cls, from, to, only_short ? slack_us : ClassIndex::kGone - 1);
}

void EasyBackfillPolicy::scan_classes(SchedulingContext& ctx, std::size_t head_pos, bool full_scan) {
  sync_index();
  const Cluster& c = ctx.cluster();
  FreeSummary free, capped;
  free.refresh(c);
  capped.refresh(c, reservation_.caps);
  ++free_version_;
  // The window: the max_scan jobs behind the head (no job is held without quotas), after a
  // partial scan only those queued after the last one examined.
  std::size_t to = index_.kth_after(head_pos, max_scan_);
  if (to == ClassIndex::npos) to = index_.last_live();
  if (to == ClassIndex::npos || to <= head_pos) return;
  const std::size_t from = full_scan ? head_pos + 1 : std::max(head_pos + 1, queue_.upper_slot(scanned_upto_));
  if (from > to) return;
  const QueueKey window_end = queue_.at(to).key;
  const bool us_exact = ctx.now().seconds() < 1.0e12;
  const int64_t slack_us = reservation_.shadow.us() - ctx.now().us();
  // Each class's next open job; the least slot goes first, so jobs are tried in queue order.
  const auto classes = static_cast<uint32_t>(index_.class_count());
  next_open_.assign(classes, ClassIndex::npos);
  for (uint32_t cls = 0; cls < classes; ++cls)
    next_open_[cls] = open_slot(cls, from, to, free, capped, us_exact, slack_us);
  while (free.total_free > 0) {
    uint32_t best = classes;
    for (uint32_t cls = 0; cls < classes; ++cls) {
      if (next_open_[cls] != ClassIndex::npos && (best == classes || next_open_[cls] < next_open_[best])) best = cls;
    }
    if (best == classes) break;
    const std::size_t pos = next_open_[best];
    if (try_backfill_memo(ctx, queue_.at(pos), free, capped)) {
      dequeue(pos);
      free.refresh(c);
      capped.refresh(c, reservation_.caps);
      ++free_version_;
    }
    next_open_[best] = open_slot(best, pos + 1, to, free, capped, us_exact, slack_us);
  }
  scanned_upto_ = std::max(scanned_upto_, window_end);
}

void EasyBackfillPolicy::scan_window(SchedulingContext& ctx, std::size_t head_pos, bool full_scan) {
  // The window streamed: without quotas no job is held, so the max_scan jobs behind the head are
  // the same whether counted first or on the way (a start removes only the job at hand).
  const Cluster& c = ctx.cluster();
  FreeSummary free, capped;
  free.refresh(c);
  capped.refresh(c, reservation_.caps);
  ++free_version_;
  const QueueKey skip_upto = scanned_upto_;
  const uint64_t dead_before = queue_.dead_skipped();
  std::size_t last = Queue::npos, reached = head_pos;
  bool stopped = false;
  uint32_t seen = 0;
  // try_backfill_memo's first rejections, from its class's verdicts cached at this refresh (most
  // jobs of a long queue end here): no room at all, or none through the caps and too long to end
  // by the shadow time.
  const bool us_exact = ctx.now().seconds() < 1.0e12;
  const int64_t slack_us = reservation_.shadow.us() - ctx.now().us();
  const auto rejected = [&](const Waiting& w) {
    if (w.mixes || w.cls >= may_fit_.size()) return false;
    const MayFit& m = may_fit_[w.cls];
    if (m.version == free_version_ && !m.fits) return true;
    return m.capped_version == free_version_ && !m.capped_fits && us_exact && w.est_lo_us > kNoEstimate &&
           w.est_lo_us > slack_us;
  };
  for (std::size_t pos = queue_.next(head_pos); pos != Queue::npos && seen < max_scan_; pos = queue_.next(pos)) {
    Queue::Entry& e = queue_.at(pos);
    ++seen;
    reached = pos;
    if (!full_scan && !(e.key > skip_upto)) continue;
    last = pos;
    if (stopped) continue;
    scanned_upto_ = std::max(scanned_upto_, e.key);
    if (free.total_free == 0) {
      stopped = true;
      continue;
    }
    if (rejected(e.rec)) continue;
    if (try_backfill_memo(ctx, e, free, capped)) {
      dequeue(pos);
      free.refresh(c);
      capped.refresh(c, reservation_.caps);
      ++free_version_;
    }
  }
  if (last != Queue::npos) scanned_upto_ = std::max(scanned_upto_, queue_.at(last).key);
  // Jobs that started here and before left dead slots where the next scans will look again.
  if (queue_.dead_skipped() - dead_before > kDeadSlotsToPack) queue_.compact_front(reached + 1);
}

void EasyBackfillPolicy::scan_window_listed(SchedulingContext& ctx, JobId head, std::size_t head_pos, bool full_scan,
                                            BatchScorer* batch, bool quotas) {
  const uint64_t dead_before = queue_.dead_skipped();
  window_.clear();
  uint32_t seen = 0;
  // Held jobs (over quota) are passed over and do not count against max_scan.
  for (std::size_t pos = queue_.next(head_pos); pos != Queue::npos && seen < max_scan_; pos = queue_.next(pos)) {
    const Queue::Entry& e = queue_.at(pos);
    if (quotas && tenant_held(ctx, ctx.job(e.key.id))) continue;
    ++seen;
    if (full_scan || e.key > scanned_upto_) window_.push_back(pos);
  }
  FreeSummary free, capped;
  free.refresh(ctx.cluster());
  if (memo_on_) capped.refresh(ctx.cluster(), reservation_.caps);
  ++free_version_;
  std::vector<kernels::BestNode> hints;
  // The batch scores nodes of every site and provider: under a data locality rule or quotas
  // placements go through find_placement_for_data instead.
  if (batch != nullptr && window_.size() >= 2 && !data_.active() && !quotas) {
    std::vector<uint8_t> cards;
    std::vector<uint64_t> allowed;
    std::vector<int64_t> cpu, mem;
    for (std::size_t pos : window_) {
      const JobRequest& j = ctx.job(queue_.at(pos).key.id);
      cards.push_back(static_cast<uint8_t>(std::min<uint32_t>(j.cards, kMaxCardsPerNode)));
      // A gang wider than any node has no single-node answer: mask it out of the batch.
      allowed.push_back(j.cards > kMaxCardsPerNode ? 0 : usable_chip_mask(j, ctx.chips(), ctx.perf()));
      cpu.push_back(j.cpu_milli_per_card * j.cards);
      mem.push_back(j.mem_mib_per_card * j.cards);
    }
    hints.resize(window_.size());
    batch->score(node_table(ctx.cluster()), kernels::JobBatch{cards, allowed, cpu, mem}, placement_, hints);
  }
  touched_.clear();
  // Under data=weigh the wait at a job's data site counts the cards of the jobs queued before it
  // there (the head and those of the window that do not start; a window after a partial scan
  // counts only what it sees).
  ahead_.clear();
  if (data_.active()) ahead_.add(ctx.job(head));
  for (std::size_t k = 0; k < window_.size(); ++k) {
    const std::size_t pos = window_[k];
    Queue::Entry& e = queue_.at(pos);
    scanned_upto_ = std::max(scanned_upto_, e.key);
    if (free.total_free == 0) break;
    bool started;
    if (memo_on_) {
      started = try_backfill_memo(ctx, e, free, capped);
    } else {
      const JobRequest& j = ctx.job(e.key.id);
      started = (free.may_fit(j, memo_.usable(e.rec.cls)) || e.rec.mixes) &&
                try_backfill(ctx, e.key.id, hints.empty() ? nullptr : &hints[k], ahead_.at(j.data_site));
      if (!started && data_.active()) ahead_.add(j);
    }
    if (started) {
      dequeue(pos);
      free.refresh(ctx.cluster());
      if (memo_on_) capped.refresh(ctx.cluster(), reservation_.caps);
      ++free_version_;
    }
  }
  if (!window_.empty()) scanned_upto_ = std::max(scanned_upto_, queue_.at(window_.back()).key);
  if (queue_.dead_skipped() - dead_before > kDeadSlotsToPack && !window_.empty())
    queue_.compact_front(window_.back() + 1);
}

void EasyBackfillPolicy::schedule(SchedulingContext& ctx) {
  if (queue_.empty()) return;
  queue_.compact();
  memo_.begin_pass();
  BatchScorer* batch = ctx.batch_scorer();
  memo_on_ = !reference_ && !data_.active() && batch == nullptr;
  const bool quotas = ctx.has_quotas();
  const bool changed = ctx.state_version() != scanned_version_;
  // 1. Start jobs in order while they fit. Always tried, even when nothing was released: a job
  // that arrived into an empty queue is the new head and must start at once if it fits.
  // Jobs over their tenant's quota are held: they neither start nor become the head.
  JobId head = kNoJob;
  std::size_t head_pos = Queue::npos;
  for (std::size_t pos = queue_.first(); pos != Queue::npos; pos = queue_.next(pos)) {
    Queue::Entry& e = queue_.at(pos);
    const JobId id = e.key.id;
    if (quotas && tenant_held(ctx, ctx.job(id))) continue;
    const Allocation* now = nullptr;
    if (memo_on_) {
      now = memo_.uncapped(ctx, id, e.rec.cls, placement_, gangs_);
    } else {
      ++plain_searches_;
      if (find_placement_for_data(ctx, ctx.job(id), data_, placement_, {}, scratch_, gangs_)) now = &scratch_;
    }
    if (now == nullptr && !place_mixed(ctx, id, mix_, {}, scratch_)) {
      head = id;
      head_pos = pos;
      break;
    }
    if (now != nullptr && now != &scratch_) scratch_ = *now;
    dequeue(pos);
    note_run(ctx.cluster(), id, scratch_);
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
  const QueueKey head_key = queue_.at(head_pos).key;
  const bool full_scan = changed || rescan_ || !reservation_.valid || reservation_.head != head;
  if (full_scan) {
    reserve(ctx, head, queue_.at(head_pos).rec.cls);
    scanned_upto_ = head_key;
    rescan_ = false;
  }
  // 3. Backfill behind it: the window is the next max_scan queued jobs, minus those already
  // examined at this state version.
  if (reservation_.valid && ctx.cluster().free_cards_total() > 0) {
    if (memo_on_ && !quotas && !mix_.enabled) {
      scan_classes(ctx, head_pos, full_scan);
    } else if (memo_on_ && !quotas) {
      scan_window(ctx, head_pos, full_scan);
    } else {
      scan_window_listed(ctx, head, head_pos, full_scan, batch, quotas);
    }
  }
  scanned_version_ = ctx.state_version();
}

}  // namespace hetsim
