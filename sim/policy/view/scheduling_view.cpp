#include "hetsim/policy/view/scheduling_view.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "hetsim/policy/placement/context_input.hpp"
#include "hetsim/policy/placement/data_locality.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

const char* start_result_name(StartResult r) {
  switch (r) {
    case StartResult::Started:
      return "started";
    case StartResult::NoFit:
      return "no-fit";
    case StartResult::Held:
      return "held";
  }
  return "?";
}

namespace {
[[noreturn]] void refuse(JobId id, const std::string& what) {
  throw PolicyViolation("job " + std::to_string(id) + ": " + what);
}
}  // namespace

bool WaitingColumns::insert(const JobRequest& j, uint64_t usable_chips) {
  const auto at = std::lower_bound(id.begin(), id.end(), j.id);
  if (at != id.end() && *at == j.id) return false;
  const auto row = at - id.begin();
  id.insert(at, j.id);
  cards.insert(cards.begin() + row, j.cards);
  min_cards.insert(min_cards.begin() + row, j.min_gang());
  max_cards.insert(max_cards.begin() + row, j.max_gang());
  arrival_s.insert(arrival_s.begin() + row, j.arrival.seconds());
  estimate_s.insert(estimate_s.begin() + row, j.runtime_estimate_s);
  priority.insert(priority.begin() + row, j.priority);
  tenant.insert(tenant.begin() + row, j.tenant);
  allowed_chips.insert(allowed_chips.begin() + row, usable_chips);
  mem_per_card_gb.insert(mem_per_card_gb.begin() + row, j.mem_per_card_gb());
  may_mix_chips.insert(may_mix_chips.begin() + row, j.may_mix_chips ? 1 : 0);
  held.insert(held.begin() + row, 0);
  return true;
}

void WaitingColumns::erase(JobId job) {
  const std::size_t row = row_of(job);
  if (row == npos) return;
  const auto at = [row](auto& v) { return v.begin() + static_cast<std::ptrdiff_t>(row); };
  id.erase(at(id));
  cards.erase(at(cards));
  min_cards.erase(at(min_cards));
  max_cards.erase(at(max_cards));
  arrival_s.erase(at(arrival_s));
  estimate_s.erase(at(estimate_s));
  priority.erase(at(priority));
  tenant.erase(at(tenant));
  allowed_chips.erase(at(allowed_chips));
  mem_per_card_gb.erase(at(mem_per_card_gb));
  may_mix_chips.erase(at(may_mix_chips));
  held.erase(at(held));
}

std::size_t WaitingColumns::row_of(JobId job) const {
  const auto at = std::lower_bound(id.begin(), id.end(), job);
  return at != id.end() && *at == job ? static_cast<std::size_t>(at - id.begin()) : npos;
}

SchedulingView::SchedulingView(SchedulingContext& ctx, WaitingColumns& waiting, ViewPlacement placement,
                               bool preemptive)
    : ctx_(ctx), placement_(placement), preemptive_(preemptive), waiting_(waiting), taken_(waiting.size(), 0) {
  if (!ctx.has_quotas()) {
    std::fill(waiting.held.begin(), waiting.held.end(), 0);
  } else {
    for (std::size_t i = 0; i < waiting.size(); ++i) waiting.held[i] = tenant_held(ctx, ctx.job(waiting.id[i])) ? 1 : 0;
  }
}

const PoolColumns& SchedulingView::pools() const {
  if (pools_.size() == 0) {
    for (const Pool& p : ctx_.cluster().pools()) {
      pools_.chip.push_back(p.chip);
      pools_.site.push_back(p.site);
      pools_.provider.push_back(p.provider);
      pools_.cards.push_back(p.cards());
      pools_.price_per_card_hour.push_back(p.price_per_card_hour);
    }
  }
  return pools_;
}

const FreeColumns& SchedulingView::free() const {
  if (free_stale_) refresh_free();
  return free_;
}

void SchedulingView::refresh_free() const {
  free_stale_ = false;
  const Cluster& c = ctx_.cluster();
  const std::size_t chips = ctx_.chips().size();
  free_.by_chip.assign(chips, 0);
  free_.by_site.assign(c.site_count(), 0);
  for (ChipId chip = 0; chip < chips; ++chip) {
    for (SiteId s = 0; s < c.site_count(); ++s) {
      const int64_t n = c.free_cards(chip, s);
      free_.by_chip[chip] += n;
      free_.by_site[s] += n;
    }
  }
  free_.by_pool.resize(c.pool_count());
  for (PoolId p = 0; p < c.pool_count(); ++p) free_.by_pool[p] = c.pool_free_cards(p);
}

