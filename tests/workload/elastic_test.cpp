// Elastic jobs: explicit gang ranges, and the `elastic` section of a class (a coin per job, drawn
// from its own stream only when share > 0, so classes without it generate exactly as before).
#include <gtest/gtest.h>

#include <stdexcept>

#include "hetsim/workload/generator.hpp"
#include "test_support.hpp"

namespace hetsim {
namespace {

using testing::test_catalog;
using testing::test_context;

constexpr double kDay = 86400;

// Every field of Job.
void expect_same_job(const Job& a, const Job& b, std::size_t i) {
  SCOPED_TRACE("job " + std::to_string(i));
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.tenant, b.tenant);
  EXPECT_EQ(a.job_class, b.job_class);
  EXPECT_EQ(a.arrival, b.arrival);
  EXPECT_EQ(a.cards, b.cards);
  EXPECT_EQ(a.cpu_milli_per_card, b.cpu_milli_per_card);
  EXPECT_EQ(a.mem_mib_per_card, b.mem_mib_per_card);
  EXPECT_EQ(a.model.params, b.model.params);
  EXPECT_EQ(a.model.tokens_per_step, b.model.tokens_per_step);
  EXPECT_EQ(a.model.flops_per_param_token, b.model.flops_per_param_token);
  EXPECT_EQ(a.model.bytes_per_param, b.model.bytes_per_param);
  EXPECT_EQ(a.model.activation_gb_per_card, b.model.activation_gb_per_card);
  EXPECT_EQ(a.model.trains, b.model.trains);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.runtime_estimate_s, b.runtime_estimate_s);
  EXPECT_EQ(a.allowed_chips, b.allowed_chips);
  EXPECT_EQ(a.data_site, b.data_site);
  EXPECT_EQ(a.data_gb, b.data_gb);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.allow_cross_site, b.allow_cross_site);
  EXPECT_EQ(a.may_mix_chips, b.may_mix_chips);
  EXPECT_EQ(a.measured_type, b.measured_type);
  EXPECT_EQ(a.min_cards, b.min_cards);
  EXPECT_EQ(a.max_cards, b.max_cards);
}

// Every field but the elastic range.
void expect_same_but_range(const Job& a, const Job& b, std::size_t i) {
  Job x = a;
  x.min_cards = b.min_cards;
  x.max_cards = b.max_cards;
  expect_same_job(x, b, i);
}

JobClassSpec job_class(JobClass c, double share) {
  JobClassSpec s;
  s.job_class = c;
  s.share = share;
  s.cards = {{1, 2, 8, 16}, {0.5, 0.2, 0.2, 0.1}};
  s.runtime_s = {600, 1.2, 10, kDay};
  s.model_params = {{1e9, 7e9}, {0.5, 0.5}};
  s.tokens_per_step = 65536;
  s.trains = true;
  s.bytes_per_param = 16;
  s.activation_gb_per_card = 2;
  s.cpu_milli_per_card = 4000;
  s.mem_mib_per_card = 32768;
  s.data_gb = {10, 1.0, 0.1, 1000};
  s.estimate_error_sigma = 0.5;
  return s;
}

WorkloadSpec spec(double jobs_per_day = 1000) {
  WorkloadSpec w;
  w.reference_chip = "A100-80G-SXM";
  w.jobs_per_day = jobs_per_day;
  w.classes = {job_class(JobClass::Finetune, 0.6), job_class(JobClass::Eval, 0.4)};
  return w;
}

ExplicitJobSpec explicit_job(uint32_t min_cards, uint32_t max_cards) {
  ExplicitJobSpec e;
  e.tenant = "co-1";
  e.job_class = JobClass::Finetune;
  e.arrival_s = 60;
  e.cards = 16;
  e.min_cards = min_cards;
  e.max_cards = max_cards;
  e.params = 7e9;
  e.tokens_per_step = 1e6;
  e.reference_runtime_s = 3600;
  return e;
}

std::vector<Job> explicit_jobs(std::vector<ExplicitJobSpec> jobs) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w;
  w.jobs = std::move(jobs);
  return generate_workload(w, ctx, kDay, RngStreams(1));
}

TEST(ElasticJobs, ExplicitRangeIsCarried) {
  const auto jobs = explicit_jobs({explicit_job(4, 64)});
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].cards, 16u);
  EXPECT_EQ(jobs[0].min_cards, 4u);
  EXPECT_EQ(jobs[0].max_cards, 64u);
  EXPECT_TRUE(jobs[0].elastic());
  EXPECT_TRUE(jobs[0].gang_size_allowed(4));
  EXPECT_FALSE(jobs[0].gang_size_allowed(65));
  // Steps are those of the requested gang, as for the same job without a range.
  const auto rigid = explicit_jobs({explicit_job(0, 0)});
  expect_same_but_range(jobs[0], rigid[0], 0);
}

TEST(ElasticJobs, ExplicitOneSidedRange) {
  const auto up = explicit_jobs({explicit_job(0, 32)});
  EXPECT_EQ(up[0].min_cards, 16u);
  EXPECT_EQ(up[0].max_cards, 32u);
  const auto down = explicit_jobs({explicit_job(2, 0)});
  EXPECT_EQ(down[0].min_cards, 2u);
  EXPECT_EQ(down[0].max_cards, 16u);
}

