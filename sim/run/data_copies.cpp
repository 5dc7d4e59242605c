#include "hetsim/run/data_copies.hpp"

#include <algorithm>
#include <cmath>

namespace hetsim {

DataCopies::DataCopies(const std::vector<SiteLink>& links, double link_share) {
  std::vector<double> channels;
  for (const SiteLink& l : links) {
    channels.push_back(l.bandwidth_gbps * 1e9 * link_share);
    channels.push_back(l.bandwidth_gbps * 1e9 * link_share);
  }
  net_ = TransferNetwork(std::move(channels));
}

uint16_t DataCopies::start(JobId id, SiteId from, std::span<const SiteId> sites, double bits, const Topology& topo,
                           SimTime now) {
  uint16_t copies = 0;
  for (const SiteId s : sites) {
    if (s == from || holds(id, s)) continue;
    const uint32_t t = net_.add(topo.site_route(from, s), bits, now);
    if (t >= copy_.size()) copy_.resize(t + 1);
    copy_[t] = Copy{id, from, s};
    job_copies_[id].push_back(t);
    ++copies;
  }
  return copies;
}

void DataCopies::cancel(JobId id, SimTime now) {
  const auto it = job_copies_.find(id);
  if (it == job_copies_.end()) return;
  for (const uint32_t t : it->second) {
    net_.remove(t, now);
    copy_[t] = Copy{};
  }
  job_copies_.erase(it);
}

std::vector<DataCopies::Copy> DataCopies::take_finished(SimTime now) {
  std::vector<Copy> done;
  for (const uint32_t t : net_.take_finished(now)) {
    const Copy c = copy_[t];
    copy_[t] = Copy{};
    std::vector<uint32_t>& mine = job_copies_[c.job];
    mine.erase(std::find(mine.begin(), mine.end(), t));
    if (mine.empty()) job_copies_.erase(c.job);
    staged_.insert({c.job, c.to});
    done.push_back(c);
  }
  return done;
}

void DataCopies::reroute(const Topology& topo, SimTime now) {
  for (uint32_t t = 0; t < copy_.size(); ++t) {
    if (copy_[t].job == kNoJob) continue;
    net_.reroute(t, topo.site_route(copy_[t].from, copy_[t].to), now);
  }
}

double DataCopies::in_flight_s(JobId id, const Topology& topo) const {
  const auto it = job_copies_.find(id);
  if (it == job_copies_.end()) return 0;
  double worst = 0;
  for (const uint32_t t : it->second) {
    const double rate = net_.rate_bps(t);
    const double s = rate > 0 ? net_.remaining_bits(t) / rate : INFINITY;
    worst = std::max(worst, s + topo.site_latency_us(copy_[t].from, copy_[t].to) * 1e-6);
  }
  return worst;
}

double DataCopies::estimate_s(JobId id, SiteId from, SiteId to, double bits, const Topology& topo) const {
  if (to >= topo.site_count()) return INFINITY;
  if (holds(id, to)) return 0;
  if (!topo.sites_connected(from, to)) return INFINITY;
  return net_.estimate_s(topo.site_route(from, to), bits) + topo.site_latency_us(from, to) * 1e-6;
}

}  // namespace hetsim
