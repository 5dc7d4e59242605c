#pragma once
// The bisection of finish-time fairness (allocation.hpp) on rho, shared by the per-job program
// (allocation.cpp) and the grouped one (finish_time_grouped.cpp): which rate each job needs to
// finish by rho x its isolated finish time, and the search over rho itself.
#include <vector>

#include "hetsim/policy/rounds/allocation.hpp"

namespace hetsim::finish_time {

struct Needs {
  const AllocationProblem& p;
  const std::vector<double>& remaining;
  const std::vector<double>& since;
  const std::vector<double>& isolated;
  // Fills need (need <= 0: no constraint); false when some job cannot finish by rho at any rate
  // (rho x isolated <= since).
  bool at(double rho, std::vector<double>& need) const {
    for (std::size_t j = 0; j < p.jobs; ++j) {
      if (!(remaining[j] > 0) || !(isolated[j] > 0)) {
        need[j] = 0;
        continue;
      }
      const double budget = rho * isolated[j] - since[j];
      if (!(budget > 0)) return false;
      need[j] = remaining[j] / budget;
    }
    return true;
  }
};

// Gavel's search: double rho from 1 until feasible, then bisect to a relative 1e-3. Returns the
// last feasible rho, 0 when none was found.
template <class Verdict>
double bisect_rho(Verdict&& verdict) {
  double lo = 0, hi = 1;
  int doublings = 0;
  while (!verdict(hi)) {
    lo = hi;
    hi *= 2;
    if (++doublings > 60) return 0;
  }
  for (int it = 0; it < 40 && hi - lo > 1e-3 * hi; ++it) {
    const double mid = (lo + hi) / 2;
    if (verdict(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace hetsim::finish_time
