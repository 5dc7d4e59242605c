// FailureState alone (sim/run/failure_state.hpp): reasons to be down add up, links count their
// outages, each node's failure times come from its own stream.
#include <gtest/gtest.h>

#include <vector>

#include "hetsim/run/failure_state.hpp"

using namespace hetsim;

namespace {

// Site 0: nodes 0-1 (chip 0); site 1: node 2 (chip 1). Chip 0 fails (mtbf 1000 s, mttr 10 s),
// chip 1 never; site 1 has an outage.
struct Fixture {
  Fixture() {
    cluster.add_site("a");
    cluster.add_site("b");
    cluster.add_provider("p");
    cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 2);
    cluster.add_pool(1, 0, 1, 1, 8, 128000, 1 << 20, 2);
    failures.by_chip = {NodeFailureRate{1000, 10}, NodeFailureRate{}};
    SiteOutage o;
    o.site = 1;
    failures.site_outages.push_back(o);
  }
  Cluster cluster{2};
  FailureModel failures;
};

}  // namespace

TEST(FailureState, ANodeDownForTwoReasonsComesBackWhenBothEnd) {
  Fixture f;
  FailureState s(f.failures, f.cluster, 1, 1);
  ASSERT_TRUE(s.active());
  EXPECT_EQ(s.outage_nodes(0), std::vector<NodeId>{2});
  const NodeId two[] = {2};
  EXPECT_EQ(s.add_down(two), std::vector<NodeId>{2});  // its own failure
  EXPECT_TRUE(s.add_down(s.outage_nodes(0)).empty());  // and the site's outage: already down
  EXPECT_TRUE(s.is_down(2));
  EXPECT_TRUE(s.remove_down(two).empty());  // repaired, but the outage still holds it
  EXPECT_TRUE(s.is_down(2));
  EXPECT_EQ(s.remove_down(s.outage_nodes(0)), std::vector<NodeId>{2});
  EXPECT_FALSE(s.is_down(2));
  EXPECT_TRUE(s.remove_down(two).empty());  // a node that is up stays up
  EXPECT_FALSE(s.is_down(0));
}

TEST(FailureState, ALinkChangesStateOnlyWithItsFirstAndLastOutage) {
  Fixture f;
  FailureState s(f.failures, f.cluster, 1, 2);
  EXPECT_TRUE(s.link_change(1, +1));   // goes down
  EXPECT_FALSE(s.link_change(1, +1));  // a second outage of it
  EXPECT_EQ(s.links_up(), (std::vector<bool>{true, false}));
  EXPECT_FALSE(s.link_change(1, -1));  // one outage still holds it
  EXPECT_TRUE(s.link_change(1, -1));   // back
  EXPECT_EQ(s.links_up(), (std::vector<bool>{true, true}));
}

TEST(FailureState, EachNodeDrawsFromItsOwnStream) {
  Fixture f;
  EXPECT_TRUE(FailureState(f.failures, f.cluster, 1, 0).node_fails(0));
  EXPECT_FALSE(FailureState(f.failures, f.cluster, 1, 0).node_fails(2));
  FailureState a(f.failures, f.cluster, 7, 0);
  FailureState b(f.failures, f.cluster, 7, 0);
  // Node 1's times do not depend on how often node 0 drew before.
  for (int i = 0; i < 5; ++i) (void)a.draw_delay_s(0, true);
  EXPECT_EQ(a.draw_delay_s(1, true), b.draw_delay_s(1, true));
  EXPECT_EQ(a.draw_delay_s(1, false), b.draw_delay_s(1, false));
  // Failures have mean mtbf, repairs mean mttr: over many draws, within 5 %.
  double fail = 0, repair = 0;
  for (int i = 0; i < 20000; ++i) fail += a.draw_delay_s(0, true), repair += a.draw_delay_s(0, false);
  EXPECT_NEAR(fail / 20000, 1000, 50);
  EXPECT_NEAR(repair / 20000, 10, 0.5);
  // Another seed, other times.
  EXPECT_NE(FailureState(f.failures, f.cluster, 8, 0).draw_delay_s(0, true),
            FailureState(f.failures, f.cluster, 7, 0).draw_delay_s(0, true));
}

TEST(FailureState, InactiveWithoutFailures) {
  Fixture f;
  EXPECT_FALSE(FailureState(FailureModel{}, f.cluster, 1, 0).active());
  EXPECT_FALSE(FailureState().is_down(0));
}
