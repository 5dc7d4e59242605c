#include "hetsim/workload/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hetsim {

DiscreteSampler::DiscreteSampler(const std::vector<double>& weights, const std::string& what) {
  if (weights.empty()) throw std::invalid_argument(what + ": no weights");
  cumulative_.reserve(weights.size());
  double total = 0;
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0) {
      throw std::invalid_argument(what + ": weights must be finite and >= 0");
    }
    total += w;
    cumulative_.push_back(total);
  }
  if (!(total > 0)) throw std::invalid_argument(what + ": weights sum to zero");
}

std::size_t DiscreteSampler::draw(Rng& rng) const {
  const double x = rng.uniform01() * cumulative_.back();
  // First index whose cumulative weight exceeds x; zero-weight entries have an empty interval and
  // are never chosen.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  if (it == cumulative_.end()) {
    // Rounding can put x on the total: take the last entry with positive weight.
    std::size_t i = cumulative_.size() - 1;
    while (i > 0 && cumulative_[i] == cumulative_[i - 1]) --i;
    return i;
  }
  return static_cast<std::size_t>(it - cumulative_.begin());
}

void validate_discrete(const DiscreteDist& d, const std::string& what) {
  if (d.values.empty()) throw std::invalid_argument(what + ": no values");
  if (d.values.size() != d.weights.size()) {
    throw std::invalid_argument(what + ": " + std::to_string(d.values.size()) + " values but " +
                                std::to_string(d.weights.size()) + " weights");
  }
  for (double v : d.values) {
    if (!std::isfinite(v)) throw std::invalid_argument(what + ": values must be finite");
  }
  DiscreteSampler check(d.weights, what);  // validates the weights
}

void validate_lognormal(const LogNormalDist& d, const std::string& what) {
  if (!std::isfinite(d.median) || !(d.median > 0)) {
    throw std::invalid_argument(what + ": median must be finite and > 0");
  }
  if (!std::isfinite(d.sigma) || d.sigma < 0) {
    throw std::invalid_argument(what + ": sigma must be finite and >= 0");
  }
  if (std::isnan(d.min) || std::isnan(d.max) || d.min < 0 || d.min > d.max) {
    throw std::invalid_argument(what + ": need 0 <= min <= max");
  }
}

double draw_truncated_lognormal(Rng& rng, const LogNormalDist& d) {
  const double mu = std::log(d.median);
  double x = d.median;
  for (int attempt = 0; attempt < kMaxTruncationAttempts; ++attempt) {
    x = rng.lognormal(mu, d.sigma);
    if (x >= d.min && x <= d.max) return x;
  }
  return std::clamp(x, d.min, d.max);
}

}  // namespace hetsim
