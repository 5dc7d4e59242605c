#pragma once
#include <memory>
#include <string>

#include "hetsim/metrics/collector.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/run/simulation.hpp"

namespace hetsim::test {

struct Ran {
  std::unique_ptr<MetricsCollector> metrics;
  RunResult result;
  std::string policy_name;
};

inline Ran run_policy(const SimulationModel& m, const std::string& policy,
                      const std::map<std::string, std::string>& params = {}) {
  auto p = builtin_policy_registry().create(policy, params);
  Ran r;
  r.metrics = std::make_unique<MetricsCollector>(m.cluster, m.chips, m.jobs);
  Simulation sim(m, *p, *r.metrics);
  sim.set_check_invariants(true);  // every test run is also an invariant check
  r.result = sim.run();
  r.policy_name = p->name();
  return r;
}

// Runs `m` under `p`: the PolicyViolation's message, or "" when the run ends cleanly.
inline std::string violation_message(const SimulationModel& m, Policy& p) {
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  try {
    sim.run();
  } catch (const PolicyViolation& e) {
    return e.what();
  }
  return "";
}

inline double start_s(const Ran& r, JobId id) { return r.metrics->records()[id].start.seconds(); }

}  // namespace hetsim::test
