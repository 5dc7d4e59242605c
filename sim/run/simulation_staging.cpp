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
  const std::vector<SiteId> sites = allocation_sites(a, cluster_);
  const uint16_t copies = copies_.start(id, j.data_site, sites, j.data_gb * 8e9, *topology_, engine_.now());
  if (copies > 0) {
    metrics_.on_staging_start(id, copies, j.data_gb * copies);
    schedule_next_transfer();
  }
  return copies;
}

double Simulation::staging_in_flight_s(JobId id) const { return copies_.in_flight_s(id, *topology_); }

double Simulation::staging_estimate_s(JobId id, SiteId site) const {
  const Job& j = model_.jobs.at(id);
  if (!model_.data_staging.enabled || !(j.data_gb > 0) || site == j.data_site) return 0;
  return copies_.estimate_s(id, j.data_site, site, j.data_gb * 8e9, *topology_);
}

void Simulation::cancel_staging(JobId id) {
  const SimTime now = engine_.now();
  copies_.cancel(id, now);
  RunBook::Run& r = runs_[id];
  metrics_.on_staging_end(id, (now - r.start).seconds());
  r.staging = 0;
  schedule_next_transfer();
}

void Simulation::schedule_next_transfer() {
  network_stamp_.cancel(0);  // any kTransfer already queued is now stale
  const SimTime next = copies_.next_finish();
  if (next == kNever || next > model_.horizon) return;
  engine_.schedule_at(next, kTransfer, 0, network_stamp_.current(0));
}

void Simulation::transfers_finished() {
  const SimTime now = engine_.now();
  for (const DataCopies::Copy& c : copies_.take_finished(now)) {
    // The last bit still has the path's latency to travel.
    const double latency_us = topology_->site_latency_us(c.from, c.to);
    const SimTime at = after_us(now, std::isfinite(latency_us) ? latency_us : 0.0);
    if (at <= model_.horizon) engine_.schedule_at(at, kStaged, c.job, runs_.stamp(c.job));
  }
  schedule_next_transfer();
}

void Simulation::copy_arrived(const Event& ev) {
  const JobId id = ev.subject;
  RunBook::Run& r = runs_[id];
  if (!runs_.is_current(ev) || state_[id] != State::Running || r.staging == 0) return;  // stopped meanwhile
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
    engine_.schedule_at(now + r.pending_runtime, kCompletion, id, runs_.stamp(id));
  }
}

void Simulation::reroute_transfers() {
  copies_.reroute(*topology_, engine_.now());
  schedule_next_transfer();
}

}  // namespace hetsim
