#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "hetsim/core/rng.hpp"

using namespace hetsim;

TEST(Rng, SameSeedSameSequence) {
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, KnownFirstValuesArePinned) {
  // Pinned so that a change of generator or seeding (which would silently change every
  // published result) fails loudly.
  // The literals below are the generator's output as of this test's writing: changing them is a
  // decision to change every result, to be stated in docs and release notes.
  RngStreams s(1);
  Rng r = s.stream("workload.arrivals");
  EXPECT_EQ(r.next_u64(), 5430859948797858888ULL);
  EXPECT_EQ(r.next_u64(), 16178007657842921931ULL);
  EXPECT_EQ(RngStreams(2).stream("workload.arrivals").next_u64(), 3395917976299984991ULL);
  EXPECT_EQ(RngStreams(1).stream("policy").next_u64(), 17824935210326072138ULL);
}

TEST(RngStreams, StreamsDependOnNameNotCreationOrder) {
  RngStreams s(7);
  Rng a1 = s.stream("a");
  Rng b1 = s.stream("b");
  RngStreams s2(7);
  Rng b2 = s2.stream("b");  // created first this time
  Rng a2 = s2.stream("a");
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(a1.next_u64(), a2.next_u64());
    ASSERT_EQ(b1.next_u64(), b2.next_u64());
  }
}

TEST(RngStreams, StreamsAreIndependent) {
  RngStreams s(123);
  Rng a = s.stream("cards");
  Rng b = s.stream("runtime");
  const int n = 200000;
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  int equal = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a.uniform01(), y = b.uniform01();
    sa += x;
    sb += y;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
    equal += x == y;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  const double corr = cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
  EXPECT_LT(std::fabs(corr), 0.01);
  EXPECT_EQ(equal, 0);
  // Drawing more from one stream does not shift the other.
  Rng c1 = s.stream("x");
  Rng c2 = s.stream("x");
  Rng other = s.stream("y");
  for (int i = 0; i < 10; ++i) other.next_u64();
  EXPECT_EQ(c1.next_u64(), c2.next_u64());
}

TEST(Rng, DistributionsHaveTheRightMoments) {
  Rng r(9);
  const int n = 400000;
  double se = 0, sn = 0, snn = 0, su = 0;
  for (int i = 0; i < n; ++i) {
    se += r.exponential(2.0);
    const double z = r.normal();
    sn += z;
    snn += z * z;
    su += r.uniform(3, 5);
  }
  EXPECT_NEAR(se / n, 0.5, 0.005);
  EXPECT_NEAR(sn / n, 0.0, 0.01);
  EXPECT_NEAR(snn / n, 1.0, 0.01);
  EXPECT_NEAR(su / n, 4.0, 0.01);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t k = r.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  const std::vector<double> w{1, 0, 3};
  std::vector<int> d(3, 0);
  for (int i = 0; i < 40000; ++i) ++d[r.discrete(w)];
  EXPECT_EQ(d[1], 0);
  EXPECT_NEAR(d[2] / 40000.0, 0.75, 0.01);
  EXPECT_THROW(r.below(0), std::invalid_argument);
  EXPECT_THROW(r.exponential(0), std::invalid_argument);
  const std::vector<double> zero{0, 0};
  EXPECT_THROW(r.discrete(zero), std::invalid_argument);
}
