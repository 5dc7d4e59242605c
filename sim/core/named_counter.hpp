#pragma once
// A named figure a component reports about its own work: a policy's rounds, solver calls and
// iterations (Policy::counters), written to summary.json's "policy_stats". Only deterministic
// figures belong here (no wall time): a summary stays the same bytes for the same scenario and seed.
#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace hetsim {

struct NamedCounter {
  std::string name;
  double value = 0;
  bool integer = true;  // a count, written as an integer; else a real, rounded to 1e-9

  static NamedCounter count(std::string name, uint64_t v) { return {std::move(name), static_cast<double>(v), true}; }
  static NamedCounter real(std::string name, double v) { return {std::move(name), v, false}; }
};

// What is wrong with a set of counters (an empty name, a name given twice, a value that is not
// finite, a count that is not a whole number within 2^53), or empty when nothing is. The run
// checks a policy's before writing outputs (Simulation::policy_counters), the report what it is
// handed.
std::string named_counters_problem(std::span<const NamedCounter> counters);

}  // namespace hetsim