const TenantColumns& SchedulingView::tenants() const {
  if (tenants_stale_) refresh_tenants();
  return tenants_;
}

void SchedulingView::refresh_tenants() const {
  tenants_stale_ = false;
  tenants_ = TenantColumns{};
  if (!ctx_.has_quotas()) return;
  const Cluster& c = ctx_.cluster();
  const std::size_t count = ctx_.tenant_count();
  tenants_.pools = c.pool_count();
  tenants_.quota_room.resize(count);
  tenants_.budget_left.resize(count);
  tenants_.room_by_pool.resize(count * tenants_.pools);
  std::vector<int64_t> provider_room(c.provider_count());
  for (TenantId t = 0; t < count; ++t) {
    const int64_t overall = ctx_.quota_room(t, SchedulingContext::kAnyProvider);
    tenants_.quota_room[t] = overall;
    tenants_.budget_left[t] = ctx_.budget_left(t);
    // Once per provider, not per pool: a provider has many pools.
    for (ProviderId p = 0; p < provider_room.size(); ++p) provider_room[p] = ctx_.quota_room(t, p);
    for (PoolId q = 0; q < tenants_.pools; ++q) {
      const int64_t room = std::min({ctx_.unreserved_free(t, q), provider_room[c.pool(q).provider], overall});
      tenants_.room_by_pool[t * tenants_.pools + q] = std::max<int64_t>(room, 0);
    }
  }
}

const RunningColumns& SchedulingView::running() const {
  if (running_stale_) refresh_running();
  return running_;
}

void SchedulingView::refresh_running() const {
  running_stale_ = false;
  const Cluster& c = ctx_.cluster();
  std::vector<JobId> ids;
  ids.reserve(ctx_.running_by_estimated_end().size());
  for (const auto& [end, id] : ctx_.running_by_estimated_end()) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  running_ = RunningColumns{};
  for (JobId id : ids) {
    const JobRequest& j = ctx_.job(id);
    const Allocation& a = ctx_.allocation_of(id);
    int32_t chip = a.empty() ? kSeveral : static_cast<int32_t>(c.node_chip(a.front().node));
    int32_t site = a.empty() ? kSeveral : static_cast<int32_t>(c.node_site(a.front().node));
    for (const NodeGrant& g : a) {
      if (static_cast<int32_t>(c.node_chip(g.node)) != chip) chip = kSeveral;
      if (static_cast<int32_t>(c.node_site(g.node)) != site) site = kSeveral;
    }
    running_.id.push_back(id);
    running_.cards.push_back(allocation_cards(a));
    running_.chip.push_back(chip);
    running_.site.push_back(site);
    running_.tenant.push_back(j.tenant);
    running_.priority.push_back(j.priority);
    running_.arrival_s.push_back(j.arrival.seconds());
    running_.estimated_end_s.push_back(ctx_.estimated_end(id).seconds());
    if (preemptive_) {
      running_.executed_s.push_back(ctx_.executed_s(id));
      running_.remaining_fraction.push_back(ctx_.remaining_fraction(id));
    }
  }
}

void SchedulingView::require_known(JobId id, ChipId chip, const char* what) const {
  if (chip >= chip_count()) refuse(id, std::string(what) + ": no chip id " + std::to_string(chip));
  if (waiting_.row_of(id) != WaitingColumns::npos) return;
  const std::vector<JobId>& running = this->running().id;
  if (!std::binary_search(running.begin(), running.end(), id))
    refuse(id, std::string(what) + ": the job is neither waiting nor running");
}

double SchedulingView::estimated_runtime_s(JobId id, ChipId chip) const {
  require_known(id, chip, "estimated_runtime_s");
  const JobRequest& j = ctx_.job(id);
  if (!((usable_chip_mask(j, ctx_.chips(), ctx_.perf()) >> chip) & 1ULL))
    return std::numeric_limits<double>::infinity();  // as waiting_runtime_s: it may not run there
  return ctx_.estimated_runtime_floor_s(id, chip);
}

const std::vector<double>& SchedulingView::waiting_runtime_s() const {
  if (waiting_runtime_built_) return waiting_runtime_s_;
  waiting_runtime_built_ = true;
  const std::size_t chips = chip_count();
  waiting_runtime_s_.assign(waiting_.size() * chips, std::numeric_limits<double>::infinity());
  for (std::size_t i = 0; i < waiting_.size(); ++i)
    for (ChipId c = 0; c < chips; ++c)
      if ((waiting_.allowed_chips[i] >> c) & 1ULL)
        waiting_runtime_s_[i * chips + c] = ctx_.estimated_runtime_floor_s(waiting_.id[i], c);
  return waiting_runtime_s_;
}

