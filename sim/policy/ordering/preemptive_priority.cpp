#include "hetsim/policy/ordering/preemptive_priority.hpp"

#include <algorithm>
#include <cmath>

#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
using Victim = PreemptivePriorityPolicy::Victim;
bool lower_priority_first(const Victim& a, const Victim& b) { return b.key < a.key; }
// A heap under this comparison has the lowest priority on top.
bool higher_priority_first(const Victim& a, const Victim& b) { return a.key < b.key; }

const char* rule_name(PreemptivePriorityPolicy::Rule r) {
  switch (r) {
    case PreemptivePriorityPolicy::Rule::Srtf:
      return "srtf";
    case PreemptivePriorityPolicy::Rule::Las:
      return "las";
    case PreemptivePriorityPolicy::Rule::Tiresias:
      return "tiresias";
  }
  return "?";
}
}  // namespace

std::string PreemptivePriorityPolicy::name() const {
  return std::string(rule_name(o_.rule)) + "[" + placement_name(o_.placement) +
         (o_.gangs == GangPlacement::Topology ? ",topology" : "") + o_.data.name_suffix() + "]";
}

PreemptivePriorityPolicy::Track& PreemptivePriorityPolicy::track(JobId id) {
  if (id >= track_.size()) track_.resize(static_cast<std::size_t>(id) + 1);
  return track_[id];
}

void PreemptivePriorityPolicy::on_submit(const SchedulingContext& ctx, JobId id) {
  Track& t = track(id);
  t.waiting_since = ctx.now();
  if (t.cls == PlacementMemo::kNoClass) t.cls = memo_.class_of(ctx, ctx.job(id));
  enqueue(ctx, id);
}

void PreemptivePriorityPolicy::on_end(const SchedulingContext&, JobId id) {
  set_running(id, false);
  dequeue(id);
}

void PreemptivePriorityPolicy::on_requeue(const SchedulingContext& ctx, JobId id) {
  set_running(id, false);
  track(id).waiting_since = ctx.now();
  enqueue(ctx, id);
}

void PreemptivePriorityPolicy::set_running(JobId id, bool on) {
  Track& t = track(id);
  if (t.running == on) return;
  t.running = on;
  if (on) {
    t.run_index = static_cast<uint32_t>(running_.size());
    running_.push_back(id);
  } else {
    // Swap-remove: running_'s order is never read as such (victims are sorted by their keys).
    const JobId last = running_.back();
    running_[t.run_index] = last;
    track_[last].run_index = t.run_index;
    running_.pop_back();
  }
}

void PreemptivePriorityPolicy::enqueue(const SchedulingContext& ctx, JobId id) {
  ++track(id).waits;
  if (reference_) {
    pending_.insert(id);
    return;
  }
  // Its key as the next pass would order it (same instant): a starving tiresias job is promoted.
  const Key k = key_of(ctx, id);
  if (track_[id].listed) unlist(id);
  list(k, id);
  if (o_.rule == Rule::Tiresias) push_promotion(ctx, id);
}

void PreemptivePriorityPolicy::dequeue(JobId id) {
  if (reference_) {
    pending_.erase(id);
    return;
  }
  if (id < track_.size() && track_[id].listed) unlist(id);
}

void PreemptivePriorityPolicy::list(const Key& k, JobId id) {
  const std::pair<Key, JobId> entry{k, id};
  const std::size_t before = waiting_.size();
  Track& t = track_[id];
  t.at = waiting_.insert(entry).first;
  if (t.cls >= by_class_.size()) by_class_.resize(static_cast<std::size_t>(t.cls) + 1);
  t.at_class = by_class_[t.cls].insert(entry).first;
  t.listed = true;
  // window_last_: the max_scan-th waiting job (end() while fewer wait).
  if (before + 1 < o_.max_scan) {
    window_last_ = waiting_.end();
  } else if (before + 1 == o_.max_scan) {
    window_last_ = std::prev(waiting_.end());
  } else if (entry < *window_last_) {
    window_last_ = std::prev(window_last_);  // it pushes the last one out of the window
  }
}

void PreemptivePriorityPolicy::unlist(JobId id) {
  Track& t = track_[id];
  const std::size_t before = waiting_.size();
  if (before <= o_.max_scan) {
    waiting_.erase(t.at);
    window_last_ = waiting_.end();
  } else {
    if (!(*window_last_ < *t.at)) window_last_ = std::next(window_last_);  // one from behind moves in
    waiting_.erase(t.at);
  }
  by_class_[t.cls].erase(t.at_class);
  t.listed = false;
}

