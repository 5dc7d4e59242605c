// Arrival process: Poisson rate and the diurnal profile.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numeric>

#include "hetsim/workload/arrivals.hpp"

namespace hetsim {
namespace {

constexpr double kDay = 86400;

WorkloadSpec rate_spec(double jobs_per_day) {
  WorkloadSpec w;
  w.jobs_per_day = jobs_per_day;
  return w;
}

TEST(Arrivals, FlatRateMatchesJobsPerDay) {
  const double days = 20;
  const auto t = generate_arrival_times(rate_spec(10000), days * kDay, RngStreams(1));
  const double expected = 10000 * days;
  // Poisson: standard deviation sqrt(mean) ~ 447; allow 4 of them.
  EXPECT_NEAR(static_cast<double>(t.size()), expected, 4 * std::sqrt(expected));

  // Per-day counts of a Poisson process have variance ~ mean (index of dispersion ~ 1).
  std::vector<double> per_day(static_cast<std::size_t>(days), 0);
  for (double x : t) per_day[static_cast<std::size_t>(x / kDay)] += 1;
  const double mean = std::accumulate(per_day.begin(), per_day.end(), 0.0) / days;
  double var = 0;
  for (double c : per_day) var += (c - mean) * (c - mean);
  var /= days - 1;
  EXPECT_GT(var / mean, 0.3);
  EXPECT_LT(var / mean, 2.5);

  // Exponential gaps: mean 8.64 s, coefficient of variation 1.
  double gap_sum = 0, gap_sq = 0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double g = t[i] - t[i - 1];
    ASSERT_GE(g, 0);
    gap_sum += g;
    gap_sq += g * g;
  }
  const double n = static_cast<double>(t.size() - 1);
  const double gmean = gap_sum / n;
  const double cv = std::sqrt(gap_sq / n - gmean * gmean) / gmean;
  EXPECT_NEAR(gmean, kDay / 10000, 0.02 * kDay / 10000);
  EXPECT_NEAR(cv, 1.0, 0.02);
}

TEST(Arrivals, DiurnalShapeIsFollowed) {
  WorkloadSpec w = rate_spec(20000);
  w.diurnal = {0.6, 0.5, 0.4, 0.35, 0.3, 0.3, 0.4, 0.6, 0.9, 1.3, 1.5, 1.5,
               1.2, 1.3, 1.5, 1.6,  1.6, 1.4, 1.1, 1.1, 1.2, 1.1, 0.9, 0.7};
  const double days = 30;
  const auto t = generate_arrival_times(w, days * kDay, RngStreams(2));
  // The mean of the profile is normalised to 1, so the daily total is unchanged.
  EXPECT_NEAR(static_cast<double>(t.size()), 20000 * days, 4 * std::sqrt(20000 * days));

  std::array<double, 24> counts{};
  for (double x : t) counts[static_cast<std::size_t>(std::fmod(x, kDay) / 3600)] += 1;
  const auto profile = normalised_diurnal(w.diurnal);
  double mc = 0, mp = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    mc += counts[h] / 24;
    mp += profile[h] / 24;
  }
  double cov = 0, vc = 0, vp = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    cov += (counts[h] - mc) * (profile[h] - mp);
    vc += (counts[h] - mc) * (counts[h] - mc);
    vp += (profile[h] - mp) * (profile[h] - mp);
    // Each hour: expected count 20000/24 * profile * days, within 5%.
    EXPECT_NEAR(counts[h], 20000.0 / 24 * profile[h] * days, 0.05 * 20000.0 / 24 * profile[h] * days) << "hour " << h;
  }
  EXPECT_GT(cov / std::sqrt(vc * vp), 0.99);
}

TEST(Arrivals, ZeroProfileMeansFlatAndZeroRateMeansNone) {
  const auto p = normalised_diurnal({});
  for (double x : p) EXPECT_EQ(x, 1.0);
  std::array<double, 24> d{};
  d[5] = 2;
  const auto q = normalised_diurnal(d);
  EXPECT_DOUBLE_EQ(q[5], 24.0);
  EXPECT_EQ(q[6], 0.0);
  EXPECT_TRUE(generate_arrival_times(rate_spec(0), kDay, RngStreams(1)).empty());
  EXPECT_TRUE(generate_arrival_times(rate_spec(100), 0, RngStreams(1)).empty());
}

TEST(Arrivals, ProfileScaleDoesNotMatter) {
  // Scaling the profile changes nothing: same candidates, same acceptances.
  WorkloadSpec a = rate_spec(5000), b = rate_spec(5000);
  for (std::size_t h = 0; h < 24; ++h) {
    a.diurnal[h] = 1.0 + static_cast<double>(h % 5);
    b.diurnal[h] = 2.0 * a.diurnal[h];  // a power of two keeps the normalised profile exact
  }
  EXPECT_EQ(generate_arrival_times(a, 2 * kDay, RngStreams(4)), generate_arrival_times(b, 2 * kDay, RngStreams(4)));
}

}  // namespace
}  // namespace hetsim