TEST(ElasticJobs, ExplicitRangeOfJustCardsStaysRigid) {
  for (const auto& j : {explicit_jobs({explicit_job(16, 16)})[0], explicit_jobs({explicit_job(0, 0)})[0],
                        explicit_jobs({explicit_job(16, 0)})[0]}) {
    EXPECT_EQ(j.min_cards, 0u);
    EXPECT_EQ(j.max_cards, 0u);
    EXPECT_FALSE(j.elastic());
  }
}

TEST(ElasticJobs, ExplicitRangeMustContainCards) {
  EXPECT_THROW(explicit_jobs({explicit_job(17, 32)}), std::invalid_argument);
  EXPECT_THROW(explicit_jobs({explicit_job(1, 8)}), std::invalid_argument);
}

TEST(ElasticJobs, ShareOneMakesEveryJobOfTheClassElastic) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = spec();
  w.classes[0].elastic = {1.0, 2, 0};   // finetune: [min(2, cards), 4 x cards]
  w.classes[1].elastic = {1.0, 4, 24};  // eval: [min(4, cards), max(24, cards)]
  const auto jobs = generate_workload(w, ctx, 2 * kDay, RngStreams(5));
  ASSERT_GT(jobs.size(), 1000u);
  for (const Job& j : jobs) {
    ASSERT_TRUE(j.elastic()) << "job " << j.id;
    if (j.job_class == JobClass::Finetune) {
      EXPECT_EQ(j.min_gang(), std::min(2u, j.cards));
      EXPECT_EQ(j.max_gang(), 4 * j.cards);
    } else {
      EXPECT_EQ(j.min_gang(), std::min(4u, j.cards));
      EXPECT_EQ(j.max_gang(), std::max(24u, j.cards));
    }
    EXPECT_TRUE(j.gang_size_allowed(j.cards));
  }
}

TEST(ElasticJobs, RangeOfJustCardsStaysRigid) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = spec();
  w.classes[0].cards = {{8}, {1}};
  w.classes[0].elastic = {1.0, 8, 8};
  for (const Job& j : generate_workload(w, ctx, kDay, RngStreams(5))) {
    if (j.job_class != JobClass::Finetune) continue;
    EXPECT_EQ(j.min_cards, 0u);
    EXPECT_EQ(j.max_cards, 0u);
  }
}

TEST(ElasticJobs, ShareIsTheFractionOfElasticJobs) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = spec(4000);
  w.classes[0].elastic = {0.3, 1, 0};
  const auto jobs = generate_workload(w, ctx, 2 * kDay, RngStreams(11));
  std::size_t finetune = 0, elastic = 0;
  for (const Job& j : jobs) {
    if (j.job_class == JobClass::Finetune) {
      ++finetune;
      elastic += j.elastic();  // min(1, cards) < 4 x cards: an elastic job always has a range
    } else {
      EXPECT_FALSE(j.elastic());
    }
  }
  ASSERT_GT(finetune, 2000u);
  const double share = static_cast<double>(elastic) / static_cast<double>(finetune);
  // Binomial sd at n ~ 4800, p = 0.3: ~0.0066; 0.04 is six of them.
  EXPECT_NEAR(share, 0.3, 0.04);
}

TEST(ElasticJobs, NoOrZeroShareGeneratesExactlyTheSameJobs) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const WorkloadSpec base = spec();
  WorkloadSpec zero = base;
  zero.classes[0].elastic = {0.0, 3, 100};
  zero.classes[1].elastic = {0.0, 1, 0};
  const auto a = generate_workload_with_runtimes(base, ctx, 3 * kDay, RngStreams(9));
  const auto b = generate_workload_with_runtimes(zero, ctx, 3 * kDay, RngStreams(9));
  ASSERT_GT(a.jobs.size(), 1000u);
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    expect_same_job(a.jobs[i], b.jobs[i], i);
    EXPECT_EQ(a.reference_runtime_s[i], b.reference_runtime_s[i]);
    EXPECT_FALSE(a.jobs[i].elastic());
  }
}

// The coin has its own stream: making a class elastic changes nothing else of any job.
TEST(ElasticJobs, ElasticClassLeavesEveryOtherDrawUnchanged) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const WorkloadSpec base = spec();
  WorkloadSpec half = base;
  half.classes[0].elastic = {0.5, 1, 0};
  const auto a = generate_workload(base, ctx, 3 * kDay, RngStreams(9));
  const auto b = generate_workload(half, ctx, 3 * kDay, RngStreams(9));
  ASSERT_EQ(a.size(), b.size());
  std::size_t elastic = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    expect_same_but_range(b[i], a[i], i);
    elastic += b[i].elastic();
  }
  EXPECT_GT(elastic, 0u);
}

TEST(ElasticJobs, InvalidClassRangeThrows) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  for (const ElasticClassSpec& e : {ElasticClassSpec{1.5, 1, 0}, ElasticClassSpec{-0.1, 1, 0},
                                    ElasticClassSpec{0.5, 0, 0}, ElasticClassSpec{0.5, 8, 4}}) {
    WorkloadSpec w = spec();
    w.classes[0].elastic = e;
    EXPECT_THROW(generate_workload(w, ctx, kDay, RngStreams(1)), std::invalid_argument);
  }
}

}  // namespace
}  // namespace hetsim
