#include "hetsim/metrics/collector.hpp"

#include <algorithm>

namespace hetsim {

const char* job_outcome_name(JobOutcome o) {
  switch (o) {
    case JobOutcome::NotArrived:
      return "not_arrived";
    case JobOutcome::Pending:
      return "pending";
    case JobOutcome::Running:
      return "running";
    case JobOutcome::Completed:
      return "completed";
    case JobOutcome::Failed:
      return "failed";
  }
  return "?";
}

MetricsCollector::MetricsCollector(const Cluster& cluster, const ChipCatalog& chips, const std::vector<Job>& jobs)
    : cluster_(cluster), chips_(chips), records_(jobs.size()) {
  for (ChipId c = 0; c < chips.size(); ++c) {
    if (cluster.total_cards_of_chip(c) > 0) chip_cols_.push_back(c);
  }
  busy_chip_.assign(chips.size(), 0);
  live_chip_.assign(chips.size(), 0);
  busy_site_.assign(cluster.site_count(), 0);
  live_site_.assign(cluster.site_count(), 0);
  busy_provider_.assign(cluster.provider_count(), 0);
}

void MetricsCollector::advance(SimTime now) {
  if (queued_ > 0)
    stranded_us_ += (static_cast<int64_t>(cluster_.card_count()) - live_total_) * (now - last_change_).us();
  last_change_ = now;
}

void MetricsCollector::on_submit(JobId id, SimTime now) {
  advance(now);
  ++queued_;
  records_[id].outcome = JobOutcome::Pending;
}

void MetricsCollector::on_start(JobId id, const Allocation& a, SimTime now, double mixed_efficiency) {
  advance(now);
  --queued_;
  JobRecord& r = records_[id];
  r.outcome = JobOutcome::Running;
  if (r.preemptions + r.failures == 0) r.start = now;
  r.segment_start = now;
  // A restarted job describes its current run: chips, rent and shape are set afresh below.
  r.chip_mask = 0;
  r.rent_per_s = 0;
  r.domestic_rent_per_s = 0;
  r.mixed_efficiency = mixed_efficiency;
  const uint32_t cards = allocation_cards(a);
  if (r.cards > 0 && cards != r.cards) ++r.resizes;
  r.cards = cards;
  if (!trace_alloc_.empty()) trace_alloc_[id] = a;
  r.nodes = static_cast<uint32_t>(a.size());
  r.first_node = a.front().node;
  // Distinct sites and leaves of the gang, in scratch buffers: every job start passes here.
  std::vector<SiteId>& sites = scratch_sites_;
  std::vector<uint32_t>& leaves = scratch_leaves_;
  sites.clear();
  leaves.clear();
  for (const NodeGrant& g : a) {
    const SiteId s = cluster_.node_site(g.node);
    if (std::find(sites.begin(), sites.end(), s) == sites.end()) sites.push_back(s);
    const uint32_t leaf = cluster_.node_leaf(g.node);
    if (std::find(leaves.begin(), leaves.end(), leaf) == leaves.end()) leaves.push_back(leaf);
    const int64_t k = card_count(g.card_mask);
    const ChipId chip = cluster_.node_chip(g.node);
    r.chip_mask |= 1ULL << chip;
    // Shared cards pay their granted share, like their busy time.
    const double rent = static_cast<double>(k) * g.milli_per_card / kMilliPerCard *
                        cluster_.pool(cluster_.node_pool(g.node)).price_per_card_hour / 3600.0;
    r.rent_per_s += rent;
    if (chips_.at(chip).domestic) r.domestic_rent_per_s += rent;
    live_chip_[chip] += k;
    live_site_[s] += k;
    live_total_ += k;
  }
  r.sites = static_cast<uint16_t>(sites.size());
  r.leaves = static_cast<uint16_t>(std::min<std::size_t>(leaves.size(), UINT16_MAX));
}

void MetricsCollector::accumulate(const Allocation& a, SimTime from, SimTime to) {
  const int64_t dt = (to - from).us();
  for (const NodeGrant& g : a) {
    const int64_t k = card_count(g.card_mask);
    // Shared cards count their granted share: milli / 1000 of a card.
    const int64_t card_us = k * dt * g.milli_per_card / kMilliPerCard;
    busy_chip_[cluster_.node_chip(g.node)] += card_us;
    busy_site_[cluster_.node_site(g.node)] += card_us;
    busy_provider_[cluster_.node_provider(g.node)] += card_us;
  }
}

void MetricsCollector::on_end(JobId id, const Allocation& a, SimTime now) {
  advance(now);
  JobRecord& r = records_[id];
  r.outcome = JobOutcome::Completed;
  r.end = now;
  accumulate(a, r.segment_start, now);
  drop_live(a);
}

void MetricsCollector::drop_live(const Allocation& a) {
  for (const NodeGrant& g : a) {
    const int64_t k = card_count(g.card_mask);
    live_chip_[cluster_.node_chip(g.node)] -= k;
    live_site_[cluster_.node_site(g.node)] -= k;
    live_total_ -= k;
  }
}

void MetricsCollector::on_staging_start(JobId id, uint32_t copies, double gb) {
  JobRecord& r = records_.at(id);
  r.copies += copies;
  r.staged_gb += gb;
}

void MetricsCollector::on_staging_end(JobId id, double seconds) {
  JobRecord& r = records_.at(id);
  r.staging_s += seconds;
  r.staging_card_s += seconds * r.cards;
}

void MetricsCollector::on_stop(JobId id, const Allocation& a, SimTime now, double lost_card_s, Stop why) {
  advance(now);
  JobRecord& r = records_[id];
  accumulate(a, r.segment_start, now);
  drop_live(a);
  const double held = (now - r.segment_start).seconds();
  r.prior_rent += r.rent_per_s * held;
  r.prior_domestic_rent += r.domestic_rent_per_s * held;
  r.rent_per_s = 0;
  r.domestic_rent_per_s = 0;
  r.lost_card_s += lost_card_s;
  if (why == Stop::Preempted || why == Stop::Reclaimed) {
    ++r.preemptions;
    r.reclaims += why == Stop::Reclaimed ? 1 : 0;
  } else {
    ++r.failures;
    r.failure_lost_card_s += lost_card_s;
  }
  if (why == Stop::Failed) {
    r.outcome = JobOutcome::Failed;
    r.end = now;
  } else {
    r.outcome = JobOutcome::Pending;
    ++queued_;
  }
}

void MetricsCollector::on_node_down(NodeId n, SimTime now) {
  if (down_since_.empty()) down_since_.assign(cluster_.node_count(), kNever);
  ++node_failures_;
  down_since_[n] = now;
}

void MetricsCollector::on_node_up(NodeId n, SimTime now) {
  down_card_us_ += static_cast<int64_t>(cluster_.node_cards(n)) * (now - down_since_[n]).us();
  down_since_[n] = kNever;
}

void MetricsCollector::sample(SimTime now, uint64_t pending, uint64_t running) {
  TimeseriesRow row;
  row.t = now;
  row.pending = pending;
  row.running = running;
  row.busy_cards = live_total_;
  for (ChipId c : chip_cols_) row.busy_by_chip.push_back(live_chip_[c]);
  row.busy_by_site = live_site_;
  rows_.push_back(std::move(row));
}

void MetricsCollector::finish(SimTime end, const std::function<const Allocation&(JobId)>& allocation_of) {
  advance(end);
  end_ = end;
  for (NodeId n = 0; n < down_since_.size(); ++n) {
    if (down_since_[n] <= end && down_since_[n] != kNever) {
      down_card_us_ += static_cast<int64_t>(cluster_.node_cards(n)) * (end - down_since_[n]).us();
      down_since_[n] = kNever;
    }
  }
  for (JobId id = 0; id < records_.size(); ++id) {
    if (records_[id].outcome == JobOutcome::Running) accumulate(allocation_of(id), records_[id].segment_start, end);
  }
}

int64_t MetricsCollector::busy_total() const {
  int64_t t = 0;
  for (int64_t v : busy_chip_) t += v;
  return t;
}

}  // namespace hetsim