void PreemptivePriorityPolicy::push_promotion(const SchedulingContext& ctx, JobId id) {
  // key_of's guard fires once waited_s + (now - waiting_since) >= starve_factor x (executed -
  // executed_offset); while the job waits, only `now` moves. The time is taken a millisecond early
  // (rounding), and the exact test decides when it comes up.
  const Track& t = track_[id];
  const double executed = ctx.executed_s(id);
  if (!(o_.starve_factor > 0) || !(executed > t.executed_offset)) return;  // cannot fire while it waits
  const double need_s = o_.starve_factor * (executed - t.executed_offset) - t.waited_s;
  if (!(need_s < 1.0e12)) return;  // beyond any horizon
  const int64_t due = t.waiting_since.us() + static_cast<int64_t>(std::floor(std::max(need_s, -1.0e12) * 1e6)) - 1000;
  promo_.push({due, id, t.waits});
}

void PreemptivePriorityPolicy::promote_due(const SchedulingContext& ctx) {
  const int64_t now = ctx.now().us();
  while (!promo_.empty() && promo_.top().due_us <= now) {
    const Promotion p = promo_.top();
    promo_.pop();
    if (!track_[p.id].listed || track_[p.id].waits != p.wait) continue;  // started, or waits anew
    const Key k = key_of(ctx, p.id);                                     // promotes it if its guard fires now
    const Key old = track_[p.id].at->first;
    if (k < old || old < k) {
      unlist(p.id);
      list(k, p.id);
    }
    // Not yet (the guard needed a little longer than estimated): again at the next pass.
    const Track& t = track_[p.id];
    if (o_.starve_factor > 0 && ctx.executed_s(p.id) > t.executed_offset) promo_.push({now + 1, p.id, p.wait});
  }
}

uint32_t PreemptivePriorityPolicy::tiresias_queue(double card_s) const {
  uint32_t q = 0;
  double threshold = o_.threshold_card_s;
  while (q + 1 < o_.queues && card_s >= threshold) {
    ++q;
    threshold *= o_.threshold_growth;
  }
  return q;
}

PreemptivePriorityPolicy::Key PreemptivePriorityPolicy::key_of(const SchedulingContext& ctx, JobId id) {
  const JobRequest& j = ctx.job(id);
  Key k;
  k.neg_priority = -static_cast<int64_t>(j.priority);
  k.arrival = j.arrival.seconds();
  k.id = id;
  switch (o_.rule) {
    case Rule::Srtf:
      k.primary = j.runtime_estimate_s * ctx.remaining_fraction(id);
      break;
    case Rule::Las:
      k.primary = ctx.executed_s(id) * (o_.card_time ? static_cast<double>(j.cards) : 1.0);
      break;
    case Rule::Tiresias: {
      Track& t = track(id);
      const double executed = ctx.executed_s(id);
      const double service = executed * static_cast<double>(j.cards);
      if (ctx.is_pending(id) && o_.starve_factor > 0 && executed > t.executed_offset &&
          t.waited_s + (ctx.now() - t.waiting_since).seconds() >= o_.starve_factor * (executed - t.executed_offset)) {
        t.service_offset = service;  // promoted to the top queue
        t.executed_offset = executed;
        t.waited_s = 0;
        t.waiting_since = ctx.now();
      }
      k.primary = tiresias_queue(service - t.service_offset);
      break;
    }
  }
  return k;
}

bool PreemptivePriorityPolicy::place(SchedulingContext& ctx, JobId id, uint64_t ahead) {
  Track& t = track(id);
  if (!reference_ && !o_.data.active()) {
    // The class's answer (placement_memo.hpp): one search per class until the state changes.
    const Allocation* a = memo_.uncapped(ctx, id, t.cls, o_.placement, o_.gangs);
    if (a == nullptr) return false;
    scratch_ = *a;
  } else {
    ++plain_searches_;
    if (!find_placement_for_data(ctx, ctx.job(id), o_.data, o_.placement, {}, scratch_, o_.gangs, ahead)) return false;
  }
  ctx.start(id, scratch_);
  t.waited_s += (ctx.now() - t.waiting_since).seconds();
  t.started_pass = passes_;
  dequeue(id);
  set_running(id, true);
  return true;
}

