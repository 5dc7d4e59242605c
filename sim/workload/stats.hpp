#pragma once
// Summary statistics of a workload, in the terms Acme's cluster_summary.csv uses (gang size,
// runtime, GPU-time = cards x runtime), to compare a generated workload with the trace.
#include <array>
#include <cstddef>
#include <vector>

#include "hetsim/model/job.hpp"

namespace hetsim {

struct WorkloadStats {
  std::size_t count = 0;
  double median_cards = 0, mean_cards = 0, p99_cards = 0, max_cards = 0;
  double median_runtime_s = 0, mean_runtime_s = 0;       // reference runtime
  double card_seconds = 0;                               // sum of cards x reference runtime
  std::array<double, kJobClassCount> class_job_share{};  // indexed by JobClass
  std::array<double, kJobClassCount> class_gpu_time_share{};
};

// reference_runtime_s[i] is jobs[i]'s runtime on the reference chip (GeneratedWorkload gives it).
// Quantiles interpolate linearly between order statistics (numpy's and pandas' default), so the
// median of an even count is the mean of the middle two, as in Acme's figures.
// Throws std::invalid_argument when the lengths differ.
WorkloadStats workload_stats(const std::vector<Job>& jobs, const std::vector<double>& reference_runtime_s);

// Offered load: card-seconds asked for over card-seconds available in [0, horizon_s).
double offered_load(const WorkloadStats& s, double platform_cards, double horizon_s);

}  // namespace hetsim
