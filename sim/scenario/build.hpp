#pragma once
// build_scenario: a validated ScenarioSpec -> the SimulationModel of one run (chips, cluster,
// topology, tenants, generated + explicit jobs). Deterministic in (spec, seed).
// Throws std::invalid_argument for problems validation could not see (e.g. a workload the
// generator cannot satisfy).
#include <cstdint>

#include "hetsim/run/simulation_model.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

SimulationModel build_scenario(const ScenarioSpec& spec, uint64_t seed);

}  // namespace hetsim
