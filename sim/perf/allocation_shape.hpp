#pragma once
// AllocationShape: what the throughput model needs to know about where a job's cards are.
// Computed from an Allocation in O(grants^2) for the site pairs (gangs span few sites).
#include <cstdint>
#include <vector>

#include "hetsim/model/allocation.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/topology.hpp"

namespace hetsim {

struct AllocationShape {
  ChipId chip = 0;
  uint32_t cards = 0;
  uint32_t nodes = 0;
  uint32_t max_cards_per_node = 0;
  uint32_t sites = 0;
  uint32_t leaves = 0;
  double inter_node_gbps = 0;  // per-node bandwidth between the job's nodes (slowest pair)
  double inter_node_latency_us = 0;
  double inter_site_gbps = 0;        // bottleneck between the job's sites (0 if one site)
  double inter_site_latency_us = 0;  // worst one-way latency between the job's sites
  bool operator==(const AllocationShape&) const = default;
};

AllocationShape shape_of(const Allocation& a, const Cluster& c, const Topology& t);

// The shape of any allocation of `cards` cards on one node of `chip`: what shape_of gives for a
// single grant, whichever node it is on.
AllocationShape single_node_shape(ChipId chip, uint32_t cards);

// The sites of an allocation's nodes, ascending, each once.
std::vector<SiteId> allocation_sites(const Allocation& a, const Cluster& c);

// The shape of `cards` cards of one chip packed onto full nodes of one leaf: the reference for
// converting a runtime on the reference chip into steps.
AllocationShape packed_shape(ChipId chip, uint32_t cards, uint32_t cards_per_node, double node_nic_gbps,
                             double hop_latency_us);

}  // namespace hetsim
