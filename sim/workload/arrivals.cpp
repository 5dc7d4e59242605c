#include "hetsim/workload/arrivals.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hetsim {

std::array<double, 24> normalised_diurnal(const std::array<double, 24>& diurnal) {
  double sum = 0;
  for (double x : diurnal) {
    if (!std::isfinite(x) || x < 0) {
      throw std::invalid_argument("workload: diurnal entries must be finite and >= 0");
    }
    sum += x;
  }
  std::array<double, 24> out{};
  if (sum == 0) {
    out.fill(1.0);
    return out;
  }
  const double mean = sum / 24.0;
  for (std::size_t h = 0; h < 24; ++h) out[h] = diurnal[h] / mean;
  return out;
}

std::vector<double> generate_arrival_times(const WorkloadSpec& spec, double horizon_s, const RngStreams& streams) {
  if (!std::isfinite(spec.jobs_per_day) || spec.jobs_per_day < 0) {
    throw std::invalid_argument("workload: jobs_per_day must be finite and >= 0");
  }
  if (!std::isfinite(horizon_s) || horizon_s < 0) {
    throw std::invalid_argument("workload: horizon must be finite and >= 0");
  }
  const auto profile = normalised_diurnal(spec.diurnal);
  std::vector<double> out;
  if (spec.jobs_per_day == 0 || horizon_s == 0) return out;

  const double peak = *std::max_element(profile.begin(), profile.end());
  const double peak_rate = spec.jobs_per_day / kSecondsPerDay * peak;
  out.reserve(static_cast<std::size_t>(spec.jobs_per_day * horizon_s / kSecondsPerDay * 1.05) + 16);
  Rng rng = streams.stream("workload.arrivals");
  double t = 0;
  for (;;) {
    t += rng.exponential(peak_rate);
    if (t >= horizon_s) break;
    const auto hour = std::min<std::size_t>(23, static_cast<std::size_t>(std::fmod(t, kSecondsPerDay) / 3600.0));
    // Always draw the acceptance uniform, so the candidate sequence does not depend on the profile
    // beyond its peak.
    if (rng.uniform01() * peak < profile[hour]) out.push_back(t);
  }
  return out;
}

}  // namespace hetsim
