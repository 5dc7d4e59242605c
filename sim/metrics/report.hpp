#pragma once
// Output files of a run (schemas in docs/scenario-format.md) and the stdout summary table.
// Everything except the `engine` block of summary.json is a function of (scenario, seed,
// policy) only, so two runs produce byte-identical files.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hetsim/core/named_counter.hpp"
#include "hetsim/metrics/billing.hpp"
#include "hetsim/metrics/collector.hpp"
#include "hetsim/metrics/job_columns.hpp"
#include "hetsim/model/tenant.hpp"

namespace hetsim {

struct RunInfo {
  std::string scenario;
  uint64_t seed = 0;
  std::string policy;
  bool policy_oracle = false;  // the policy read true job lengths (Policy::oracle)
  std::string device;
  double horizon_s = 0;
  uint64_t events = 0;
  double wall_s = 0;
  uint64_t planner_calls = 0;              // mixed-training planner runs (cache misses)
  double planner_s = 0;                    // wall time inside them
  std::vector<NamedCounter> policy_stats;  // the policy's own counters (Policy::counters)
};

struct ReportInputs {
  const RunInfo* info;
  const Cluster* cluster;
  const ChipCatalog* chips;
  const std::vector<Job>* jobs;
  const std::vector<Tenant>* tenants;
  const MetricsCollector* metrics;
  const VoucherRules* vouchers;  // prices and vouchers: the `cost` block and jobs.csv's cost columns
};

// Rent and vouchers of the run (billing.hpp); summary.json and jobs.csv both show it, so callers
// that write both bill once and pass it on.
Billing bill_run(const ReportInputs& in);

nlohmann::ordered_json summary_json(const ReportInputs& in);
nlohmann::ordered_json summary_json(const ReportInputs& in, const Billing& bill);
// The chip a started job ran on, or for a gang spanning chip types their names joined by '+' in
// chip-id order (jobs.csv's `chip` column).
std::string chip_label(const ChipCatalog& chips, const JobRecord& r);
// Calls `f` with the row of every job in id order (jobs.csv's rows, the Python module's arrays).
void for_each_job_row(const ReportInputs& in, const Billing& bill, const std::function<void(const JobRowView&)>& f);
std::string jobs_csv(const ReportInputs& in);
// The same rows, handed to `sink` in chunks of about 1 MB (what write_run_outputs streams).
void jobs_csv(const ReportInputs& in, const Billing& bill, const std::function<void(std::string_view)>& sink);
std::string timeseries_csv(const ReportInputs& in);
std::string summary_table(const nlohmann::ordered_json& summary);

// Creates `dir` if needed and writes summary.json, jobs.csv and timeseries.csv atomically, then
// manifest.json: the run's identity (scenario, seed, policy, device) and each file's size and
// FNV-1a 64 hash. The manifest is removed before the first file and written after the last, so a
// set whose manifest is present and matches its files is one run's, complete (docs/outputs.md);
// returns the summary it wrote (callers print or read it without computing it again). `in` is read
// from two threads at once (the summary is built while jobs.csv is formatted): nothing it points
// to may change until it returns.
nlohmann::ordered_json write_run_outputs(const std::string& dir, const ReportInputs& in);
// The files write_run_outputs writes in DIR, in writing order (callers check them before a run).
inline constexpr const char* kRunOutputFiles[] = {"jobs.csv", "timeseries.csv", "summary.json", "manifest.json"};

}  // namespace hetsim