void PreemptivePriorityPolicy::preempt(SchedulingContext& ctx, JobId victim) {
  Track& t = track(victim);
  t.waiting_since = ctx.now();
  ctx.preempt(victim);
  set_running(victim, false);
  enqueue(ctx, victim);
  memo_.begin_pass();  // cards came free: placements that failed may not fail now
}

// Walks the runs `key` outranks, lowest priority first, counting the cards they would free on the
// job's usable chips, until one node (a job that fits a node) or one pool (a gang) would hold it;
// then preempts only the walked runs on that node or pool.
bool PreemptivePriorityPolicy::preempt_for(SchedulingContext& ctx, JobId id, const Key& key) {
  const Cluster& c = ctx.cluster();
  const JobRequest& j = ctx.job(id);
  const uint64_t usable = usable_chip_mask(j, ctx.chips(), ctx.perf());
  if (usable == 0) return false;
  freed_node_.resize(c.node_count(), 0);
  freed_cpu_.resize(c.node_count(), 0);
  freed_mem_.resize(c.node_count(), 0);
  freed_pool_.resize(c.pool_count(), 0);
  walked_.clear();
  bool found = false;
  bool on_node = false;
  NodeId target_node = 0;
  PoolId target_pool = 0;
  const int64_t cpu_need = j.cpu_milli_per_card * j.cards, mem_need = j.mem_mib_per_card * j.cards;
  const bool quotas = ctx.has_quotas();
  // With a data locality rule, room is made where the job's data is (when that site can ever hold it).
  const bool home_only = o_.data.active() && j.data_gb > 0 && site_can_ever_hold(c, j, usable, j.data_site);
  // Guaranteed shares: the freed cards must leave the job room outside other tenants' reserved ones.
  const auto outside_reserved = [&](PoolId p) { return ctx.unreserved_free(j.tenant, p) + freed_pool_[p] >= j.cards; };
  for (std::size_t i = 0; victim_at(i); ++i) {
    const Victim& victim = victims_[i];
    if (!key.outranks(victim.key)) break;  // sorted lowest priority first: none further is outranked
    // Holding none of the job's chips, it frees nothing for it (Victim: its chips as listed).
    if ((victim.chips & usable) == 0 && !reference_) continue;
    const JobId v = victim.id;
    // Already preempted in this pass, within its lease, or before its first checkpoint of this run
    // (stopping it then would throw the whole run away, and with a lease shorter than the
    // checkpoint interval no run would ever keep anything: a livelock).
    const Track& tv = track_[v];
    if (!tv.running) continue;
    // Victims were listed only if out of their lease with a checkpoint (prefiltered); a run that
    // started in this pass (after being preempted in it) is checked as it is now.
    if ((!prefiltered_ || tv.started_pass == passes_) &&
        (ctx.now() - ctx.run_started(v) < o_.min_run || !ctx.keeps_work_if_preempted(v))) {
      continue;
    }
    // Within its tenant's guarantee: its cards would be reserved back for that tenant at once
    // (only with guarantees, which make has_quotas() true).
    if (quotas && ctx.job(v).tenant != j.tenant && ctx.guaranteed(v)) continue;
    walked_.push_back(v);
    if (victim.pool != Victim::kManyPools && !reference_) {
      // All its cards in one pool where the job is a gang (needs more than a node): only the
      // pool's count matters, and it grows grant by grant to the victim's total, so adding the
      // total at once finds the same pool (the check is monotone in the freed cards).
      const PoolId p = victim.pool;
      const Pool& pool = c.pool(p);
      if (pool.cards_per_node < j.cards) {
        if (!((usable >> pool.chip) & 1ULL) || (home_only && pool.site != j.data_site)) continue;
        if (freed_pool_[p] == 0) freed_pools_.push_back(p);
        freed_pool_[p] += victim.cards;
        if (c.pool_free_cards(p) + freed_pool_[p] >= j.cards && outside_reserved(p)) {
          found = true;
          target_pool = p;
          break;
        }
        continue;
      }
    }
    for (const NodeGrant& g : ctx.allocation_of(v)) {
      const NodeId n = g.node;
      const PoolId p = c.node_pool(n);
      const Pool& pool = c.pool(p);
      if (!((usable >> pool.chip) & 1ULL) || (home_only && pool.site != j.data_site)) continue;
      const auto k = static_cast<uint32_t>(card_count(g.card_mask));
      if (freed_node_[n] == 0 && freed_cpu_[n] == 0 && freed_mem_[n] == 0) freed_nodes_.push_back(n);
      if (freed_pool_[p] == 0) freed_pools_.push_back(p);
      freed_node_[n] += k;
      freed_cpu_[n] += g.cpu_milli;
      freed_mem_[n] += g.mem_mib;
      freed_pool_[p] += k;
      if (pool.cards_per_node >= j.cards) {
        if (c.node_free_cards(n) + freed_node_[n] >= j.cards && c.node_cpu_free(n) + freed_cpu_[n] >= cpu_need &&
            c.node_mem_free(n) + freed_mem_[n] >= mem_need && outside_reserved(p)) {
          found = true;
          on_node = true;
          target_node = n;
        }
      } else if (c.pool_free_cards(p) + freed_pool_[p] >= j.cards && outside_reserved(p)) {
        found = true;
        target_pool = p;
      }
      if (found) break;
    }
    if (found) break;
  }
  for (NodeId n : freed_nodes_) freed_node_[n] = 0, freed_cpu_[n] = 0, freed_mem_[n] = 0;
  for (PoolId p : freed_pools_) freed_pool_[p] = 0;
  freed_nodes_.clear();
  freed_pools_.clear();
  if (!found) return false;
  for (JobId v : walked_) {
    const Allocation& a = ctx.allocation_of(v);
    const bool there = std::any_of(a.begin(), a.end(), [&](const NodeGrant& g) {
      return on_node ? g.node == target_node : c.node_pool(g.node) == target_pool;
    });
    if (there) preempt(ctx, v);
  }
  return true;
}

