#pragma once
// Small helpers shared by the subcommands: comma lists on the command line and output folders.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hetsim/metrics/report.hpp"
#include "hetsim/run/simulation.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

// "a,b,c" -> {"a", "b", "c"}; an empty text gives one empty item (callers reject it with context).
std::vector<std::string> split_commas(const std::string& text);

// "7", "1-10" or "1,4,9" (items may be ranges: "1-3,8"), appended to `out`; false with `error`
// (naming --seeds) on a malformed item, a reversed or too long range, or a repeated seed.
bool parse_seed_list(const std::string& text, std::vector<uint64_t>& out, std::string& error);

// --set KEY=VALUE arguments -> (KEY, VALUE) pairs; false with `error` on a missing '=' or empty KEY.
bool parse_set_args(const std::vector<std::string>& sets, std::vector<std::pair<std::string, std::string>>& out,
                    std::string& error);

// "NAME" or "NAME:k=v,k=v" (a --policy argument) -> name and parameters.
bool parse_policy_arg(const std::string& arg, std::string& name, std::map<std::string, std::string>& params,
                      std::string& error);

// What summary.json says about a finished run: scenario, seed, policy, device, events, wall time
// and the mixed-training planner's work.
RunInfo run_info(const std::string& scenario, uint64_t seed, const std::string& policy, const std::string& device,
                 const SimulationModel& model, const Simulation& sim, const RunResult& res);

// Creates `dir` if needed and proves a file can be created in it. Empty string on success,
// otherwise why not ("cannot create directory: ...", "not a directory", "cannot write there: ...").
std::string check_output_dir(const std::string& dir);

// Takes `dir`'s lock for the rest of the process (an exclusive flock on DIR/.hetsim.lock, which
// the kernel releases when the process ends, killed or not): two processes writing one --out
// would leave files of both runs side by side. Empty string on success (also when this process
// holds it already), otherwise why not ("another hetsim process (pid N) is writing there").
std::string lock_output_dir(const std::string& dir);

// The policy's problems (PolicyRegistry::check) as diagnostics, each at its parameter's value in
// the scenario, else at the policy, else (a --policy argument) with no position: `validate` and
// `run` report them with the scenario's own errors, in one round.
std::vector<Diagnostic> policy_diagnostics(const PolicySpec& policy, const std::string& file);

}  // namespace hetsim
