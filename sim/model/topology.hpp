#pragma once
// Topology: the network as a Boost.Graph. Vertices are site spines, leaf switches and nodes;
// edges carry one-way latency (us) and bandwidth (Gb/s). Inter-site links join spines; inside a
// site, node -> leaf -> spine. Built once per run; site-to-site latency (shortest path by latency,
// Dijkstra) and bandwidth (bottleneck of that path) are precomputed into matrices, so lookups are
// O(1) during the simulation.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "hetsim/model/cluster.hpp"

namespace hetsim {

struct SiteLink {
  SiteId a = 0;
  SiteId b = 0;
  double latency_us = 0;  // one way
  double bandwidth_gbps = 0;
};

struct SiteFabric {
  double node_nic_gbps = 1600;      // per node (e.g. 8 x 200 Gb/s RDMA)
  double leaf_uplink_gbps = 12800;  // per leaf switch towards the spine
  double hop_latency_us = 2;        // per switch hop
};

struct LinkProps {
  double latency_us = 0;
  double bandwidth_gbps = 0;
  int32_t link = -1;  // index of an inter-site link in the list build() was given; -1 inside a site
};

enum class VertexKind : uint8_t { Spine, Leaf, Node };
struct VertexProps {
  VertexKind kind = VertexKind::Node;
  uint32_t index = 0;  // site, leaf or node id
};

using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexProps, LinkProps>;

class Topology {
 public:
  // `fabric` has one entry per site. Throws std::invalid_argument on bad links.
  static Topology build(const Cluster& cluster, const std::vector<SiteLink>& links,
                        const std::vector<SiteFabric>& fabric);

  // The same cluster and fabrics with only the links whose `up` entry is true (one per links()).
  Topology with_links(const Cluster& cluster, const std::vector<bool>& up) const;
  const std::vector<SiteLink>& links() const { return links_; }

  const TopologyGraph& graph() const { return graph_; }
  std::size_t site_count() const { return sites_; }
  bool sites_connected(SiteId a, SiteId b) const { return site_latency_us(a, b) < kUnreachable; }
  // One-way latency between site spines; 0 for a == b; kUnreachable when no path.
  double site_latency_us(SiteId a, SiteId b) const { return latency_[a * sites_ + b]; }
  // Bottleneck bandwidth on the lowest-latency path; +inf for a == b; 0 when no path.
  double site_bandwidth_gbps(SiteId a, SiteId b) const { return bandwidth_[a * sites_ + b]; }
  // The inter-site links of the lowest-latency path from site `from` to site `to`, in path order,
  // as directed channels 2 x link + (0 when the path crosses the link from its `a` to its `b`,
  // else 1): a transfer's route (sim/run/transfer_network.hpp). Empty for from == to and when no
  // path exists (sites_connected tells them apart). Link indices are those of links().
  const std::vector<uint32_t>& site_route(SiteId from, SiteId to) const { return routes_[from * sites_ + to]; }
  const SiteFabric& fabric(SiteId s) const { return fabric_[s]; }
  // Per-node share of bandwidth between two nodes of one site: the NIC, or the leaf uplink
  // divided among the leaf's nodes when the two nodes hang off different leaves.
  double intra_site_node_bandwidth_gbps(const Cluster& c, NodeId a, NodeId b) const;
  double intra_site_node_latency_us(const Cluster& c, NodeId a, NodeId b) const;

  static constexpr double kUnreachable = std::numeric_limits<double>::infinity();

 private:
  TopologyGraph graph_;
  std::size_t sites_ = 0;
  std::vector<double> latency_;
  std::vector<double> bandwidth_;
  std::vector<SiteFabric> fabric_;
  std::vector<SiteLink> links_;
  std::vector<std::vector<uint32_t>> routes_;  // site_route, per ordered pair
  std::vector<uint32_t> leaf_nodes_;           // nodes under each leaf
};

}  // namespace hetsim