bool PreemptivePriorityPolicy::victim_at(std::size_t i) {
  // victims_ is in order, lowest priority first; victim_heap_ holds the rest, its top the next
  // lowest. The order is total (ids break ties), so victims_ grows into the full sort's order.
  while (victims_.size() <= i && !victim_heap_.empty()) {
    std::pop_heap(victim_heap_.begin(), victim_heap_.end(), higher_priority_first);
    victims_.push_back(victim_heap_.back());
    victim_heap_.pop_back();
  }
  return i < victims_.size();
}

void PreemptivePriorityPolicy::order_pending(const SchedulingContext& ctx) {
  order_.clear();
  if (!reference_) {
    // Kept in order between passes: the first max_scan, after the promotions due by now.
    if (o_.rule == Rule::Tiresias) promote_due(ctx);
    for (auto it = waiting_.begin(); it != waiting_.end() && order_.size() < o_.max_scan; ++it) order_.push_back(*it);
    return;
  }
  for (JobId id : pending_) order_.emplace_back(key_of(ctx, id), id);
  // Only the first max_scan are examined: a partial sort orders just those.
  const std::size_t keep = std::min<std::size_t>(order_.size(), o_.max_scan);
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep), order_.end());
  order_.resize(keep);
}

void PreemptivePriorityPolicy::start_in_order(SchedulingContext& ctx) {
  // The reference pass without preemptions: the first max_scan waiting jobs in order, each started
  // if its class has a placement now. So the next start is, over the classes with a placement,
  // the first of their jobs after the last start, if it is within the window (a snapshot taken at
  // the pass's beginning); the jobs of the other classes in between would fail and do nothing else.
  if (o_.rule == Rule::Tiresias) promote_due(ctx);
  const bool limited = waiting_.size() > o_.max_scan;
  const std::pair<Key, JobId> last_in_window = limited ? *window_last_ : std::pair<Key, JobId>{};
  const auto classes = static_cast<uint32_t>(by_class_.size());
  failed_at_.assign(classes, ~0ULL);
  bool started_any = false;
  std::pair<Key, JobId> after{};
  for (;;) {
    const uint64_t version = ctx.state_version();
    const std::pair<Key, JobId>* best = nullptr;
    for (uint32_t cls = 0; cls < classes; ++cls) {
      const auto& jobs = by_class_[cls];
      if (jobs.empty() || failed_at_[cls] == version) continue;
      const auto cand = started_any ? jobs.upper_bound(after) : jobs.begin();
      if (cand == jobs.end() || (limited && last_in_window < *cand)) continue;
      if (best != nullptr && *best < *cand) continue;
      if (memo_.uncapped(ctx, cand->second, cls, o_.placement, o_.gangs) == nullptr) {
        failed_at_[cls] = version;  // at this state, none of its jobs fits
        continue;
      }
      best = &*cand;
    }
    if (best == nullptr) return;
    after = *best;
    started_any = true;
    place(ctx, after.second);
  }
}

