#pragma once
// The headline metrics of one simulation run, as the columns of `hetsim compare` and `hetsim sweep`
// tables, and the one function both use to simulate a prepared run and read them out of its
// summary.json. Keeping one list means a compared run and a swept run report the same numbers.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hetsim/policy/policy.hpp"
#include "hetsim/run/simulation_model.hpp"

namespace hetsim {

struct RunMetric {
  const char* name;
  const char* path;     // where summary.json holds it (a JSON pointer, "/jct_s/mean")
  const char* unit;     // "s", "jobs", "share", "card-h", ...
  const char* meaning;  // one line for docs/scenario-format.md
  bool is_share;        // a fraction in [0, 1], printed as a percentage
  // A column of compare's console table (completed and pending first, so that a policy which
  // leaves jobs waiting does not look best by mean JCT alone).
  bool on_console = false;
  // The value in a run's summary.json; NaN where it holds none (null: e.g. no job completed).
  double get(const nlohmann::ordered_json& summary) const;
};

// In column order.
const std::vector<RunMetric>& run_metrics();

// docs/scenario-format.md's table of these metrics (markdown), from the list above.
std::string run_metrics_markdown();

// Shortest text that reads back to the same double ("" for NaN and infinities): byte-stable
// across runs, thread counts and MPI ranks.
std::string metric_text(double v);

// Simulates `model` (read-only; several threads may share it) under `policy` and returns the
// run's summary.json; with a non-empty `outputs_dir`, also writes the run's files there (as
// `hetsim run --out`). `scenario_name` and `seed` only label the summary.
nlohmann::ordered_json simulate_summary(const std::string& scenario_name, uint64_t seed, const SimulationModel& model,
                                        Policy& policy, const std::string& outputs_dir = "");

}  // namespace hetsim
