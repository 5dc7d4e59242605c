// NodeBucket against std::set under random inserts and erases: same members, same ascending order.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "hetsim/model/node_bucket.hpp"

namespace hetsim {
namespace {

TEST(NodeBucket, MatchesStdSetUnderRandomMoves) {
  for (uint32_t count : {1U, 63U, 64U, 65U, 4095U, 4096U, 4097U, 12500U}) {
    const NodeId first = 1000;
    NodeBucket b(first, count);
    std::set<NodeId> ref;
    std::mt19937_64 rng(count);
    // Sparse phases (a few members far apart: the summary level's skips) and dense ones.
    for (int step = 0; step < 20000; ++step) {
      const NodeId n = first + static_cast<NodeId>(rng() % count);
      const bool dense = (step / 5000) % 2 == 1;
      if (ref.count(n) != 0) {
        if (dense && rng() % 4 != 0) continue;
        b.erase(n), ref.erase(n);
      } else if (dense || rng() % 8 == 0 || ref.size() < 2) {
        b.insert(n), ref.insert(n);
      }
      if (step % 997 == 0 || count < 100) {
        ASSERT_EQ(b.size(), ref.size());
        ASSERT_EQ(std::vector<NodeId>(b.begin(), b.end()), std::vector<NodeId>(ref.begin(), ref.end()))
            << "count " << count << " step " << step;
      }
    }
    for (NodeId n = first; n < first + count; ++n) ASSERT_EQ(b.contains(n), ref.count(n) != 0);
    EXPECT_FALSE(b.contains(first - 1));
    EXPECT_FALSE(b.contains(first + count));
  }
}

TEST(NodeBucket, EmptyAndSingleMembers) {
  NodeBucket b(7, 10000);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.begin(), b.end());
  b.insert(7 + 9999);  // the very last id: found through the summary level
  ASSERT_NE(b.begin(), b.end());
  EXPECT_EQ(*b.begin(), 7u + 9999u);
  b.insert(7);
  EXPECT_EQ(std::vector<NodeId>(b.begin(), b.end()), (std::vector<NodeId>{7, 7 + 9999}));
  b.erase(7 + 9999);
  b.erase(7);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.begin(), b.end());
}

}  // namespace
}  // namespace hetsim
