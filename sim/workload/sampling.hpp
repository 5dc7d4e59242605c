#pragma once
// Draws from the workload's distributions, built only on hetsim::Rng so that a workload is the same
// on every platform and standard library. Validation throws std::invalid_argument naming `what`.
#include <cstddef>
#include <string>
#include <vector>

#include "hetsim/core/rng.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

// Resampling a truncated log-normal stops after this many tries and clamps the last draw, so a
// truncation window far in the tail costs bounded time instead of looping (almost) forever.
inline constexpr int kMaxTruncationAttempts = 64;

// Discrete sampler over fixed weights: cumulative sums and a binary search, O(log n) per draw.
// Rng::discrete is O(n) and re-validates the weights on every call, too slow for a few hundred
// tenants times a million arrivals. One uniform per draw, like Rng::discrete.
class DiscreteSampler {
 public:
  DiscreteSampler() = default;
  // Throws std::invalid_argument when weights are empty, negative, non-finite or all zero.
  DiscreteSampler(const std::vector<double>& weights, const std::string& what);
  std::size_t draw(Rng& rng) const;
  std::size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

void validate_discrete(const DiscreteDist& d, const std::string& what);
void validate_lognormal(const LogNormalDist& d, const std::string& what);

// exp(N(ln median, sigma)) resampled until it lies in [min, max]; clamped after
// kMaxTruncationAttempts tries. sigma == 0 gives the median, clamped.
double draw_truncated_lognormal(Rng& rng, const LogNormalDist& d);

}  // namespace hetsim
