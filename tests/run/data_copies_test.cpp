// DataCopies alone (sim/run/data_copies.hpp): copies share a link, a site that holds the data is
// not copied to again, stopped copies free their share, and a cut path stalls a copy. Two sites
// joined by one 10 Gb/s link with 0.5 ms latency; 10 GB of data is 8e10 bits: 8 s alone.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../support/mini_model.hpp"
#include "hetsim/run/data_copies.hpp"

using namespace hetsim;

namespace {

SimulationModel two_sites() {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(1, 0, 0, 1, 8, 128000, 1 << 20, 2);
  test::finish_topology(m, 10, 500);
  return m;
}

constexpr double kBits = 8e10;
const std::vector<SiteId> kBoth{0, 1};

}  // namespace

TEST(DataCopies, TwoCopiesShareTheLinkAndTheDestinationThenHoldsTheData) {
  const SimulationModel m = two_sites();
  DataCopies c(m.topology.links(), 1.0);
  const SimTime t0 = SimTime::zero();
  EXPECT_NEAR(c.estimate_s(0, 0, 1, kBits, m.topology), 8 + 0.0005, 1e-9);
  EXPECT_EQ(c.start(0, 0, kBoth, kBits, m.topology, t0), 1);  // site 0 holds it already
  EXPECT_EQ(c.start(1, 0, kBoth, kBits, m.topology, t0), 1);
  EXPECT_TRUE(c.in_flight());
  // Each gets half the link: 16 s; a third copy would get a third: 24 s.
  EXPECT_NEAR(c.in_flight_s(0, m.topology), 16 + 0.0005, 1e-9);
  EXPECT_NEAR(c.estimate_s(2, 0, 1, kBits, m.topology), 24 + 0.0005, 1e-9);
  EXPECT_EQ(c.next_finish(), SimTime::from_s(16));
  const std::vector<DataCopies::Copy> done = c.take_finished(SimTime::from_s(16));
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].job + done[1].job, 1u);
  EXPECT_EQ(done[0].to, 1u);
  EXPECT_FALSE(c.in_flight());
  EXPECT_TRUE(c.holds(0, 1));
  EXPECT_EQ(c.estimate_s(0, 0, 1, kBits, m.topology), 0);                      // there already
  EXPECT_EQ(c.start(0, 0, kBoth, kBits, m.topology, SimTime::from_s(20)), 0);  // no second copy
  EXPECT_EQ(c.in_flight_s(0, m.topology), 0);
}

TEST(DataCopies, ACancelledCopyFreesItsShare) {
  const SimulationModel m = two_sites();
  DataCopies c(m.topology.links(), 1.0);
  c.start(0, 0, kBoth, kBits, m.topology, SimTime::zero());
  c.start(1, 0, kBoth, kBits, m.topology, SimTime::zero());
  // At 4 s each has sent 2e10 bits; job 0's copy stops, job 1's gets the whole link for its last
  // 6e10 bits: 6 s more, done at 10 s.
  c.cancel(0, SimTime::from_s(4));
  EXPECT_EQ(c.next_finish(), SimTime::from_s(10));
  const auto done = c.take_finished(SimTime::from_s(10));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].job, 1u);
  EXPECT_FALSE(c.holds(0, 1));  // a stopped copy leaves nothing behind
}

TEST(DataCopies, ACopyWithoutAPathStallsUntilRerouted) {
  const SimulationModel m = two_sites();
  DataCopies c(m.topology.links(), 0.5);  // half of each link: 5 Gb/s, 16 s alone
  c.start(0, 0, kBoth, kBits, m.topology, SimTime::zero());
  const Topology cut = m.topology.with_links(m.cluster, {false});
  EXPECT_TRUE(std::isinf(c.estimate_s(1, 0, 1, kBits, cut)));
  c.reroute(cut, SimTime::from_s(4));  // 2e10 of 8e10 bits sent
  EXPECT_TRUE(std::isinf(c.in_flight_s(0, cut)));
  c.reroute(m.topology, SimTime::from_s(10));  // back: 6e10 bits at 5 Gb/s
  EXPECT_EQ(c.next_finish(), SimTime::from_s(22));
}
