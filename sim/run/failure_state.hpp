#pragma once
// FailureState: the state of the scenario's `failures:` (docs/scenario-format.md) as the driver
// runs them: how many reasons keep each node down (its own failure, a site outage) and the grant
// that holds its cards meanwhile, each node's own random stream of failure and repair times, the
// nodes of each site outage, and how many outages hold each inter-site link down. It decides
// nothing about jobs: the driver kills the runs on nodes that go down and rebuilds the topology
// when a link changes state.
#include <cstdint>
#include <span>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/failures.hpp"

namespace hetsim {

class FailureState {
 public:
  FailureState() = default;  // a scenario without failures: nothing is ever down
  // `failures` and `cluster` must outlive it. One stream per node, seeded from `seed` and the node
  // id alone, so adding a node or a failure elsewhere never shifts a node's times.
  FailureState(const FailureModel& failures, const Cluster& cluster, uint64_t seed, std::size_t links);

  bool active() const { return !down_.empty(); }
  // Whether node `n`'s chip type has a failure rate (mtbf).
  bool node_fails(NodeId n) const;
  // Seconds from now to node `n`'s next failure (`failure`) or repair, exponential with the mean
  // of its chip type (mtbf or mttr), drawn from the node's stream.
  double draw_delay_s(NodeId n, bool failure);

  // One more reason keeps each of `nodes` down; returns those that were up until now, in order.
  const std::vector<NodeId>& add_down(std::span<const NodeId> nodes);
  // One reason fewer; returns those that are up again, in order.
  const std::vector<NodeId>& remove_down(std::span<const NodeId> nodes);
  bool is_down(NodeId n) const { return !down_.empty() && down_[n] > 0; }
  // The grant holding down node `n`'s cards (set by the driver when it goes down).
  NodeGrant& hold(NodeId n) { return hold_[n]; }
  const NodeGrant& hold(NodeId n) const { return hold_[n]; }
  std::size_t node_count() const { return down_.size(); }

  // The nodes of site outage `i` (scenario order).
  const std::vector<NodeId>& outage_nodes(std::size_t i) const { return outage_nodes_[i]; }

  // One more (+1) or one fewer (-1) outage holds inter-site link `link` down: true when the link
  // went down or came back (false while another outage of it still holds it).
  bool link_change(uint32_t link, int delta);
  // Per link: no outage holds it down.
  std::vector<bool> links_up() const;

 private:
  const FailureModel* failures_ = nullptr;
  const Cluster* cluster_ = nullptr;
  std::vector<uint16_t> down_;
  std::vector<NodeGrant> hold_;
  std::vector<Rng> node_rng_;
  std::vector<std::vector<NodeId>> outage_nodes_;
  std::vector<NodeId> changed_;  // add_down's and remove_down's answer
  std::vector<uint16_t> link_down_;
};

}  // namespace hetsim
