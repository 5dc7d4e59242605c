#include "run_metrics.hpp"

#include <cmath>

#include <fmt/format.h>

#include "cli_util.hpp"
#include "hetsim/metrics/report.hpp"
#include "hetsim/run/simulation.hpp"

namespace hetsim {

namespace {

using Summary = nlohmann::ordered_json;

}  // namespace

const std::vector<RunMetric>& run_metrics() {
  static const std::vector<RunMetric> m{
      {"jobs_completed", [](const Summary& s) { return s["jobs"]["completed"].get<double>(); }, false},
      {"jobs_pending_at_end", [](const Summary& s) { return s["jobs"]["pending_at_end"].get<double>(); }, false},
      {"jct_mean_s", [](const Summary& s) { return s["jct_s"]["mean"].get<double>(); }, false},
      {"jct_p50_s", [](const Summary& s) { return s["jct_s"]["p50"].get<double>(); }, false},
      {"jct_p95_s", [](const Summary& s) { return s["jct_s"]["p95"].get<double>(); }, false},
      {"jct_p99_s", [](const Summary& s) { return s["jct_s"]["p99"].get<double>(); }, false},
      {"wait_mean_s", [](const Summary& s) { return s["wait_s"]["mean"].get<double>(); }, false},
      {"wait_p99_s", [](const Summary& s) { return s["wait_s"]["p99"].get<double>(); }, false},
      {"makespan_s", [](const Summary& s) { return s["makespan_s"].get<double>(); }, false},
      {"utilization", [](const Summary& s) { return s["utilization"]["overall"].get<double>(); }, true},
      {"stranded", [](const Summary& s) { return s["utilization"]["stranded"].get<double>(); }, true},
      {"mixed_jobs", [](const Summary& s) { return s["mixed"]["jobs_started"].get<double>(); }, false},
      {"preemptions", [](const Summary& s) { return s["preemption"]["preemptions"].get<double>(); }, false},
      {"lost_card_hours", [](const Summary& s) { return s["preemption"]["lost_card_hours"].get<double>(); }, false},
      {"jobs_staged", [](const Summary& s) { return s["staging"]["jobs_staged"].get<double>(); }, false},
      {"staging_card_hours", [](const Summary& s) { return s["staging"]["staging_card_hours"].get<double>(); }, false},
  };
  return m;
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
