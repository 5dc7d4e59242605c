#pragma once
// `hetsim run` for a GPU-sharing trace-replay scenario (a file with `sharing_replay:`): the FGD
// paper's experiment over the scenario's (or the command line's) policies and seeds.
#include "commands.hpp"
#include "device.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

// `device`: Cuda scores FGD's candidates on the GPU (same placements); Auto stays on the CPU,
// which was faster for openb-sized clusters (docs/performance.md, "On the GPU").
int run_sharing_replay(const ScenarioSpec& spec, const RunOptions& opt, Device device);
// One line for `hetsim validate`, after reading the trace files; prints their errors otherwise.
int validate_sharing_replay(const ScenarioSpec& spec, const std::string& file);
// For `hetsim validate` of a scenario with errors: the trace files' row errors too, in the same
// round, when both files were found. Returns whether the rows were clean (or not read).
bool validate_sharing_trace_rows(const ScenarioSpec& spec);

}  // namespace hetsim
