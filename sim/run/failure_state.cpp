#include "hetsim/run/failure_state.hpp"

namespace hetsim {

FailureState::FailureState(const FailureModel& failures, const Cluster& cluster, uint64_t seed, std::size_t links)
    : failures_(&failures), cluster_(&cluster) {
  if (!failures.any()) return;
  down_.assign(cluster.node_count(), 0);
  hold_.assign(cluster.node_count(), NodeGrant{});
  const uint64_t root = RngStreams(seed).stream_seed("node-failures");
  node_rng_.reserve(cluster.node_count());
  for (NodeId n = 0; n < cluster.node_count(); ++n) {
    uint64_t state = root ^ (0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(n) + 1));
    node_rng_.emplace_back(splitmix64(state));
  }
  for (const SiteOutage& o : failures.site_outages) {
    outage_nodes_.emplace_back();
    for (NodeId n = 0; n < cluster.node_count(); ++n) {
      if (cluster.node_site(n) == o.site) outage_nodes_.back().push_back(n);
    }
  }
  link_down_.assign(links, 0);
}

bool FailureState::node_fails(NodeId n) const {
  const ChipId chip = cluster_->node_chip(n);
  return chip < failures_->by_chip.size() && failures_->by_chip[chip].mtbf_s > 0;
}

double FailureState::draw_delay_s(NodeId n, bool failure) {
  const NodeFailureRate& rate = failures_->by_chip[cluster_->node_chip(n)];
  const double mean = failure ? rate.mtbf_s : rate.mttr_s;
  return node_rng_[n].exponential(1.0 / mean);
}

const std::vector<NodeId>& FailureState::add_down(std::span<const NodeId> nodes) {
  changed_.clear();
  for (NodeId n : nodes) {
    if (down_[n]++ == 0) changed_.push_back(n);
  }
  return changed_;
}

const std::vector<NodeId>& FailureState::remove_down(std::span<const NodeId> nodes) {
  changed_.clear();
  for (NodeId n : nodes) {
    if (down_[n] == 0 || --down_[n] > 0) continue;
    changed_.push_back(n);
  }
  return changed_;
}

bool FailureState::link_change(uint32_t link, int delta) {
  const bool was_down = link_down_[link] > 0;
  link_down_[link] = static_cast<uint16_t>(link_down_[link] + delta);
  return was_down != (link_down_[link] > 0);
}

std::vector<bool> FailureState::links_up() const {
  std::vector<bool> up(link_down_.size());
  for (std::size_t i = 0; i < up.size(); ++i) up[i] = link_down_[i] == 0;
  return up;
}

}  // namespace hetsim
