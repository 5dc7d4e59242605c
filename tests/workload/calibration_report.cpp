// workload_calibration_report: generates the Acme-calibrated workload and prints its statistics
// next to Acme Seren's (cluster_summary.csv) as Markdown, for docs/workload-calibration.md.
//   workload_calibration_report [days=30] [seed=1] [platform_cards=50000] [default|faithful]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "acme_calibration.hpp"
#include "hetsim/workload/generator.hpp"
#include "hetsim/workload/stats.hpp"
#include "test_support.hpp"

using namespace hetsim;

int main(int argc, char** argv) {
  const double days = argc > 1 ? std::atof(argv[1]) : 30;
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  const double platform_cards = argc > 3 ? std::atof(argv[3]) : 50000;

  const ChipCatalog cat = testing::test_catalog();
  const GeneratorContext ctx = testing::test_context(cat, 120);
  const bool faithful = argc > 4 && std::string(argv[4]) == "faithful";
  const WorkloadSpec spec = faithful ? calibration::acme_faithful_workload() : calibration::acme_calibrated_workload();
  const GeneratedWorkload w = generate_workload_with_runtimes(spec, ctx, days * 86400, RngStreams(seed));
  const WorkloadStats s = workload_stats(w.jobs, w.reference_runtime_s);

  // Acme Seren, GPU jobs: cluster_summary.csv.
  const double acme_gpu_s_per_job = (4560592618.0 + 14274584510.0 + 2675447459.0) / 663813.0;
  std::printf("Generated (%s): %.0f days, seed %llu, %zu jobs (%.0f/day)\n\n",
              faithful ? "faithful variant" : "default", days, static_cast<unsigned long long>(seed), s.count,
              static_cast<double>(s.count) / days);
  std::printf("| statistic | Acme Seren | generated |\n|---|---|---|\n");
  std::printf("| median cards | 1 | %.0f |\n", s.median_cards);
  std::printf("| mean cards | 5.68 | %.2f |\n", s.mean_cards);
  std::printf("| p99 cards | - | %.0f |\n", s.p99_cards);
  std::printf("| max cards | 1024 | %.0f |\n", s.max_cards);
  std::printf("| median runtime (s) | 122 | %.0f |\n", s.median_runtime_s);
  std::printf("| mean runtime (s) | 1414 | %.0f |\n", s.mean_runtime_s);
  std::printf("| GPU-time per job (card-s) | %.0f | %.0f |\n", acme_gpu_s_per_job,
              s.card_seconds / static_cast<double>(s.count));
  std::printf("| GPU-time per job / (mean cards x mean runtime) | %.2f | %.2f |\n",
              acme_gpu_s_per_job / (5.68 * 1414.335),
              s.card_seconds / static_cast<double>(s.count) / (s.mean_cards * s.mean_runtime_s));
  std::printf("| offered load on %.0f reference cards | - | %.1f%% |\n\n", platform_cards,
              100 * offered_load(s, platform_cards, days * 86400));

  std::printf("| class | share of jobs | share of GPU-time |\n|---|---|---|\n");
  for (int k = 0; k < kJobClassCount; ++k) {
    std::printf("| %s | %.1f%% | %.1f%% |\n", job_class_name(static_cast<JobClass>(k)), 100 * s.class_job_share[k],
                100 * s.class_gpu_time_share[k]);
  }
  return 0;
}
