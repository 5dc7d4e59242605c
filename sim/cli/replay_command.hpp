#pragma once
// `hetsim run` for a GPU-sharing trace-replay scenario (a file with `sharing_replay:`): the FGD
// paper's experiment over the scenario's (or the command line's) policies and seeds.
#include "commands.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

int run_sharing_replay(const ScenarioSpec& spec, const RunOptions& opt);
// One line for `hetsim validate`, after reading the trace files; prints their errors otherwise.
int validate_sharing_replay(const ScenarioSpec& spec, const std::string& file);

}  // namespace hetsim
