#include "hetsim/app/run_metrics.hpp"

#include <cmath>

#include <fmt/format.h>

#include "hetsim/app/app_util.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/run/simulation.hpp"

namespace hetsim {

using Summary = nlohmann::ordered_json;

double RunMetric::get(const Summary& summary) const {
  const Summary& v = summary.at(Summary::json_pointer(path));
  return v.is_null() ? std::nan("") : v.get<double>();
}

const std::vector<RunMetric>& run_metrics() {
  static const std::vector<RunMetric> m{
      {"jobs_completed", "/jobs/completed", "jobs", "jobs that completed before the end", false, true},
      {"jobs_pending_at_end", "/jobs/pending_at_end", "jobs",
       "jobs that had arrived but waited at the end (a policy that leaves many pending looks better by JCT than it is)",
       false, true},
      {"jct_mean_s", "/jct_s/mean", "s", "mean job completion time (arrival to completion) of completed jobs", false,
       true},
      {"jct_p50_s", "/jct_s/p50", "s", "median job completion time (nearest rank)", false},
      {"jct_p95_s", "/jct_s/p95", "s", "95th percentile of job completion time", false},
      {"jct_p99_s", "/jct_s/p99", "s", "99th percentile of job completion time", false, true},
      {"wait_mean_s", "/wait_s/mean", "s", "mean wait (arrival to first start) of started jobs", false, true},
      {"wait_p99_s", "/wait_s/p99", "s", "99th percentile of the wait", false},
      {"makespan_s", "/makespan_s", "s", "last completion - first arrival", false},
      {"utilization", "/utilization/overall", "share", "busy card-time / (cards x the run's window)", true, true},
      {"stranded", "/utilization/stranded", "share",
       "card-time idle while at least one job waited, as a share of cards x window", true, true},
      {"mixed_jobs", "/mixed/jobs_started", "jobs", "jobs started on a gang spanning chip types", false},
      {"preemptions", "/preemption/preemptions", "stops",
       "runs stopped by a preemptive policy, reclaims for guarantees included", false},
      {"lost_card_hours", "/preemption/lost_card_hours", "card-h",
       "work preemptions threw away (cards x time since the last checkpoint; failures' losses are in summary.json's "
       "`failures`)",
       false},
      {"jobs_staged", "/staging/jobs_staged", "jobs", "jobs whose data was copied to another site", false},
      {"staging_card_hours", "/staging/staging_card_hours", "card-h", "card-time spent waiting for those copies",
       false},
  };
  return m;
}

std::string run_metrics_markdown() {
  std::string md = "| metric | unit | summary.json | meaning |\n|---|---|---|---|\n";
  for (const RunMetric& m : run_metrics())
    md += fmt::format("| `{}` | {} | `{}` | {} |\n", m.name, m.unit, m.path, m.meaning);
  return md;
}

std::string metric_text(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

Summary simulate_summary(const std::string& scenario_name, uint64_t seed, const SimulationModel& model, Policy& policy,
                         const std::string& outputs_dir) {
  MetricsCollector collector(model.cluster, model.chips, model.jobs);
  Simulation sim(model, policy, collector);
  const RunResult res = sim.run();
  const RunInfo info = run_info(scenario_name, seed, policy.name(), "cpu", model, sim, res);
  const ReportInputs in{&info, &model.cluster, &model.chips, &model.jobs, &model.tenants, &collector, &model.vouchers};
  return outputs_dir.empty() ? summary_json(in) : write_run_outputs(outputs_dir, in);
}

}  // namespace hetsim
