#include "hetsim/workload/stats.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hetsim {
namespace {

// Linear interpolation between order statistics of sorted `v`, q in [0, 1].
double quantile(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

}  // namespace

WorkloadStats workload_stats(const std::vector<Job>& jobs, const std::vector<double>& reference_runtime_s) {
  if (jobs.size() != reference_runtime_s.size()) {
    throw std::invalid_argument("workload_stats: one reference runtime per job is needed");
  }
  WorkloadStats s;
  s.count = jobs.size();
  if (jobs.empty()) return s;

  std::vector<double> cards(jobs.size());
  std::array<double, kJobClassCount> count_by_class{}, time_by_class{};
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    cards[i] = jobs[i].cards;
    const double card_s = cards[i] * reference_runtime_s[i];
    s.card_seconds += card_s;
    const auto k = static_cast<std::size_t>(jobs[i].job_class);
    count_by_class[k] += 1;
    time_by_class[k] += card_s;
  }
  std::vector<double> runtimes = reference_runtime_s;
  std::sort(cards.begin(), cards.end());
  std::sort(runtimes.begin(), runtimes.end());

  s.median_cards = quantile(cards, 0.5);
  s.mean_cards = mean(cards);
  s.p99_cards = quantile(cards, 0.99);
  s.max_cards = cards.back();
  s.median_runtime_s = quantile(runtimes, 0.5);
  s.mean_runtime_s = mean(runtimes);
  for (std::size_t k = 0; k < kJobClassCount; ++k) {
    s.class_job_share[k] = count_by_class[k] / static_cast<double>(s.count);
    s.class_gpu_time_share[k] = s.card_seconds > 0 ? time_by_class[k] / s.card_seconds : 0;
  }
  return s;
}

double offered_load(const WorkloadStats& s, double platform_cards, double horizon_s) {
  if (!(platform_cards > 0) || !(horizon_s > 0)) {
    throw std::invalid_argument("offered_load: platform cards and horizon must be > 0");
  }
  return s.card_seconds / (platform_cards * horizon_s);
}

}  // namespace hetsim
