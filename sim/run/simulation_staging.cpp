// The simulation driver's data staging (scenario `data_staging:`, sim/model/data_staging.hpp):
// copies of a job's data to the sites of its gang, sharing the inter-site links.
#include <algorithm>
#include <cmath>

#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/run/simulation.hpp"

namespace hetsim {

namespace {

SimTime after_us(SimTime now, double us) {
  const double clamped = std::min(std::ceil(std::max(us, 0.0)), kLongestDurationUs);
  return saturating_add(now, SimTime::from_us(static_cast<int64_t>(clamped)));
}

}  // namespace

uint16_t Simulation::begin_staging(JobId id, const Allocation& a) {
  const Job& j = model_.jobs[id];
  if (!(j.data_gb > 0)) return 0;
  uint16_t copies = 0;
  const SimTime now = engine_.now();
  for (const SiteId s : allocation_sites(a, cluster_)) {
    if (s == j.data_site || staged_.count({id, s}) > 0) continue;
    // A cut path stalls the copy (empty route) until a link comes back (reroute_transfers).
    const uint32_t t = net_.add(topology_->site_route(j.data_site, s), j.data_gb * 8e9, now);
    if (t >= transfer_owner_.size()) transfer_owner_.resize(t + 1, {kNoJob, 0});
    transfer_owner_[t] = {id, s};
    job_transfers_[id].push_back(t);
    ++copies;
  }
  if (copies > 0) {
    metrics_.on_staging_start(id, copies, j.data_gb * copies);
    schedule_next_transfer();
  }
  return copies;
}

double Simulation::staging_in_flight_s(JobId id) const {
  const Job& j = model_.jobs[id];
  double worst = 0;
  const auto it = job_transfers_.find(id);
  if (it == job_transfers_.end()) return 0;
  for (const uint32_t t : it->second) {
    const double rate = net_.rate_bps(t);
    const double s = rate > 0 ? net_.remaining_bits(t) / rate : INFINITY;
    worst = std::max(worst, s + topology_->site_latency_us(j.data_site, transfer_owner_[t].second) * 1e-6);
  }
  return worst;
}

double Simulation::staging_estimate_s(JobId id, SiteId site) const {
  const Job& j = model_.jobs.at(id);
  if (!model_.data_staging.enabled || !(j.data_gb > 0) || site == j.data_site) return 0;
  if (site >= topology_->site_count()) return INFINITY;
  if (staged_.count({id, site}) > 0) return 0;
  if (!topology_->sites_connected(j.data_site, site)) return INFINITY;
  return net_.estimate_s(topology_->site_route(j.data_site, site), j.data_gb * 8e9) +
         topology_->site_latency_us(j.data_site, site) * 1e-6;
}

void Simulation::cancel_staging(JobId id) {
  const SimTime now = engine_.now();
  if (const auto it = job_transfers_.find(id); it != job_transfers_.end()) {
    for (const uint32_t t : it->second) {
      net_.remove(t, now);
      transfer_owner_[t] = {kNoJob, 0};
    }
    job_transfers_.erase(it);
  }
  RunState& r = runs_[id];
  metrics_.on_staging_end(id, (now - r.start).seconds());
  r.staging = 0;
  schedule_next_transfer();
}

void Simulation::schedule_next_transfer() {
  network_stamp_.cancel(0);  // any kTransfer already queued is now stale
  const SimTime next = net_.next_finish();
  if (next == kNever || next > model_.horizon) return;
  engine_.schedule_at(next, kTransfer, 0, network_stamp_.current(0));
}

void Simulation::transfers_finished() {
  const SimTime now = engine_.now();
  for (const uint32_t t : net_.take_finished(now)) {
    const auto [id, site] = transfer_owner_[t];
    transfer_owner_[t] = {kNoJob, 0};
    std::vector<uint32_t>& mine = job_transfers_[id];
    mine.erase(std::find(mine.begin(), mine.end(), t));
    if (mine.empty()) job_transfers_.erase(id);
    staged_.insert({id, site});
    // The last bit still has the path's latency to travel.
    const double latency_us = topology_->site_latency_us(model_.jobs[id].data_site, site);
    const SimTime at = after_us(now, std::isfinite(latency_us) ? latency_us : 0.0);
    if (at <= model_.horizon) engine_.schedule_at(at, kStaged, id, run_stamps_.current(id));
  }
  schedule_next_transfer();
}

void Simulation::copy_arrived(const Event& ev) {
  const JobId id = ev.subject;
  RunState& r = runs_[id];
  if (!run_stamps_.is_current(ev) || state_[id] != State::Running || r.staging == 0) return;  // stopped meanwhile
  if (--r.staging > 0) return;
  // All copies are in: the run trains from now. The staging time counts as held (attained
  // service), the estimated end moves to now + the run's estimate, and the completion is queued.
  const SimTime now = engine_.now();
  metrics_.on_staging_end(id, (now - r.start).seconds());
  r.held_us += (now - r.start).us();
  r.start = now;
  running_.erase({est_end_[id], id});
  est_end_[id] = after_seconds_capped(now, r.pending_est_s);
  running_.emplace(est_end_[id], id);
  ++version_;
  if (r.pending_runtime <= kNever - now) {
    engine_.schedule_at(now + r.pending_runtime, kCompletion, id, run_stamps_.current(id));
  }
}

void Simulation::reroute_transfers() {
  const SimTime now = engine_.now();
  for (uint32_t t = 0; t < transfer_owner_.size(); ++t) {
    const auto [id, site] = transfer_owner_[t];
    if (id == kNoJob) continue;
    net_.reroute(t, topology_->site_route(model_.jobs[id].data_site, site), now);
  }
  schedule_next_transfer();
}

}  // namespace hetsim
