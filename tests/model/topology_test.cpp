#include <gtest/gtest.h>

#include <cmath>

#include "hetsim/model/topology.hpp"

using namespace hetsim;

namespace {
Cluster sites(int n) {
  Cluster c(1);
  for (int i = 0; i < n; ++i) c.add_site("s" + std::to_string(i));
  c.add_provider("p");
  for (int i = 0; i < n; ++i) c.add_pool(static_cast<SiteId>(i), 0, 0, 4, 8, 1000, 1000, 2);
  return c;
}
}  // namespace

TEST(Topology, ShortestLatencyPathAndItsBottleneck) {
  Cluster c = sites(4);
  // 0-1 direct but slow (5 ms); 0-2-1 faster (0.5 + 0.5 ms) with a 10 Gb/s hop; 3 isolated.
  std::vector<SiteLink> links{{0, 1, 5000, 400}, {0, 2, 500, 100}, {2, 1, 500, 10}};
  Topology t = Topology::build(c, links, std::vector<SiteFabric>(4));
  EXPECT_DOUBLE_EQ(t.site_latency_us(0, 1), 1000);
  EXPECT_DOUBLE_EQ(t.site_bandwidth_gbps(0, 1), 10);
  EXPECT_DOUBLE_EQ(t.site_latency_us(1, 0), 1000);
  EXPECT_DOUBLE_EQ(t.site_latency_us(2, 2), 0);
  EXPECT_TRUE(std::isinf(t.site_bandwidth_gbps(2, 2)));
  EXPECT_FALSE(t.sites_connected(0, 3));
  EXPECT_DOUBLE_EQ(t.site_bandwidth_gbps(0, 3), 0);
  // 4 spines + 8 leaves + 16 nodes; 8 + 16 + 3 edges.
  EXPECT_EQ(boost::num_vertices(t.graph()), 28u);
  EXPECT_EQ(boost::num_edges(t.graph()), 27u);
}

TEST(Topology, IntraSiteBandwidthDependsOnLeaf) {
  Cluster c = sites(1);
  SiteFabric f;
  f.node_nic_gbps = 1600;
  f.leaf_uplink_gbps = 800;  // oversubscribed: 2 nodes share 800
  f.hop_latency_us = 2;
  Topology t = Topology::build(c, {}, {f});
  EXPECT_DOUBLE_EQ(t.intra_site_node_bandwidth_gbps(c, 0, 1), 1600);  // same leaf
  EXPECT_DOUBLE_EQ(t.intra_site_node_bandwidth_gbps(c, 0, 2), 400);   // across leaves
  EXPECT_DOUBLE_EQ(t.intra_site_node_latency_us(c, 0, 1), 4);
  EXPECT_DOUBLE_EQ(t.intra_site_node_latency_us(c, 0, 2), 8);
}

TEST(Topology, RejectsBadLinks) {
  Cluster c = sites(2);
  EXPECT_THROW(Topology::build(c, {{0, 0, 1, 1}}, std::vector<SiteFabric>(2)), std::invalid_argument);
  EXPECT_THROW(Topology::build(c, {{0, 1, 1, 0}}, std::vector<SiteFabric>(2)), std::invalid_argument);
  EXPECT_THROW(Topology::build(c, {{0, 7, 1, 1}}, std::vector<SiteFabric>(2)), std::invalid_argument);
  EXPECT_THROW(Topology::build(c, {}, std::vector<SiteFabric>(1)), std::invalid_argument);
}

TEST(Topology, SiteRoutesListDirectedLinkChannelsInPathOrder) {
  Cluster c = sites(3);
  // Triangle: 0-1 and 0-2 short, 1-2 long, so 1 -> 2 goes through 0.
  std::vector<SiteLink> links{{0, 1, 100, 10}, {0, 2, 100, 10}, {1, 2, 500, 10}};
  Topology t = Topology::build(c, links, std::vector<SiteFabric>(3));
  // Channel 2i runs from link i's a to its b, 2i+1 back.
  EXPECT_EQ(t.site_route(1, 2), (std::vector<uint32_t>{1, 2}));  // 1 -> 0 on link 0, 0 -> 2 on link 1
  EXPECT_EQ(t.site_route(2, 1), (std::vector<uint32_t>{3, 0}));
  EXPECT_EQ(t.site_route(0, 1), (std::vector<uint32_t>{0}));
  EXPECT_TRUE(t.site_route(1, 1).empty());
  // Without link 0 the direct link 1-2 (index 2 in the scenario, 1 among the links kept) is used:
  // routes name the scenario's indices.
  const Topology cut = t.with_links(c, {false, true, true});
  EXPECT_EQ(cut.site_route(1, 2), (std::vector<uint32_t>{4}));
  EXPECT_EQ(cut.site_route(1, 0), (std::vector<uint32_t>{4, 3}));
  // No path at all: empty.
  const Topology apart = t.with_links(c, {false, false, true});
  EXPECT_FALSE(apart.sites_connected(0, 1));
  EXPECT_TRUE(apart.site_route(0, 1).empty());
}
