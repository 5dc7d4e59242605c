#include <gtest/gtest.h>

#include "hetsim/model/cluster.hpp"

using namespace hetsim;

namespace {
Cluster two_pools() {
  Cluster c(4);
  c.add_site("a");
  c.add_site("b");
  c.add_provider("p");
  c.add_pool(0, 0, 1, 3, 8, 64000, 512 * 1024, 2);  // nodes 0..2, chip 1, site a
  c.add_pool(1, 0, 2, 2, 4, 32000, 256 * 1024, 2);  // nodes 3..4, chip 2, site b
  return c;
}
NodeGrant g(NodeId n, uint32_t mask, int64_t cpu = 0, int64_t mem = 0) {
  NodeGrant x;
  x.node = n;
  x.card_mask = mask;
  x.cpu_milli = cpu;
  x.mem_mib = mem;
  return x;
}
}  // namespace

TEST(Cluster, LayoutAndCounters) {
  Cluster c = two_pools();
  EXPECT_EQ(c.node_count(), 5u);
  EXPECT_EQ(c.card_count(), 3u * 8 + 2u * 4);
  EXPECT_EQ(c.leaf_count(), 2u + 1u);
  EXPECT_EQ(c.node_leaf(0), c.node_leaf(1));
  EXPECT_NE(c.node_leaf(1), c.node_leaf(2));
  EXPECT_EQ(c.total_cards(1, 0), 24);
  EXPECT_EQ(c.total_cards(2, 1), 8);
  EXPECT_EQ(c.free_cards(2, 0), 0);
  EXPECT_EQ(c.nodes_with_free(0, 8).size(), 3u);
  EXPECT_EQ(c.node_first_card(3), 24u);
  // Leaves of two nodes; pool 0's second leaf holds one node.
  EXPECT_EQ(c.leaf_free_cards(0), 16u);
  EXPECT_EQ(c.leaf_free_cards(1), 8u);
  EXPECT_EQ(c.leaf_free_cards(2), 8u);
  EXPECT_EQ(c.leaf_free_array().size(), 3u);
  EXPECT_EQ(c.leaf_array().size(), 5u);
}

TEST(Cluster, AllocateReleaseKeepsIndexesExact) {
  Cluster c = two_pools();
  Allocation a{g(1, 0b111, 3000, 100)};
  ASSERT_EQ(c.check(a), "");
  c.allocate(a);
  EXPECT_EQ(c.node_free_cards(1), 5);
  EXPECT_EQ(c.node_free_mask(1), 0b11111000u);
  EXPECT_EQ(c.nodes_with_free(0, 8).size(), 2u);
  EXPECT_TRUE(c.nodes_with_free(0, 5).contains(1));
  EXPECT_EQ(c.pool_free_cards(0), 21);
  EXPECT_EQ(c.free_cards(1, 0), 21);
  EXPECT_EQ(c.node_cpu_free(1), 61000);
  EXPECT_EQ(c.free_cards_total(), 29);
  EXPECT_EQ(c.leaf_free_cards(c.node_leaf(1)), 13u);
  EXPECT_EQ(c.leaf_free_cards(c.node_leaf(2)), 8u);
  c.release(a);
  EXPECT_EQ(c.leaf_free_cards(c.node_leaf(1)), 16u);
  EXPECT_EQ(c.node_free_cards(1), 8);
  EXPECT_EQ(c.nodes_with_free(0, 8).size(), 3u);
  EXPECT_TRUE(c.nodes_with_free(0, 5).empty());
  EXPECT_EQ(c.free_cards_total(), 32);
  EXPECT_EQ(c.node_cpu_free(1), 64000);
}

TEST(Cluster, CheckRejectsEveryKindOfBadGrant) {
  Cluster c = two_pools();
  c.allocate({g(0, 0b1)});
  EXPECT_NE(c.check({}), "");
  EXPECT_NE(c.check({g(0, 0b1)}).find("milli free"), std::string::npos);  // card taken
  EXPECT_NE(c.check({g(99, 0b1)}).find("does not exist"), std::string::npos);
  EXPECT_NE(c.check({g(3, 0b10000)}).find("beyond"), std::string::npos);  // 4-card node
  EXPECT_NE(c.check({g(1, 0b1), g(1, 0b10)}).find("twice"), std::string::npos);
  // Out of node order too (the ascending fast path must not hide it).
  EXPECT_NE(c.check({g(2, 0b1), g(1, 0b1), g(2, 0b10)}).find("node 2 granted twice"), std::string::npos);
  EXPECT_NE(c.check({g(1, 0b1), g(2, 0b1), g(1, 0b10)}).find("node 1 granted twice"), std::string::npos);
  EXPECT_NE(c.check({g(1, 0)}).find("holds nothing"), std::string::npos);
  EXPECT_EQ(c.check({g(1, 0, 4000, 1024)}), "");  // CPU-only grant
  c.allocate({g(1, 0, 4000, 1024)});
  EXPECT_EQ(c.node_free_cards(1), 8);
  EXPECT_EQ(c.node_cpu_free(1), 60000);
  EXPECT_NE(c.check({g(1, 0b1, 999999)}).find("CPU"), std::string::npos);
  EXPECT_NE(c.check({g(1, 0b1, 0, 1LL << 40)}).find("memory"), std::string::npos);
  EXPECT_THROW(c.release({g(2, 0b1)}), std::logic_error);  // never allocated
}

TEST(Cluster, FractionalSharesCountOnlyWholeCardsAsFree) {
  Cluster c = two_pools();
  NodeGrant half = g(0, 0b1);
  half.milli_per_card = 500;
  c.allocate({half});
  EXPECT_EQ(c.node_free_cards(0), 7);
  EXPECT_EQ(c.card_free_milli(0), 500);
  EXPECT_EQ(c.check({half}), "");  // the other half still fits
  c.allocate({half});
  EXPECT_EQ(c.card_free_milli(0), 0);
  c.release({half});
  c.release({half});
  EXPECT_EQ(c.node_free_cards(0), 8);
}

TEST(Cluster, RejectsBadPools) {
  Cluster c(2);
  c.add_site("a");
  c.add_provider("p");
  EXPECT_THROW(c.add_pool(0, 0, 0, 0, 8, 1, 1, 1), std::invalid_argument);
  EXPECT_THROW(c.add_pool(0, 0, 0, 1, 33, 1, 1, 1), std::invalid_argument);
  EXPECT_THROW(c.add_pool(1, 0, 0, 1, 8, 1, 1, 1), std::out_of_range);
  EXPECT_THROW(c.add_pool(0, 0, 5, 1, 8, 1, 1, 1), std::out_of_range);
}
