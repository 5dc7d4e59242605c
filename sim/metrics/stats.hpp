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
double nearest_rank_percentile(const std::vector<double>& sorted, double p);

}  // namespace hetsim