void PreemptivePriorityPolicy::schedule(SchedulingContext& ctx) {
  if (!any_waiting()) return;
  ++passes_;
  memo_.begin_pass();
  const bool may_preempt = ctx.now().us() % o_.quantum.us() == 0;
  if (!may_preempt && !reference_ && !o_.data.active()) {
    start_in_order(ctx);
    if (any_waiting()) {
      const int64_t q = o_.quantum.us();
      ctx.wake_at(SimTime::from_us((ctx.now().us() / q + 1) * q));
    }
    return;
  }
  order_pending(ctx);
  bool victims_ready = false;
  // Preemption is decided on the quantum grid only (jobs start whenever they fit): one sort of the
  // running jobs per quantum at most, and no run is stopped by every arrival.
  ahead_.clear();
  for (const auto& [key, id] : order_) {
    if (!ctx.is_pending(id)) continue;
    if (place(ctx, id, ahead_.at(ctx.job(id).data_site))) continue;
    ahead_.add(ctx.job(id));
    if (!may_preempt || running_.empty() || tenant_held(ctx, ctx.job(id))) continue;
    if (!victims_ready) {
      // Running jobs by priority, lowest first; computed once per pass (keys move only with time).
      // With a lease, those within it or before their first checkpoint cannot be stopped in this
      // pass (unless they stop and start again in it, which preempt_for checks): not listed.
      // Only runs the pass's first job outranks can be stopped by any job of the pass (every
      // other one sorts after it), so the others are left out; and walks stop after a few runs,
      // so the list is ordered lazily (victim_at), a heap popped as far as a walk reads.
      victims_.clear();
      victim_heap_.clear();
      const Cluster& c = ctx.cluster();
      prefiltered_ = !reference_ && o_.min_run > SimTime::zero();
      const Key& best = order_.front().first;
      for (JobId r : running_) {
        const Key vkey = key_of(ctx, r);
        if (!reference_ && !best.outranks(vkey)) continue;
        if (prefiltered_ && (ctx.now() - ctx.run_started(r) < o_.min_run || !ctx.keeps_work_if_preempted(r))) continue;
        Victim victim{vkey, r};
        const Allocation& a = ctx.allocation_of(r);
        if (!a.empty()) victim.pool = c.node_pool(a.front().node);
        for (const NodeGrant& g : a) {
          const PoolId p = c.node_pool(g.node);
          victim.chips |= 1ULL << c.pool(p).chip;
          victim.cards += static_cast<uint32_t>(card_count(g.card_mask));
          if (p != victim.pool) victim.pool = Victim::kManyPools;
        }
        victim_heap_.push_back(victim);
      }
      if (reference_) {
        victims_.swap(victim_heap_);
        std::sort(victims_.begin(), victims_.end(), lower_priority_first);
      } else {
        std::make_heap(victim_heap_.begin(), victim_heap_.end(), higher_priority_first);
      }
      victims_ready = true;
    }
    // A job of a class whose walk found no room at this state finds none either: it comes later
    // in the order, so it outranks a prefix of the runs the other one did (same chips, cards,
    // host needs and, under quotas, tenant).
    const bool memo = !reference_ && !o_.data.active();
    const uint32_t cls = track_[id].cls;
    if (memo && cls < walk_failed_.size() && walk_failed_[cls] == std::make_pair(passes_, ctx.state_version()))
      continue;
    if (preempt_for(ctx, id, key)) {
      place(ctx, id);
    } else if (memo) {
      if (cls >= walk_failed_.size()) walk_failed_.resize(static_cast<std::size_t>(cls) + 1);
      walk_failed_[cls] = {passes_, ctx.state_version()};
    }
  }
  // Jobs preempted above may fit elsewhere at once.
  if (victims_ready) {
    order_pending(ctx);
    for (const auto& [key, id] : order_) place(ctx, id);
  }
  if (any_waiting()) {
    // On a fixed grid (multiples of the quantum), so passes at different times ask for the same
    // wake-up instead of each starting its own chain.
    const int64_t q = o_.quantum.us();
    ctx.wake_at(SimTime::from_us((ctx.now().us() / q + 1) * q));
  }
}

}  // namespace hetsim
