#include "hetsim/metrics/stats.hpp"

#include <algorithm>
#include <cmath>

namespace hetsim {

double nearest_rank_percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const auto idx = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[idx];
}

Distribution describe(std::vector<double> values) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  // Kahan summation over the sorted values: the mean does not depend on input order.
  double sum = 0, comp = 0;
  for (double v : values) {
    const double y = v - comp;
    const double t = sum + y;
    comp = (t - sum) - y;
    sum = t;
  }
  d.mean = sum / static_cast<double>(values.size());
  d.p50 = nearest_rank_percentile(values, 50);
  d.p95 = nearest_rank_percentile(values, 95);
  d.p99 = nearest_rank_percentile(values, 99);
  d.max = values.back();
  return d;
}

}  // namespace hetsim
