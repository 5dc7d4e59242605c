#pragma once
// Order statistics used in summaries. Percentiles use the nearest-rank method on a sorted copy
// (p-th percentile = the ceil(p/100 * n)-th smallest value), so they are exact sample values and
// independent of summation order.
#include <vector>

namespace hetsim {

struct Distribution {
  std::size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double max = 0;
};

Distribution describe(std::vector<double> values);

// Two-sided 95 % quantile of Student's t with `df` >= 1 degrees of freedom (t_0.975): a table for
// df <= 30, the Cornish-Fisher expansion beyond (error < 1e-3).
double student_t_975(std::size_t df);

// Mean, sample standard deviation and the half-width of the 95 % confidence interval of the mean
// (t_0.975,n-1 x sd / sqrt(n)); sd and half-width are NaN for fewer than 2 values.
struct MeanCi {
  std::size_t n = 0;
  double mean = 0;
  double sd = 0;
  double half_width = 0;
};
MeanCi mean_ci95(const std::vector<double>& values);
double nearest_rank_percentile(const std::vector<double>& sorted, double p);

}  // namespace hetsim
