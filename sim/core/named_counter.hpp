#pragma once
// A named figure a component reports about its own work: a policy's rounds, solver calls and
// iterations (Policy::counters), written to summary.json's "policy_stats". Only deterministic
// figures belong here (no wall time): a summary stays the same bytes for the same scenario and seed.
#include <string>

namespace hetsim {

struct NamedCounter {
  std::string name;
  double value = 0;
  bool integer = true;  // a count, written as an integer; else a real, rounded to 1e-9
};

}  // namespace hetsim
