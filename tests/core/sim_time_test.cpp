// SimTime's limits: "never", the capped estimate end and the saturating sum the driver uses for
// runtimes and transfers that may exceed any horizon.
#include <gtest/gtest.h>

#include <stdexcept>

#include "hetsim/core/sim_time.hpp"

using namespace hetsim;

TEST(SimTime, NeverIsLaterThanEveryTimeAndSumsSaturateAtIt) {
  const SimTime day = SimTime::from_s(86400);
  EXPECT_LT(SimTime::from_seconds(SimTime::kMaxSeconds), kNever);
  EXPECT_EQ(saturating_add(day, SimTime::from_s(3600)), SimTime::from_s(90000));
  EXPECT_EQ(saturating_add(day, kNever), kNever);
  EXPECT_EQ(saturating_add(day, kNever - day), kNever);  // exactly reaches it
  EXPECT_EQ(saturating_add(day, kNever - day - SimTime::from_us(1)), kNever - SimTime::from_us(1));
  // The longest converted duration from the latest time a horizon allows: never, not an overflow.
  const SimTime latest = SimTime::from_seconds(SimTime::kMaxSeconds);
  const SimTime longest = SimTime::from_us(static_cast<int64_t>(kLongestDurationUs));
  EXPECT_GT(longest, kNever - latest);
  EXPECT_EQ(saturating_add(latest, longest), kNever);
}

TEST(SimTime, CappedEstimatesEndWithinRangeAndExactBelowTheCap) {
  const SimTime now = SimTime::from_s(1000);
  EXPECT_EQ(after_seconds_capped(now, 2.5), SimTime::from_us(1'002'500'000));
  // Capped at kMaxSeconds, to within the 1,024 us a double resolves there.
  EXPECT_NEAR(static_cast<double>(after_seconds_capped(now, 1e300).us()), SimTime::kMaxSeconds * 1e6, 1024);
  EXPECT_THROW(SimTime::from_seconds(SimTime::kMaxSeconds * 1.0001), std::out_of_range);
}
