// TransferNetwork: max-min fair sharing of inter-site channels by data-staging copies.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "hetsim/run/transfer_network.hpp"

using namespace hetsim;

namespace {
SimTime s(double seconds) { return SimTime::from_seconds(seconds); }
}  // namespace

TEST(TransferNetwork, TwoCopiesShareAChannelEquallyAndFinishExactly) {
  TransferNetwork net({10e9});
  const uint32_t a = net.add({0}, 10e9, s(0));
  EXPECT_DOUBLE_EQ(net.rate_bps(a), 10e9);
  EXPECT_EQ(net.next_finish(), s(1));
  // At 0.5 s a second copy joins: both at 5 Gb/s; a has 5e9 bits left, so it ends at 1.5 s.
  const uint32_t b = net.add({0}, 10e9, s(0.5));
  EXPECT_DOUBLE_EQ(net.rate_bps(a), 5e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(b), 5e9);
  EXPECT_EQ(net.next_finish(), s(1.5));
  EXPECT_TRUE(net.take_finished(s(1.0)).empty());
  EXPECT_EQ(net.take_finished(s(1.5)), std::vector<uint32_t>{a});
  // b moved 5e9 bits in that second and now has the channel to itself.
  EXPECT_DOUBLE_EQ(net.remaining_bits(b), 5e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(b), 10e9);
  EXPECT_EQ(net.next_finish(), s(2.0));
  EXPECT_EQ(net.take_finished(s(2.0)), std::vector<uint32_t>{b});
  EXPECT_EQ(net.active(), 0u);
  EXPECT_EQ(net.next_finish(), SimTime::max());
}

TEST(TransferNetwork, RatesAreMaxMinFairAcrossChannels) {
  // Channel 0: 10 Gb/s, channel 1: 4 Gb/s. A copy over both is held to 4 by channel 1; the copy on
  // channel 0 alone takes the 6 left (not an equal 5/5 split of channel 0).
  TransferNetwork net({10e9, 4e9});
  const uint32_t both = net.add({0, 1}, 1e12, s(0));
  const uint32_t first = net.add({0}, 1e12, s(0));
  EXPECT_DOUBLE_EQ(net.rate_bps(both), 4e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(first), 6e9);
  // A third copy on channel 1 halves `both` to 2; `first` rises to 8.
  const uint32_t second = net.add({1}, 1e12, s(0));
  EXPECT_DOUBLE_EQ(net.rate_bps(both), 2e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(second), 2e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(first), 8e9);
  EXPECT_EQ(net.load(0), 2u);
  EXPECT_EQ(net.load(1), 2u);
  // Removing one gives its share back.
  net.remove(second, s(0));
  EXPECT_DOUBLE_EQ(net.rate_bps(both), 4e9);
  EXPECT_DOUBLE_EQ(net.rate_bps(first), 6e9);
}

TEST(TransferNetwork, ACopyWithoutARouteStallsUntilRerouted) {
  TransferNetwork net({10e9});
  const uint32_t a = net.add({}, 20e9, s(0));
  EXPECT_DOUBLE_EQ(net.rate_bps(a), 0);
  EXPECT_EQ(net.next_finish(), SimTime::max());
  EXPECT_TRUE(net.take_finished(s(100)).empty());
  net.reroute(a, {0}, s(100));
  EXPECT_EQ(net.next_finish(), s(102));
  // Cut again half-way: 10e9 bits stay until the route returns.
  net.reroute(a, {}, s(101));
  EXPECT_DOUBLE_EQ(net.remaining_bits(a), 10e9);
  net.reroute(a, {0}, s(200));
  EXPECT_EQ(net.next_finish(), s(201));
}

TEST(TransferNetwork, EstimateCountsTheNewCopyInTheShare) {
  TransferNetwork net({10e9, 10e9});
  EXPECT_DOUBLE_EQ(net.estimate_s({0}, 10e9), 1.0);
  net.add({0}, 1e12, s(0));
  EXPECT_DOUBLE_EQ(net.estimate_s({0}, 10e9), 2.0);
  EXPECT_DOUBLE_EQ(net.estimate_s({1}, 10e9), 1.0);
  EXPECT_DOUBLE_EQ(net.estimate_s({1, 0}, 10e9), 2.0);
  EXPECT_TRUE(std::isinf(net.estimate_s({}, 10e9)));
}

TEST(TransferNetwork, IdsAreReusedLowestFirst) {
  TransferNetwork net({1e9});
  const uint32_t a = net.add({0}, 1e9, s(0));
  const uint32_t b = net.add({0}, 1e9, s(0));
  const uint32_t c = net.add({0}, 1e9, s(0));
  net.remove(c, s(0));
  net.remove(a, s(0));
  EXPECT_EQ(net.add({0}, 1e9, s(0)), a);
  EXPECT_EQ(net.add({0}, 1e9, s(0)), c);
  (void)b;
}

TEST(TransferNetwork, BadInputIsRefused) {
  EXPECT_THROW(TransferNetwork({0.0}), std::invalid_argument);
  TransferNetwork net({1e9});
  EXPECT_THROW(net.add({0}, 0, s(0)), std::invalid_argument);
  EXPECT_THROW(net.add({1}, 1e9, s(0)), std::invalid_argument);
  const uint32_t a = net.add({0}, 1e9, s(5));
  EXPECT_THROW(net.add({0}, 1e9, s(4)), std::logic_error);  // time went backwards
  net.remove(a, s(5));
  EXPECT_THROW(net.remove(a, s(5)), std::logic_error);
}
