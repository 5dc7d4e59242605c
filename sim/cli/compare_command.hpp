#pragma once
// `hetsim compare SCENARIO --policies a,b --seeds 1-5 --out DIR`: every policy on every seed of one
// scenario, runs in parallel (OpenMP), one table of metrics with means and 95 % confidence
// intervals (docs/policies.md, "Comparing policies").
#include <string>
#include <vector>

namespace hetsim {

struct CompareOptions {
  std::string scenario;
  std::string policies;                   // comma list of policy names
  std::vector<std::string> policy_specs;  // repeatable --policy NAME[:k=v,...]
  std::string seeds_text;                 // default: the scenario's seed
  std::vector<std::string> sets;
  std::string out;         // optional: compare.csv, compare_summary.csv, compare.md
  bool keep_runs = false;  // also each run's summary.json, jobs.csv, timeseries.csv
  bool quiet = false;
  std::string progress = "auto";  // runs done on stderr: auto, on, off (progress_bar.hpp)
};

int cmd_compare(const CompareOptions& opt);

}  // namespace hetsim
