#pragma once
// Arrival times of the generated stream: a non-homogeneous Poisson process with rate
// jobs_per_day / 86400 * diurnal[hour of day], by thinning (Lewis & Shedler): candidates come at
// the peak rate and each is kept with probability rate(t) / peak rate. Stream "workload.arrivals".
#include <array>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

inline constexpr double kSecondsPerDay = 86400.0;

// The diurnal profile scaled to mean 1. All zeros (the default-constructed spec, "not given")
// means flat. Throws std::invalid_argument on negative or non-finite entries.
std::array<double, 24> normalised_diurnal(const std::array<double, 24>& diurnal);

// Sorted arrival times in [0, horizon_s), seconds; t = 0 is midnight.
std::vector<double> generate_arrival_times(const WorkloadSpec& spec, double horizon_s, const RngStreams& streams);

}  // namespace hetsim
