#include "hetsim/run/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/perf/checkpoint.hpp"
#include "hetsim/policy/placement/mixed_placement.hpp"

namespace hetsim {

void compute_reference_step_times(SimulationModel& m) {
  const ChipSpec& ref = m.chips.at(m.reference_chip);
  const SiteFabric fabric = m.topology.site_count() > 0 ? m.topology.fabric(0) : SiteFabric{};
  m.reference_step_time_s.resize(m.jobs.size());
  for (std::size_t i = 0; i < m.jobs.size(); ++i) {
    if (m.jobs[i].measured_type >= 0) {
      const double rate = m.measured.rate(m.jobs[i].measured_type, m.reference_chip);
      m.reference_step_time_s[i] = rate > 0 ? 1.0 / rate : 0.0;  // 0: estimates are not scaled
      continue;
    }
    const AllocationShape shape =
        packed_shape(m.reference_chip, m.jobs[i].cards, static_cast<uint32_t>(ref.cards_per_server),
                     fabric.node_nic_gbps, fabric.hop_latency_us);
    m.reference_step_time_s[i] = step_time(m.jobs[i].model, ref, shape, m.perf).total_s;
  }
}

Simulation::Simulation(const SimulationModel& model, Policy& policy, MetricsCollector& metrics)
    : model_(model),
      policy_(policy),
      metrics_(metrics),
      engine_(4096),
      cluster_(model.cluster),
      state_(model.jobs.size(), State::NotArrived),
      alloc_(model.jobs.size()),
      est_end_(model.jobs.size()),
      policy_name_(policy.name()),
      mixing_(model.mixing, model.chips) {
  topology_ = &model_.topology;
  handlers_[kArrival] = &Simulation::on_arrival;
  handlers_[kCompletion] = &Simulation::on_completion;
  handlers_[kSample] = &Simulation::on_sample;
  handlers_[kWake] = &Simulation::on_wake;
  handlers_[kNodeFail] = handlers_[kNodeRepair] = &Simulation::on_node_event;
  handlers_[kOutageStart] = handlers_[kOutageEnd] = &Simulation::on_outage;
  handlers_[kLinkDown] = handlers_[kLinkUp] = &Simulation::on_link;
  handlers_[kTransfer] = &Simulation::on_transfer;
  handlers_[kStaged] = &Simulation::on_staged;
  state_count_[static_cast<int>(State::NotArrived)] = model.jobs.size();
  if (model.stop_last > model.stop_first) window_left_ = model.stop_last - model.stop_first;
  preemptive_ = policy.preemptive();
  guarantees_ = GuaranteedShares(model.tenants, model.cluster.provider_count(), model.cluster.pool_count());
  // Reclaiming for a guarantee stops runs under any policy: their checkpoint state is kept.
  if (preemptive_ || model.failures.any() || model.data_staging.enabled || guarantees_.active()) {
    runs_ = RunBook(model.jobs.size(), model.checkpoint);
  } else {
    runs_ = RunBook(0, model.checkpoint);
  }
  tenants_ = TenantLedger(model.cluster, model.tenants, model.jobs.size(), guarantees_.active());
  guarantees_.attach({&cluster_, &model.jobs, &model.tenants, &model.chips, &model.perf, &tenants_, &alloc_, &running_,
                      &runs_, [this] { return engine_.now().seconds(); }});
  if (model.data_staging.enabled) copies_ = DataCopies(model.topology.links(), model.data_staging.link_share);
  for (std::size_t i = 0; i < model.jobs.size(); ++i) {
    if (model.jobs[i].id != i) throw std::invalid_argument("SimulationModel: job ids must equal their index");
    if (i > 0 && model.jobs[i].arrival < model.jobs[i - 1].arrival) {
      throw std::invalid_argument("SimulationModel: jobs must be sorted by arrival");
    }
  }
  if (model.reference_step_time_s.size() != model.jobs.size()) {
    throw std::invalid_argument("SimulationModel: reference_step_time_s not computed");
  }
}

void Simulation::violation(JobId id, const std::string& what) const {
  throw PolicyViolation("policy '" + policy_name_ + "' made an invalid decision for job " + std::to_string(id) +
                        " at t=" + std::to_string(engine_.now().seconds()) + "s: " + what);
}

double Simulation::mixed_efficiency(JobId id, std::span<const ChipCount> mix) const {
  const Job& j = model_.jobs.at(id);
  if (!j.may_mix_chips || mix.size() < 2) return 0;
  for (const ChipCount& g : mix) {
    if (!j.chip_allowed(g.chip)) return 0;
  }
  return mixing_.efficiency(j, mix).eta;
}

double Simulation::step_time_on(JobId id, std::span<const ChipCount> mix, const AllocationShape& shape,
                                double* eta) const {
  const Job& j = model_.jobs.at(id);
  *eta = 0;
  if (j.measured_type >= 0) {
    // Measured types never mix (the scenario reader refuses mix_chips on them).
    const double rate = model_.measured.rate(j.measured_type, shape.chip);
    return rate > 0 ? 1.0 / rate : INFINITY;
  }
  if (mix.size() == 1) return step_time(j.model, model_.chips.at(shape.chip), shape, model_.perf).total_s;
  const MixedSpeed speed = mixing_.efficiency(j, mix);
  if (!(speed.eta > 0)) return INFINITY;
  // The scale-free baseline (mixed_efficiency.hpp): the whole gang as each chip, weighted by that
  // chip's share of the cards (a mix with a plan uses every group: mixes that leave one idle have
  // none).
  double cards = 0;
  for (const ChipCount& g : mix) cards += g.cards;
  double steps_per_s = 0;
  for (const ChipCount& g : mix) {
    if (!((speed.baseline_mask >> g.chip) & 1ULL)) continue;
    AllocationShape as_chip = shape;
    as_chip.chip = g.chip;
    steps_per_s += g.cards / cards / step_time(j.model, model_.chips.at(g.chip), as_chip, model_.perf).total_s;
  }
  *eta = speed.eta;
  return 1.0 / (speed.eta * steps_per_s);
}

double Simulation::steps_per_s(JobId id, ChipId chip) const { return steps_per_s(id, chip, model_.jobs.at(id).cards); }

double Simulation::steps_per_s(JobId id, ChipId chip, uint32_t cards) const {
  const Job& j = model_.jobs.at(id);
  if (chip >= model_.chips.size() || !j.chip_allowed(chip) || !j.gang_size_allowed(cards)) return 0;
  if (j.measured_type >= 0) return cards == j.cards ? model_.measured.rate(j.measured_type, chip) : 0.0;
  const ChipSpec& spec = model_.chips.at(chip);
  if (!fits_memory(j, spec, model_.perf, cards)) return 0;
  const SiteFabric fabric = model_.topology.site_count() > 0 ? model_.topology.fabric(0) : SiteFabric{};
  const AllocationShape shape = packed_shape(chip, cards, static_cast<uint32_t>(spec.cards_per_server),
                                             fabric.node_nic_gbps, fabric.hop_latency_us);
  const double step_s = step_time(j.model, spec, shape, model_.perf).total_s;
  return step_s > 0 ? 1.0 / step_s : 0.0;
}

double Simulation::restart_cost_s(JobId id) const {
  const Job& j = model_.jobs.at(id);
  return model_.checkpoint.transfer_s(j) + model_.checkpoint.resume_s(j, true, false);
}

double Simulation::scaled_estimate_s(JobId id, double step_s) const {
  const Job& j = model_.jobs.at(id);
  const double ref = model_.reference_step_time_s[id];
  return ref > 0 ? j.runtime_estimate_s * step_s / ref : j.runtime_estimate_s;
}

double Simulation::estimated_runtime_s(JobId id, const Allocation& a) const {
  if (a.empty()) return model_.jobs.at(id).runtime_estimate_s;
  double eta = 0;
  thread_local std::vector<ChipCount> mix;  // reused: policies ask for estimates at every pass
  chip_mix(a, cluster_, mix);
  return scaled_estimate_s(id, step_time_on(id, mix, shape_of(a, cluster_, *topology_), &eta));
}

double Simulation::estimated_runtime_floor_s(JobId id, ChipId chip) const {
  const Job& j = model_.jobs.at(id);
  if (j.measured_type >= 0) {  // as step_time_on: the type's rate on the chip, whatever the shape
    const double rate = model_.measured.rate(j.measured_type, chip);
    return scaled_estimate_s(id, rate > 0 ? 1.0 / rate : INFINITY);
  }
  return scaled_estimate_s(id, step_time_floor_s(j.model, model_.chips.at(chip), j.cards));
}

double Simulation::estimated_runtime_s(JobId id, const AllocationShape& shape) const {
  if (shape.cards == 0) return model_.jobs.at(id).runtime_estimate_s;
  // One chip type: step_time_on's single-type case, without an allocation.
  const ChipCount one{shape.chip, shape.cards};
  double eta = 0;
  return scaled_estimate_s(id, step_time_on(id, std::span<const ChipCount>(&one, 1), shape, &eta));
}

// Every rule a start must keep, in the order they are checked; violation() (a PolicyViolation
// that ends the run) at the first one broken. Fills the gang's chip groups into `mix` and returns
// its shape.
AllocationShape Simulation::check_start(JobId id, const Allocation& a, std::vector<ChipCount>& mix) const {
  if (id >= model_.jobs.size()) violation(id, "no such job");
  if (state_[id] != State::Pending) violation(id, "job is not pending");
  const Job& j = model_.jobs[id];
  if (a.empty()) violation(id, "empty allocation");
  const ChipId chip = cluster_.node_chip(a.front().node < cluster_.node_count() ? a.front().node : 0);
  uint32_t cards = 0;
  for (const NodeGrant& g : a) {
    if (g.node >= cluster_.node_count()) violation(id, "node " + std::to_string(g.node) + " does not exist");
    if (cluster_.node_chip(g.node) != chip && !j.may_mix_chips)
      violation(id, "gang spans several chip types but the job may not mix them");
    if (g.milli_per_card != kMilliPerCard) violation(id, "whole cards required, got a fractional grant");
    const auto k = static_cast<uint32_t>(card_count(g.card_mask));
    if (g.cpu_milli < j.cpu_milli_per_card * k || g.mem_mib < j.mem_mib_per_card * k) {
      violation(id, "host CPU/memory grant on node " + std::to_string(g.node) + " below the job's request");
    }
    cards += k;
  }
  if (!j.gang_size_allowed(cards)) {
    if (j.elastic()) {
      violation(id, "elastic job takes " + std::to_string(j.min_gang()) + " to " + std::to_string(j.max_gang()) +
                        " cards, given " + std::to_string(cards));
    }
    violation(id, "gang of " + std::to_string(j.cards) + " cards given " + std::to_string(cards) + " (all-or-nothing)");
  }
  chip_mix(a, cluster_, mix);
  for (const ChipCount& g : mix) {
    const std::string& name = model_.chips.at(g.chip).name;
    if (!j.chip_allowed(g.chip)) violation(id, "chip " + name + " not allowed for this job");
    if (!fits_memory(j, model_.chips.at(g.chip), model_.perf, cards)) {
      violation(
          id, "job needs " + std::to_string(j.mem_per_card_gb(cards)) + " GB per card, more than " + name + " offers");
    }
  }
  const std::string why = cluster_.check(a);
  if (!why.empty()) violation(id, why);
  check_tenant_rules(id, a, cards);
  const AllocationShape shape = shape_of(a, cluster_, *topology_);
  // Whole-gang test: comparing each grant with the first misses A@site0, A@site1, B@site0.
  if (mix.size() > 1 && shape.sites > 1) violation(id, "a gang spanning chip types must stay in one site");
  if (shape.sites > 1) {
    if (!j.allow_cross_site) violation(id, "gang spans sites but the job does not allow it");
    if (!(shape.inter_site_gbps > 0)) violation(id, "gang spans sites with no network path between them");
  }
  return shape;
}

// A tenant's quota and budget, and other tenants' guaranteed shares.
void Simulation::check_tenant_rules(JobId id, const Allocation& a, uint32_t cards) const {
  const Job& j = model_.jobs[id];
  if (has_quotas()) {
    const std::vector<int64_t> take = allocation_cards_by_provider(cluster_, a);
    const std::string& tenant = model_.tenants.at(j.tenant).name;
    if (!(budget_left(j.tenant) > 0)) violation(id, "tenant " + tenant + " has spent its budget");
    if (quota_room(j.tenant, kAnyProvider) < cards) violation(id, "tenant " + tenant + " would exceed its quota");
    for (ProviderId p = 0; p < take.size(); ++p) {
      if (take[p] > 0 && quota_room(j.tenant, p) < take[p]) {
        violation(id, "tenant " + tenant + " would exceed its quota at provider " + cluster_.provider(p).name);
      }
    }
  }
  if (has_reservations()) {
    const std::vector<int64_t> take = allocation_cards_by_pool(cluster_, a);
    for (PoolId p = 0; p < take.size(); ++p) {
      if (take[p] > 0 && take[p] > unreserved_free(j.tenant, p)) {
        violation(id, "takes cards of pool " + std::to_string(p) + " (provider " +
                          cluster_.provider(cluster_.pool(p).provider).name +
                          ") reserved for another tenant's guaranteed share");
      }
    }
  }
}

// The run's wall time on its cards (a first run without periodic checkpoints takes exactly its
// steps; otherwise the segment arithmetic of sim/perf/checkpoint.hpp adds restart and checkpoint
// time) and, in `est`, the estimate of it; notes the run's state for a later stop.
SimTime Simulation::plan_run(JobId id, double step_s, SimTime now, double& est) {
  est = scaled_estimate_s(id, step_s);
  return runs_.plan(model_.jobs[id], step_s, now, est);
}

void Simulation::start(JobId id, Allocation a) {
  std::vector<ChipCount>& mix = mix_scratch_;
  const AllocationShape shape = check_start(id, a, mix);
  // Every refusal before any change: a policy that catches one finds the run as it was.
  double eta = 0;
  const double step_s = step_time_on(id, mix, shape, &eta);
  if (mix.size() > 1 && !(eta > 0)) violation(id, "no mixed-training plan fits this mix of chips");
  cluster_.allocate(a);
  hold_for_tenant(id, a, +1);
  ++version_;
  set_state(id, State::Running);
  --pending_count_;
  const SimTime now = engine_.now();
  double est = 0;
  const SimTime runtime = plan_run(id, step_s, now, est);
  // With data staging the run trains once its copies arrive (copy_arrived); it holds its cards
  // from now, and its estimated end includes the copies' estimate at current link shares.
  const uint16_t copies = model_.data_staging.enabled ? begin_staging(id, a) : 0;
  double staging_est = 0;
  if (copies > 0) {
    RunBook::Run& r = runs_[id];
    r.staging = copies;
    r.pending_runtime = runtime;
    r.pending_est_s = std::max(est, 0.0);
    staging_est = staging_in_flight_s(id);
  }
  est = std::min(est + std::min(staging_est, SimTime::kMaxSeconds), SimTime::kMaxSeconds - now.seconds());
  est_end_[id] = now + SimTime::from_seconds(std::max(est, 0.0));
  running_.emplace(est_end_[id], id);
  metrics_.on_start(id, a, now, eta);
  alloc_[id] = std::move(a);
  if (copies == 0 && runtime <= kNever - now) {
    engine_.schedule_at(now + runtime, kCompletion, id, runs_.stamp(id));
  }
  if (check_invariants_) check_local(id);
}

void Simulation::hold_for_tenant(JobId id, const Allocation& a, int sign) {
  if (!tenants_.active()) return;
  const TenantId t = model_.jobs[id].tenant;
  tenants_.hold(id, t, a, sign, engine_.now().seconds());
  guarantees_.holdings_changed(t);
}

double Simulation::budget_left(TenantId t) const { return tenants_.budget_left(t, engine_.now().seconds()); }

int64_t Simulation::quota_room(TenantId t, ProviderId p) const {
  return tenants_.quota_room(t, p, engine_.now().seconds());
}

int64_t Simulation::reserved_for_others(TenantId t, PoolId p) const { return guarantees_.reserved_for_others(t, p); }

bool Simulation::has_reservations() const { return guarantees_.has_reservations(); }

bool Simulation::guaranteed(JobId id) const {
  return state_.at(id) == State::Running && guarantees_.within_guarantee(id);
}

void Simulation::require_preemptive(JobId id, const char* what) const {
  if (!preemptive_) violation(id, std::string(what) + " is only for policies that declare themselves preemptive");
}

uint64_t Simulation::true_steps(JobId id) const {
  if (!policy_.oracle()) violation(id, "true_steps is only for policies that declare themselves oracles");
  return model_.jobs.at(id).steps;
}

Segment Simulation::segment_of(JobId id) const { return runs_.segment(model_.jobs[id]); }

bool Simulation::keeps_work_if_preempted(JobId id) const {
  require_preemptive(id, "keeps_work_if_preempted()");
  if (state_[id] != State::Running) violation(id, "keeps_work_if_preempted(): job is not running");
  return runs_.keeps_work(model_.jobs[id], engine_.now());
}

void Simulation::release_run(JobId id) {
  cluster_.release(alloc_[id]);
  hold_for_tenant(id, alloc_[id], -1);
  ++version_;
  running_.erase({est_end_[id], id});
}

Allocation Simulation::end_run(JobId id, double kept_train_s) {
  if (runs_[id].staging > 0) {
    cancel_staging(id);
    kept_train_s = 0;
  }
  runs_.stop(model_.jobs[id], engine_.now(), kept_train_s);
  release_run(id);
  Allocation held = std::move(alloc_[id]);
  alloc_[id] = Allocation{};
  return held;
}

void Simulation::preempt(JobId id) {
  if (id >= model_.jobs.size()) violation(id, "no such job");
  require_preemptive(id, "preempt()");
  if (state_[id] != State::Running) violation(id, "preempt(): job is not running");
  stop_run(id, MetricsCollector::Stop::Preempted);
}

void Simulation::stop_run(JobId id, MetricsCollector::Stop why) {
  const SimTime now = engine_.now();
  const Segment seg = segment_of(id);
  RunBook::Run& r = runs_[id];
  // A run stopped while its data is still copying has not trained: nothing kept, nothing lost,
  // and its restart cost is still to pay.
  const bool staging = r.staging > 0;
  const double elapsed = staging ? 0.0 : (now - r.start).seconds();
  const Allocation held = end_run(id, seg.kept_at(elapsed));
  // Without periodic checkpoints the job writes one as it stops (if it has work to keep).
  const bool kept_any = r.done_steps > 0;
  r.next_resume_s =
      staging ? r.resume_s : model_.checkpoint.resume_s(model_.jobs[id], kept_any, kept_any && !(seg.interval_s > 0));
  set_state(id, State::Pending);
  ++pending_count_;
  metrics_.on_stop(id, held, now, seg.lost_at(elapsed) * allocation_cards(held), why);
  if (check_invariants_) check_local(kNoJob);
}

void Simulation::kill(JobId id) {
  const SimTime now = engine_.now();
  const Segment seg = segment_of(id);
  RunBook::Run& r = runs_[id];
  const bool staging = r.staging > 0;  // not training yet: nothing to lose
  const double elapsed = staging ? 0.0 : (now - r.start).seconds();
  // A failure leaves no time to write a checkpoint: only periodic ones survive it.
  const bool periodic = seg.interval_s > 0;
  const double kept = periodic ? seg.kept_at(elapsed) : 0.0;
  const double lost_s = periodic ? seg.lost_at(elapsed) : elapsed;
  ++r.failures;
  const double unpaid_resume = r.resume_s;
  const Allocation held = end_run(id, kept);
  r.next_resume_s = staging ? unpaid_resume : model_.checkpoint.resume_s(model_.jobs[id], r.done_steps > 0, false);
  const double lost = lost_s * allocation_cards(held);
  if (r.failures >= model_.failures.retry_limit) {
    set_state(id, State::Done);
    metrics_.on_stop(id, held, now, lost, MetricsCollector::Stop::Failed);
    policy_.on_end(*this, id);
  } else {
    set_state(id, State::Pending);
    ++pending_count_;
    metrics_.on_stop(id, held, now, lost, MetricsCollector::Stop::Killed);
    policy_.on_requeue(*this, id);
  }
}

void Simulation::link_change(uint32_t link, int delta) {
  if (!failures_.link_change(link, delta)) return;  // another outage of the same link still holds it
  const std::vector<bool> up = failures_.links_up();
  if (std::all_of(up.begin(), up.end(), [](bool u) { return u; })) {
    degraded_.reset();
    topology_ = &model_.topology;
  } else {
    degraded_ = model_.topology.with_links(cluster_, up);
    topology_ = &*degraded_;
  }
  ++version_;
  if (copies_.in_flight()) reroute_transfers();
  if (delta < 0) return;
  // Gangs that span sites now without a path between them lose their gradient exchange: killed,
  // in id order. Gangs whose path merely got slower keep their speed (not modelled).
  std::vector<JobId> victims;
  for (const auto& [end, id] : running_) {
    const std::vector<SiteId> sites = allocation_sites(alloc_[id], cluster_);
    bool cut = false;
    for (std::size_t i = 0; i < sites.size() && !cut; ++i) {
      for (std::size_t k = i + 1; k < sites.size() && !cut; ++k) cut = !topology_->sites_connected(sites[i], sites[k]);
    }
    if (cut) victims.push_back(id);
  }
  std::sort(victims.begin(), victims.end());
  for (JobId id : victims) kill(id);
  if (check_invariants_) check_local(kNoJob);
}

void Simulation::nodes_down(std::span<const NodeId> nodes) {
  const std::vector<NodeId>& fresh = failures_.add_down(nodes);
  if (fresh.empty()) return;
  // Kill every job holding a card of a node that just went down (in id order: deterministic);
  // one pass over the running jobs, however many nodes an outage takes down. A node already down
  // is held, so no running job is on it.
  std::vector<JobId> victims;
  for (const auto& [end, id] : running_) {
    if (std::any_of(alloc_[id].begin(), alloc_[id].end(),
                    [&](const NodeGrant& g) { return failures_.is_down(g.node); })) {
      victims.push_back(id);
    }
  }
  std::sort(victims.begin(), victims.end());
  for (JobId id : victims) kill(id);  // changes no failure state: `fresh` stays valid
  for (NodeId n : fresh) {
    NodeGrant& h = failures_.hold(n);
    h = NodeGrant{};
    h.node = n;
    h.card_mask = cluster_.node_free_mask(n);
    h.milli_per_card = kMilliPerCard;
    h.cpu_milli = cluster_.node_cpu_free(n);
    h.mem_mib = cluster_.node_mem_free(n);
    cluster_.allocate(Allocation{h});
    metrics_.on_node_down(n, engine_.now());
  }
  ++version_;
  if (check_invariants_) check_local(kNoJob);
}

void Simulation::nodes_up(std::span<const NodeId> nodes) {
  const std::vector<NodeId>& back = failures_.remove_down(nodes);
  if (back.empty()) return;
  for (NodeId n : back) {
    cluster_.release(Allocation{failures_.hold(n)});
    failures_.hold(n) = NodeGrant{};
    metrics_.on_node_up(n, engine_.now());
  }
  ++version_;
  if (check_invariants_) check_local(kNoJob);
}

void Simulation::schedule_node_event(NodeId n, uint32_t kind) {
  const double dt = failures_.draw_delay_s(n, kind == kNodeFail);
  if (dt >= (model_.horizon - engine_.now()).seconds()) return;
  engine_.schedule_at(engine_.now() + SimTime::from_seconds(dt), kind, n);
}

void Simulation::schedule_failures() {
  const FailureModel& f = model_.failures;
  if (!f.any()) return;
  failures_ = FailureState(f, model_.cluster, model_.seed, model_.topology.links().size());
  for (NodeId n = 0; n < cluster_.node_count(); ++n) {
    if (failures_.node_fails(n)) schedule_node_event(n, kNodeFail);
  }
  for (std::size_t i = 0; i < f.site_outages.size(); ++i) {
    const SiteOutage& o = f.site_outages[i];
    if (o.at > model_.horizon) continue;
    engine_.schedule_at(o.at, kOutageStart, static_cast<uint32_t>(i));
    if (o.at + o.duration <= model_.horizon)
      engine_.schedule_at(o.at + o.duration, kOutageEnd, static_cast<uint32_t>(i));
  }
  for (const LinkOutage& o : f.link_outages) {
    if (o.link >= model_.topology.links().size())
      throw std::invalid_argument("SimulationModel: link outage of an unknown link");
    if (o.at > model_.horizon) continue;
    engine_.schedule_at(o.at, kLinkDown, o.link);
    if (o.at + o.duration <= model_.horizon) engine_.schedule_at(o.at + o.duration, kLinkUp, o.link);
  }
}

double Simulation::executed_s(JobId id) const {
  require_preemptive(id, "executed_s()");
  return runs_.executed_s(id, engine_.now(), state_[id] == State::Running);
}

double Simulation::remaining_fraction(JobId id) const {
  require_preemptive(id, "remaining_fraction()");
  return runs_.remaining_fraction(model_.jobs[id], engine_.now(), state_[id] == State::Running);
}

SimTime Simulation::run_started(JobId id) const {
  require_preemptive(id, "run_started()");
  if (state_[id] != State::Running) violation(id, "run_started(): job is not running");
  return runs_.run_started(id, engine_.now());
}

void Simulation::wake_at(SimTime t) {
  if (t < engine_.now()) {
    throw PolicyViolation("policy '" + policy_name_ + "' asked to be woken at t=" + std::to_string(t.seconds()) +
                          "s, before now (t=" + std::to_string(engine_.now().seconds()) + "s)");
  }
  if (t == engine_.now()) {
    // A pass happens now anyway; a wake-up now would bring this pass back, and its policy would
    // ask again: the run would never leave this instant.
    throw PolicyViolation("policy '" + policy_name_ + "' asked to be woken at t=" + std::to_string(t.seconds()) +
                          "s, which is now: a pass at now is this one (ask for a later time)");
  }
  if (t > model_.horizon || !wakes_.insert(t).second) return;
  engine_.schedule_at(t, kWake);
}

void Simulation::set_state(JobId id, State s) {
  if (guarantees_.active() && (state_[id] == State::Pending) != (s == State::Pending)) {
    guarantees_.set_waiting(model_.jobs[id].tenant, id, s == State::Pending);
  }
  --state_count_[static_cast<int>(state_[id])];
  ++state_count_[static_cast<int>(s)];
  if (s == State::Done && state_[id] != State::Done && id >= model_.stop_first && id < model_.stop_last) --window_left_;
  state_[id] = s;
}

void Simulation::require(const std::string& why) {
  if (!why.empty()) throw InvariantViolation("invariant violated: " + why);
}

void Simulation::check_local(JobId started) {
  require(check_clock(last_checked_, engine_.now()));
  last_checked_ = engine_.now();
  if (started != kNoJob) require(check_started(cluster_, model_.jobs[started], alloc_[started]));
  require(check_totals(cluster_));
  const JobStateCounts c{state_count_[0], state_count_[1], state_count_[2], state_count_[3]};
  require(check_job_counts(c, model_.jobs.size(), pending_count_, running_.size()));
}

void Simulation::check_full() {
  check_local(kNoJob);
  std::vector<const Allocation*> live;
  live.reserve(running_.size());
  for (const auto& [end, id] : running_) {
    if (state_[id] != State::Running) require("job " + std::to_string(id) + " is in the running set but not running");
    if (alloc_[id].empty()) require("running job " + std::to_string(id) + " holds no cards");
    live.push_back(&alloc_[id]);
  }
  // Down nodes are held by their failure: those cards are taken too.
  std::vector<Allocation> holds;
  for (NodeId n = 0; n < failures_.node_count(); ++n) {
    if (failures_.is_down(n)) holds.push_back(Allocation{failures_.hold(n)});
  }
  for (const Allocation& h : holds) live.push_back(&h);
  require(check_allocations(cluster_, model_.cluster, live));
  if (tenants_.active()) {
    // The ledger's incremental counts against a recount of the running jobs, and the quotas.
    std::vector<std::pair<TenantId, const Allocation*>> holding;
    for (const auto& [end, id] : running_) holding.emplace_back(model_.jobs[id].tenant, &alloc_[id]);
    const std::string wrong = tenants_.recount(holding);
    if (!wrong.empty()) require(wrong);
  }
  require(guarantees_.check([this](JobId id) { return state_[id] == State::Pending; }));
}

void Simulation::submit_arrivals() {
  const SimTime now = engine_.now();
  while (next_arrival_ < model_.jobs.size() && model_.jobs[next_arrival_].arrival == now) {
    const auto id = static_cast<JobId>(next_arrival_++);
    set_state(id, State::Pending);
    ++pending_count_;
    metrics_.on_submit(id, now);
    policy_.on_submit(*this, id);
  }
  if (next_arrival_ < model_.jobs.size()) {
    engine_.schedule_at(model_.jobs[next_arrival_].arrival, kArrival);
  }
}

bool Simulation::on_arrival(const Event&) {
  submit_arrivals();
  return true;
}

bool Simulation::on_completion(const Event& ev) {
  const JobId id = ev.subject;
  if (runs_.active()) {
    if (!runs_.is_current(ev) || state_[id] != State::Running) return false;  // a stopped run's
    runs_.complete(model_.jobs[id], engine_.now());
  }
  release_run(id);
  set_state(id, State::Done);
  metrics_.on_end(id, alloc_[id], engine_.now());
  policy_.on_end(*this, id);
  alloc_[id] = Allocation{};
  if (check_invariants_) check_local(kNoJob);
  return true;
}

bool Simulation::on_wake(const Event&) {
  wakes_.erase(engine_.now());
  return true;
}

bool Simulation::on_node_event(const Event& ev) {
  const std::span<const NodeId> node(&ev.subject, 1);
  if (ev.kind == kNodeFail) {
    nodes_down(node);
    schedule_node_event(ev.subject, kNodeRepair);
  } else {
    nodes_up(node);
    schedule_node_event(ev.subject, kNodeFail);
  }
  return true;
}

bool Simulation::on_outage(const Event& ev) {
  const std::vector<NodeId>& site_nodes = failures_.outage_nodes(ev.subject);
  if (ev.kind == kOutageStart)
    nodes_down(site_nodes);
  else
    nodes_up(site_nodes);
  return true;
}

bool Simulation::on_link(const Event& ev) {
  link_change(ev.subject, ev.kind == kLinkDown ? 1 : -1);
  return true;
}

bool Simulation::on_transfer(const Event& ev) {
  if (network_stamp_.is_current(ev)) transfers_finished();
  return false;  // finished copies change no card; their arrivals (kStaged) come later
}

bool Simulation::on_staged(const Event& ev) {
  copy_arrived(ev);
  return true;
}

bool Simulation::on_sample(const Event&) {
  if (check_invariants_) check_full();
  metrics_.sample(engine_.now(), pending_count_, running_.size());
  if (progress_ != nullptr) progress_->at(engine_.now(), model_.horizon, engine_.events_processed());
  if (engine_.now() + model_.sample_interval <= model_.horizon) engine_.schedule_in(model_.sample_interval, kSample);
  return false;
}

RunResult Simulation::run() {
  const auto wall0 = std::chrono::steady_clock::now();
  RunResult res;
  if (!model_.jobs.empty()) engine_.schedule_at(model_.jobs.front().arrival, kArrival);
  schedule_failures();
  engine_.schedule_at(SimTime::zero(), kSample);
  std::vector<Event> batch;
  uint64_t running_count = 0;
  SimTime end = model_.horizon;
  while (engine_.pop_batch(model_.horizon, batch)) {
    bool changed = false;
    for (const Event& ev : batch) {
      if (ev.kind >= handlers_.size() || handlers_[ev.kind] == nullptr) {
        throw std::logic_error("Simulation: unknown event kind");
      }
      changed |= (this->*handlers_[ev.kind])(ev);
    }
    if (changed) {
      if (guarantees_.active()) {
        guarantees_.reclaim([this](JobId id) {
          stop_run(id, MetricsCollector::Stop::Reclaimed);
          policy_.on_requeue(*this, id);
        });
      }
      policy_.schedule(*this);
      ++res.scheduling_passes;
    }
    running_count = running_.size();
    if (next_arrival_ == model_.jobs.size() && pending_count_ == 0 && running_count == 0) {
      end = engine_.now();  // workload drained before the horizon
      break;
    }
    if (model_.stop_waiting > 0 && pending_count_ > model_.stop_waiting) {
      end = engine_.now();  // past saturation (scenario.stop_when_waiting_exceeds)
      break;
    }
    if (model_.stop_last > model_.stop_first && window_left_ == 0) {
      end = engine_.now();  // the measurement window is done (scenario.stop_when_jobs_end)
      break;
    }
  }
  if (end == model_.horizon && engine_.now() < model_.horizon && engine_.next_time() > model_.horizon) {
    engine_.advance_to(model_.horizon);
  }
  if (check_invariants_) {
    check_full();
    JobStateCounts recount;  // the incremental counts against a scan of every job
    for (const State st : state_) {
      recount.not_arrived += st == State::NotArrived, recount.pending += st == State::Pending;
      recount.running += st == State::Running, recount.done += st == State::Done;
    }
    require(check_job_counts(recount, model_.jobs.size(), pending_count_, running_.size()));
  }
  metrics_.finish(end, [this](JobId id) -> const Allocation& { return alloc_[id]; });
  if (progress_ != nullptr) progress_->finish(end, engine_.events_processed());
  res.end_time = end;
  res.events = engine_.events_processed();
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return res;
}

std::vector<NamedCounter> Simulation::policy_counters() const {
  std::vector<NamedCounter> out = policy_.counters();
  const std::string problem = named_counters_problem(out);
  if (!problem.empty()) throw PolicyViolation("policy '" + policy_name_ + "': counters(): " + problem);
  return out;
}

}  // namespace hetsim
