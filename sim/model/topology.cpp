#include "hetsim/model/topology.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace hetsim {

Topology Topology::with_links(const Cluster& cluster, const std::vector<bool>& up) const {
  if (up.size() != links_.size()) throw std::invalid_argument("Topology::with_links: one flag per link needed");
  std::vector<SiteLink> kept;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (up[i]) kept.push_back(links_[i]);
  }
  std::vector<uint32_t> original;  // kept link -> scenario link
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (up[i]) original.push_back(static_cast<uint32_t>(i));
  }
  Topology t = build(cluster, kept, fabric_);
  t.links_ = links_;  // indices stay those of the scenario
  for (std::vector<uint32_t>& route : t.routes_) {
    for (uint32_t& ch : route) ch = 2 * original[ch / 2] + (ch & 1U);
  }
  return t;
}

Topology Topology::build(const Cluster& cluster, const std::vector<SiteLink>& links,
                         const std::vector<SiteFabric>& fabric) {
  Topology t;
  t.sites_ = cluster.site_count();
  if (fabric.size() != t.sites_) throw std::invalid_argument("Topology: one fabric per site needed");
  t.fabric_ = fabric;
  t.links_ = links;
  using V = TopologyGraph::vertex_descriptor;
  // Vertex ids: [0, S) spines, [S, S+L) leaves, [S+L, S+L+N) nodes.
  const std::size_t S = t.sites_, L = cluster.leaf_count(), N = cluster.node_count();
  t.graph_ = TopologyGraph(S + L + N);
  for (std::size_t s = 0; s < S; ++s) t.graph_[s] = VertexProps{VertexKind::Spine, static_cast<uint32_t>(s)};
  t.leaf_nodes_.assign(L, 0);
  for (std::size_t l = 0; l < L; ++l) {
    t.graph_[S + l] = VertexProps{VertexKind::Leaf, static_cast<uint32_t>(l)};
    const SiteId site = cluster.leaf_site(static_cast<uint32_t>(l));
    boost::add_edge(static_cast<V>(S + l), static_cast<V>(site),
                    LinkProps{fabric[site].hop_latency_us, fabric[site].leaf_uplink_gbps}, t.graph_);
  }
  for (std::size_t n = 0; n < N; ++n) {
    t.graph_[S + L + n] = VertexProps{VertexKind::Node, static_cast<uint32_t>(n)};
    const uint32_t leaf = cluster.node_leaf(static_cast<NodeId>(n));
    const SiteId site = cluster.leaf_site(leaf);
    ++t.leaf_nodes_[leaf];
    boost::add_edge(static_cast<V>(S + L + n), static_cast<V>(S + leaf),
                    LinkProps{fabric[site].hop_latency_us, fabric[site].node_nic_gbps}, t.graph_);
  }
  for (std::size_t i = 0; i < links.size(); ++i) {
    const SiteLink& k = links[i];
    if (k.a >= S || k.b >= S || k.a == k.b) throw std::invalid_argument("Topology: bad site link");
    if (!(k.latency_us >= 0) || !(k.bandwidth_gbps > 0)) {
      throw std::invalid_argument("Topology: link latency must be >= 0 and bandwidth > 0");
    }
    boost::add_edge(static_cast<V>(k.a), static_cast<V>(k.b),
                    LinkProps{k.latency_us, k.bandwidth_gbps, static_cast<int32_t>(i)}, t.graph_);
  }

  t.latency_.assign(S * S, kUnreachable);
  t.bandwidth_.assign(S * S, 0.0);
  t.routes_.assign(S * S, {});
  const std::size_t V_count = boost::num_vertices(t.graph_);
  std::vector<double> dist(V_count);
  std::vector<V> pred(V_count);
  for (std::size_t s = 0; s < S; ++s) {
    boost::dijkstra_shortest_paths(
        t.graph_, static_cast<V>(s),
        boost::weight_map(boost::get(&LinkProps::latency_us, t.graph_))
            .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, t.graph_)))
            .predecessor_map(
                boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, t.graph_))));
    for (std::size_t d = 0; d < S; ++d) {
      if (d == s) {
        t.latency_[s * S + d] = 0;
        t.bandwidth_[s * S + d] = std::numeric_limits<double>::infinity();
        continue;
      }
      if (!std::isfinite(dist[d]) || dist[d] >= std::numeric_limits<double>::max() / 2) continue;
      t.latency_[s * S + d] = dist[d];
      double bottleneck = std::numeric_limits<double>::infinity();
      std::vector<uint32_t>& route = t.routes_[s * S + d];
      for (V v = static_cast<V>(d); v != static_cast<V>(s); v = pred[v]) {
        auto [e, ok] = boost::edge(pred[v], v, t.graph_);
        if (!ok) break;
        bottleneck = std::min(bottleneck, t.graph_[e].bandwidth_gbps);
        const int32_t link = t.graph_[e].link;
        // Walking back from d: the edge is crossed from pred[v] to v.
        if (link >= 0) route.push_back(2 * static_cast<uint32_t>(link) + (links[link].a == pred[v] ? 0U : 1U));
      }
      std::reverse(route.begin(), route.end());
      t.bandwidth_[s * S + d] = bottleneck;
    }
  }
  return t;
}

double Topology::intra_site_node_bandwidth_gbps(const Cluster& c, NodeId a, NodeId b) const {
  const SiteFabric& f = fabric_[c.node_site(a)];
  if (c.node_leaf(a) == c.node_leaf(b)) return f.node_nic_gbps;
  const double share = f.leaf_uplink_gbps / std::max<uint32_t>(1, leaf_nodes_[c.node_leaf(a)]);
  return std::min(f.node_nic_gbps, share);
}

double Topology::intra_site_node_latency_us(const Cluster& c, NodeId a, NodeId b) const {
  const SiteFabric& f = fabric_[c.node_site(a)];
  if (a == b) return 0;
  return (c.node_leaf(a) == c.node_leaf(b) ? 2 : 4) * f.hop_latency_us;
}

}  // namespace hetsim
