// The Acme-calibrated default workload reproduces Seren's shape (docs/workload-calibration.md).
#include <gtest/gtest.h>

#include "acme_calibration.hpp"
#include "hetsim/workload/generator.hpp"
#include "hetsim/workload/stats.hpp"
#include "test_support.hpp"

namespace hetsim {
namespace {

constexpr double kDay = 86400;

class Calibration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static const ChipCatalog cat = testing::test_catalog();
    const GeneratorContext ctx = testing::test_context(cat, 120);
    workload_ = new GeneratedWorkload(
        generate_workload_with_runtimes(calibration::acme_calibrated_workload(), ctx, 7 * kDay, RngStreams(1)));
    stats_ = workload_stats(workload_->jobs, workload_->reference_runtime_s);
  }
  static void TearDownTestSuite() {
    delete workload_;
    workload_ = nullptr;
  }
  static double job_share(JobClass c) { return stats_.class_job_share[static_cast<int>(c)]; }
  static double time_share(JobClass c) { return stats_.class_gpu_time_share[static_cast<int>(c)]; }

  static inline GeneratedWorkload* workload_ = nullptr;
  static inline WorkloadStats stats_;
};

TEST_F(Calibration, GangSizesMatchSeren) {
  EXPECT_EQ(stats_.median_cards, 1);  // Seren: med_gpu_num 1
  EXPECT_GE(stats_.mean_cards, 4.5);  // Seren: avg_gpu_num 5.68
  EXPECT_LE(stats_.mean_cards, 7.0);
  EXPECT_GE(stats_.max_cards, 512);  // Seren: max_gpu 1024
  EXPECT_LE(stats_.max_cards, 1024);
}

TEST_F(Calibration, RuntimesMatchSeren) {
  EXPECT_GE(stats_.median_runtime_s, 60);  // Seren: med_run_time_gpu 122 s
  EXPECT_LE(stats_.median_runtime_s, 240);
  EXPECT_GE(stats_.mean_runtime_s, 700);  // Seren: avg_run_time_gpu 1414 s
  EXPECT_LE(stats_.mean_runtime_s, 2800);
}

TEST_F(Calibration, EvalDominatesCountsAndPretrainDominatesGpuTime) {
  for (int k = 0; k < kJobClassCount; ++k) {
    if (k != static_cast<int>(JobClass::Eval)) {
      EXPECT_GT(job_share(JobClass::Eval), stats_.class_job_share[k]);
    }
  }
  EXPECT_GT(job_share(JobClass::Eval), 0.40);
  EXPECT_GT(time_share(JobClass::Pretrain), 0.50);
}

TEST_F(Calibration, BigJobsRunLong) {
  // Seren: GPU-time per job is ~4x mean(gpus) x mean(runtime); the classes must reproduce that
  // correlation (see the doc for why it comes out stronger here).
  const double per_job = stats_.card_seconds / static_cast<double>(stats_.count);
  EXPECT_GT(per_job / (stats_.mean_cards * stats_.mean_runtime_s), 3.0);
}

TEST_F(Calibration, OffersAboutFourFifthsOfFiftyThousandCards) {
  const double load = offered_load(stats_, 50000, 7 * kDay);
  EXPECT_GE(load, 0.70);
  EXPECT_LE(load, 0.85);
  EXPECT_LE(static_cast<double>(stats_.count) / 7, 40000);
}

TEST_F(Calibration, JobsFitEightyAndMostlySixtyFourGigabyteChips) {
  // Chip 0 is the A100-80G, chip 1 the 64 GB Ascend-910B3 (tests/workload/test_support.hpp).
  std::size_t on_a100 = 0;
  std::array<std::size_t, kJobClassCount> n{}, on_ascend{};
  for (const Job& j : workload_->jobs) {
    on_a100 += j.chip_allowed(0);
    const auto k = static_cast<std::size_t>(j.job_class);
    n[k] += 1;
    on_ascend[k] += j.chip_allowed(1);
  }
  EXPECT_GT(static_cast<double>(on_a100) / static_cast<double>(workload_->jobs.size()), 0.99);
  for (JobClass c : {JobClass::Pretrain, JobClass::Finetune, JobClass::Debug}) {
    const auto k = static_cast<std::size_t>(c);
    EXPECT_EQ(on_ascend[k], n[k]) << job_class_name(c);
  }
  for (JobClass c : {JobClass::Eval, JobClass::Inference}) {
    const auto k = static_cast<std::size_t>(c);
    EXPECT_GT(static_cast<double>(on_ascend[k]) / static_cast<double>(n[k]), 0.75) << job_class_name(c);
  }
}

}  // namespace
}  // namespace hetsim
