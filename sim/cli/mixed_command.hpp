#pragma once
// `hetsim run` / `hetsim validate` for a mixed-training planning scenario (`mixed_training:`):
// every planner request of the file, a summary table, DIR/mixed_plans.csv and DIR/plans/*.json;
// `device` says where candidate plans are evaluated (same results everywhere).
#include <string>

#include "commands.hpp"
#include "device.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

int run_mixed_training(const ScenarioSpec& spec, const RunOptions& opt, Device device);
int validate_mixed_training(const ScenarioSpec& spec, const std::string& file);

}  // namespace hetsim
