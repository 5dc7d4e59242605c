#include "hetsim/perf/allocation_shape.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace hetsim {

std::vector<SiteId> allocation_sites(const Allocation& a, const Cluster& c) {
  std::vector<SiteId> sites;
  for (const NodeGrant& g : a) sites.push_back(c.node_site(g.node));
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  return sites;
}

AllocationShape shape_of(const Allocation& a, const Cluster& c, const Topology& t) {
  AllocationShape s;
  if (a.empty()) return s;
  s.chip = c.node_chip(a.front().node);
  s.nodes = static_cast<uint32_t>(a.size());
  if (a.size() == 1) {
    // One node (most jobs, at every start and estimate): no site pairs, no leaf set to build.
    s.cards = static_cast<uint32_t>(card_count(a.front().card_mask));
    s.max_cards_per_node = s.cards;
    s.sites = 1;
    s.leaves = 1;
    return s;
  }
  // Reused per thread: a gang's distinct sites and leaves, without an allocation per call.
  thread_local std::vector<SiteId> sites;
  thread_local std::vector<uint32_t> leaves;
  sites.clear();
  leaves.clear();
  for (const NodeGrant& g : a) {
    const auto k = static_cast<uint32_t>(card_count(g.card_mask));
    s.cards += k;
    s.max_cards_per_node = std::max(s.max_cards_per_node, k);
    const SiteId site = c.node_site(g.node);
    if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
    const uint32_t leaf = c.node_leaf(g.node);
    if (std::find(leaves.begin(), leaves.end(), leaf) == leaves.end()) leaves.push_back(leaf);
  }
  s.sites = static_cast<uint32_t>(sites.size());
  s.leaves = static_cast<uint32_t>(leaves.size());
  if (s.nodes > 1) {
    // Within each site, the slowest node pair is bounded by crossing leaves when the job spans
    // several leaves there; one representative pair per site is enough since fabrics are uniform.
    double bw = std::numeric_limits<double>::infinity();
    double lat = 0;
    for (SiteId site : sites) {
      NodeId first = kNoNode, other_leaf = kNoNode, same_leaf = kNoNode;
      for (const NodeGrant& g : a) {
        if (c.node_site(g.node) != site) continue;
        if (first == kNoNode) {
          first = g.node;
          continue;
        }
        if (c.node_leaf(g.node) != c.node_leaf(first))
          other_leaf = g.node;
        else
          same_leaf = g.node;
      }
      const NodeId peer = other_leaf != kNoNode ? other_leaf : same_leaf;
      if (first == kNoNode) continue;
      if (peer == kNoNode) {
        bw = std::min(bw, t.fabric(site).node_nic_gbps);  // a lone node here talks out over its NIC
        continue;
      }
      bw = std::min(bw, t.intra_site_node_bandwidth_gbps(c, first, peer));
      lat = std::max(lat, t.intra_site_node_latency_us(c, first, peer));
    }
    s.inter_node_gbps = bw;
    s.inter_node_latency_us = lat;
  }
  if (s.sites > 1) {
    double bw = std::numeric_limits<double>::infinity();
    double lat = 0;
    for (std::size_t i = 0; i < sites.size(); ++i) {
      for (std::size_t j = i + 1; j < sites.size(); ++j) {
        bw = std::min(bw, t.site_bandwidth_gbps(sites[i], sites[j]));
        lat = std::max(lat, t.site_latency_us(sites[i], sites[j]));
      }
    }
    s.inter_site_gbps = bw;
    s.inter_site_latency_us = lat;
  }
  return s;
}

AllocationShape single_node_shape(ChipId chip, uint32_t cards) {
  AllocationShape s;
  s.chip = chip;
  s.cards = cards;
  s.nodes = 1;
  s.max_cards_per_node = cards;
  s.sites = 1;
  s.leaves = 1;
  return s;
}

AllocationShape packed_shape(ChipId chip, uint32_t cards, uint32_t cards_per_node, double node_nic_gbps,
                             double hop_latency_us) {
  AllocationShape s;
  s.chip = chip;
  s.cards = cards;
  s.nodes = (cards + cards_per_node - 1) / cards_per_node;
  s.max_cards_per_node = std::min(cards, cards_per_node);
  s.sites = 1;
  s.leaves = 1;
  if (s.nodes > 1) {
    s.inter_node_gbps = node_nic_gbps;
    s.inter_node_latency_us = 2 * hop_latency_us;
  }
  return s;
}

}  // namespace hetsim
