#include "hetsim/policy/ordering/preemptive_priority.hpp"

#include <algorithm>
#include <cmath>

#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
const char* rule_name(PreemptivePriorityPolicy::Rule r) {
  switch (r) {
    case PreemptivePriorityPolicy::Rule::Srtf: return "srtf";
    case PreemptivePriorityPolicy::Rule::Las: return "las";
    case PreemptivePriorityPolicy::Rule::Tiresias: return "tiresias";
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
  pending_.insert(id);
  track(id).waiting_since = ctx.now();
}

void PreemptivePriorityPolicy::on_end(const SchedulingContext&, JobId id) {
  running_.erase(id);
  pending_.erase(id);
}

void PreemptivePriorityPolicy::on_requeue(const SchedulingContext& ctx, JobId id) {
  running_.erase(id);
  pending_.insert(id);
  track(id).waiting_since = ctx.now();
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
  const Job& j = ctx.job(id);
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
  if (!find_placement_for_data(ctx, ctx.job(id), o_.data, o_.placement, {}, scratch_, o_.gangs, ahead)) return false;
  ctx.start(id, scratch_);
  Track& t = track(id);
  t.waited_s += (ctx.now() - t.waiting_since).seconds();
  pending_.erase(id);
  running_.insert(id);
  return true;
}

void PreemptivePriorityPolicy::preempt(SchedulingContext& ctx, JobId victim) {
  track(victim).waiting_since = ctx.now();
  ctx.preempt(victim);
  running_.erase(victim);
  pending_.insert(victim);
}

// Walks the runs `key` outranks, lowest priority first, counting the cards they would free on the
// job's usable chips, until one node (a job that fits a node) or one pool (a gang) would hold it;
// then preempts only the walked runs on that node or pool.
bool PreemptivePriorityPolicy::preempt_for(SchedulingContext& ctx, JobId id, const Key& key) {
  const Cluster& c = ctx.cluster();
  const Job& j = ctx.job(id);
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
  // With a data locality rule, room is made where the job's data is (when that site can ever hold it).
  const bool home_only = o_.data.active() && j.data_gb > 0 && site_can_ever_hold(c, j, usable, j.data_site);
  // Guaranteed shares: the freed cards must leave the job room outside other tenants' reserved ones.
  const auto outside_reserved = [&](PoolId p) {
    return ctx.unreserved_free(j.tenant, p) + freed_pool_[p] >= j.cards;
  };
  for (const auto& [vkey, v] : victims_) {
    if (!key.outranks(vkey)) break;  // sorted lowest priority first: none further is outranked
    // Already preempted in this pass, within its lease, or before its first checkpoint of this run
    // (stopping it then would throw the whole run away, and with a lease shorter than the
    // checkpoint interval no run would ever keep anything: a livelock).
    if (running_.count(v) == 0 || ctx.now() - ctx.run_started(v) < o_.min_run || !ctx.keeps_work_if_preempted(v)) continue;
    // Within its tenant's guarantee: its cards would be reserved back for that tenant at once.
    if (ctx.job(v).tenant != j.tenant && ctx.guaranteed(v)) continue;
    walked_.push_back(v);
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

void PreemptivePriorityPolicy::order_pending(const SchedulingContext& ctx) {
  order_.clear();
  for (JobId id : pending_) order_.emplace_back(key_of(ctx, id), id);
  // Only the first max_scan are examined: a partial sort orders just those.
  const std::size_t keep = std::min<std::size_t>(order_.size(), o_.max_scan);
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep), order_.end());
  order_.resize(keep);
}

void PreemptivePriorityPolicy::schedule(SchedulingContext& ctx) {
  if (pending_.empty()) return;
  order_pending(ctx);
  bool victims_ready = false;
  // Preemption is decided on the quantum grid only (jobs start whenever they fit): one sort of the
  // running jobs per quantum at most, and no run is stopped by every arrival.
  const bool may_preempt = ctx.now().us() % o_.quantum.us() == 0;
  ahead_.clear();
  for (const auto& [key, id] : order_) {
    if (!ctx.is_pending(id)) continue;
    if (place(ctx, id, ahead_.at(ctx.job(id).data_site))) continue;
    ahead_.add(ctx.job(id));
    if (!may_preempt || running_.empty() || tenant_held(ctx, ctx.job(id))) continue;
    if (!victims_ready) {
      // Running jobs by priority, lowest first; computed once per pass (keys move only with time).
      victims_.clear();
      for (JobId r : running_) victims_.emplace_back(key_of(ctx, r), r);
      std::sort(victims_.begin(), victims_.end(), [](const auto& a, const auto& b) { return b.first < a.first; });
      victims_ready = true;
    }
    if (preempt_for(ctx, id, key)) place(ctx, id);
  }
  // Jobs preempted above may fit elsewhere at once.
  if (victims_ready) {
    order_pending(ctx);
    for (const auto& [key, id] : order_) place(ctx, id);
  }
  if (!pending_.empty()) {
    // On a fixed grid (multiples of the quantum), so passes at different times ask for the same
    // wake-up instead of each starting its own chain.
    const int64_t q = o_.quantum.us();
    ctx.wake_at(SimTime::from_us((ctx.now().us() / q + 1) * q));
  }
}

}  // namespace hetsim