double SchedulingView::steps_per_s(JobId id, ChipId chip, uint32_t cards) const {
  require_known(id, chip, "steps_per_s");
  return cards == 0 ? ctx_.steps_per_s(id, chip) : ctx_.steps_per_s(id, chip, cards);
}

void SchedulingView::require_waiting(JobId id, const char* what) const {
  const std::size_t row = waiting_.row_of(id);
  if (row == WaitingColumns::npos || taken_[row])
    refuse(id, std::string(what) + ": the job is not waiting (not submitted yet, started or ended)");
}

// As fifo places its head with its default options (no data rule; mixing chip types off).
StartResult SchedulingView::place(JobId id, const JobRequest& as) {
  if (tenant_held(ctx_, as)) return StartResult::Held;
  if (!find_placement_for_data(ctx_, as, DataOptions{}, placement_.score, {}, scratch_, placement_.gangs))
    return StartResult::NoFit;
  ctx_.start(id, scratch_);
  commit(id);
  return StartResult::Started;
}

void SchedulingView::commit(JobId id) {
  taken_[waiting_.row_of(id)] = 1;
  started_.push_back(id);
  cards_moved();
}

void SchedulingView::cards_moved() {
  free_stale_ = true;
  running_stale_ = true;
  tenants_stale_ = true;
}

StartResult SchedulingView::start(JobId id) {
  require_waiting(id, "start");
  return place(id, ctx_.job(id));
}

StartResult SchedulingView::start_on(JobId id, ChipId chip, uint32_t cards) {
  require_waiting(id, "start");
  JobRequest as = ctx_.job(id);
  if (chip >= ctx_.chips().size()) refuse(id, "start on chip " + std::to_string(chip) + ": no such chip id");
  if (cards != 0) {
    if (!as.gang_size_allowed(cards))
      refuse(id, "start on " + std::to_string(cards) + " cards: outside the job's range " +
                     std::to_string(as.min_gang()) + ".." + std::to_string(as.max_gang()));
    as.cards = cards;  // first: the memory each card needs depends on the gang's size
  }
  if (!((usable_chip_mask(as, ctx_.chips(), ctx_.perf()) >> chip) & 1ULL))
    refuse(id, "start on " + chip_name(chip) + " on " + std::to_string(as.cards) +
                   " cards: the job may not use it (not allowed, or its memory does not fit)");
  as.allowed_chips = 1ULL << chip;
  as.may_mix_chips = false;
  return place(id, as);
}

StartResult SchedulingView::start_on_nodes(JobId id, const std::vector<NodeId>& nodes,
                                           const std::vector<uint32_t>& cards) {
  require_waiting(id, "start");
  const Cluster& c = ctx_.cluster();
  if (nodes.size() != cards.size() || nodes.empty())
    refuse(id, "start on nodes: give one card count per node, and at least one node");
  JobRequest as = ctx_.job(id);
  uint32_t total = 0;
  for (uint32_t n : cards) total += n;
  as.cards = total;  // an elastic job's size is the sum; the driver checks it against its range
  Allocation a;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i] >= c.node_count()) refuse(id, "start on node " + std::to_string(nodes[i]) + ": no such node");
    if (cards[i] == 0 || cards[i] > c.node_free_cards(nodes[i]))
      refuse(id, "start on node " + std::to_string(nodes[i]) + ": " + std::to_string(cards[i]) + " cards asked, " +
                     std::to_string(c.node_free_cards(nodes[i])) + " free");
    for (const NodeGrant& g : a)
      if (g.node == nodes[i]) refuse(id, "start on nodes: node " + std::to_string(nodes[i]) + " given twice");
    a.push_back(grant_cards(c, as, nodes[i], cards[i]));
  }
  if (!within_quota(ctx_, as, a)) return StartResult::Held;  // these very cards, not any room
  ctx_.start(id, std::move(a));                              // the driver checks chips, memory, gang size
  commit(id);
  return StartResult::Started;
}

void SchedulingView::wake_at(SimTime t) {
  if (t <= ctx_.now())
    throw PolicyViolation("wake_at(" + std::to_string(t.seconds()) + " s): not later than now (" +
                          std::to_string(now_s()) + " s); this pass is the pass now");
  ctx_.wake_at(t);
}

void SchedulingView::preempt(JobId id) {
  ctx_.preempt(id);  // the driver refuses it for a policy that is not preemptive, or a job not running
  preempted_.push_back(id);
  cards_moved();
}

}  // namespace hetsim
