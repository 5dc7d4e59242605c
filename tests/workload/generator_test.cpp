// Generated stream: determinism, stream independence, distributions, chip filtering, redraws and
// input validation.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "hetsim/workload/generator.hpp"
#include "test_support.hpp"

namespace hetsim {
namespace {

using testing::standin_step_time_s;
using testing::test_catalog;
using testing::test_context;

constexpr double kDay = 86400;

JobClassSpec small_class(JobClass c, double share) {
  JobClassSpec s;
  s.job_class = c;
  s.share = share;
  s.cards = {{1, 2, 8}, {0.7, 0.2, 0.1}};
  s.runtime_s = {300, 1.2, 10, kDay};
  s.model_params = {{1e9, 7e9}, {0.5, 0.5}};
  s.tokens_per_step = 65536;
  s.trains = c != JobClass::Eval;
  s.bytes_per_param = s.trains ? 4 : 2;
  s.activation_gb_per_card = 2;
  s.cpu_milli_per_card = 4000.4;
  s.mem_mib_per_card = 32768.6;
  s.data_gb = {10, 1.0, 0.1, 1000};
  s.estimate_error_sigma = 0.5;
  return s;
}

WorkloadSpec two_class_spec(double jobs_per_day = 2000) {
  WorkloadSpec w;
  w.reference_chip = "A100-80G-SXM";
  w.jobs_per_day = jobs_per_day;
  w.classes = {small_class(JobClass::Eval, 0.7), small_class(JobClass::Finetune, 0.3)};
  return w;
}

bool same_job(const Job& a, const Job& b) {
  return a.id == b.id && a.tenant == b.tenant && a.job_class == b.job_class && a.arrival == b.arrival &&
         a.cards == b.cards && a.cpu_milli_per_card == b.cpu_milli_per_card &&
         a.mem_mib_per_card == b.mem_mib_per_card && a.model.params == b.model.params &&
         a.model.tokens_per_step == b.model.tokens_per_step &&
         a.model.flops_per_param_token == b.model.flops_per_param_token &&
         a.model.bytes_per_param == b.model.bytes_per_param &&
         a.model.activation_gb_per_card == b.model.activation_gb_per_card && a.model.trains == b.model.trains &&
         a.steps == b.steps && a.runtime_estimate_s == b.runtime_estimate_s && a.allowed_chips == b.allowed_chips &&
         a.data_site == b.data_site && a.data_gb == b.data_gb && a.priority == b.priority &&
         a.allow_cross_site == b.allow_cross_site;
}

TEST(Generator, SameSeedGivesIdenticalJobs) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto a = generate_workload(two_class_spec(), ctx, 3 * kDay, RngStreams(7));
  const auto b = generate_workload(two_class_spec(), ctx, 3 * kDay, RngStreams(7));
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 1000u);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(same_job(a[i], b[i])) << "job " << i;
}

TEST(Generator, DifferentSeedGivesDifferentJobs) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto a = generate_workload(two_class_spec(), ctx, 3 * kDay, RngStreams(7));
  const auto b = generate_workload(two_class_spec(), ctx, 3 * kDay, RngStreams(8));
  std::size_t same_arrivals = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    same_arrivals += a[i].arrival == b[i].arrival;
  }
  EXPECT_LT(same_arrivals, 5u);
}

TEST(Generator, SortedWithDenseIdsInsideHorizon) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto jobs = generate_workload(two_class_spec(), ctx, 2 * kDay, RngStreams(1));
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(jobs[i].id, i);
    EXPECT_GE(jobs[i].arrival, SimTime::zero());
    EXPECT_LE(jobs[i].arrival, SimTime::from_seconds(2 * kDay));
    if (i > 0) {
      EXPECT_LE(jobs[i - 1].arrival, jobs[i].arrival);
    }
  }
}

// Changing one class's runtime distribution must not move arrivals, classes, tenants, gangs,
// models or the other class's runtimes: each kind (and class) has its own stream.
TEST(Generator, RuntimeDistributionChangeLeavesOtherDrawsUnchanged) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const WorkloadSpec base = two_class_spec();
  WorkloadSpec changed = base;
  changed.classes[0].runtime_s = {5000, 2.5, 100, 5 * kDay};  // eval only
  const auto a = generate_workload_with_runtimes(base, ctx, 3 * kDay, RngStreams(3));
  const auto b = generate_workload_with_runtimes(changed, ctx, 3 * kDay, RngStreams(3));
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  std::size_t eval_runtime_changes = 0;
  for (std::size_t i = 0; i < a.jobs.size(); ++i) {
    const Job& x = a.jobs[i];
    const Job& y = b.jobs[i];
    ASSERT_EQ(x.arrival, y.arrival);
    ASSERT_EQ(x.job_class, y.job_class);
    ASSERT_EQ(x.tenant, y.tenant);
    ASSERT_EQ(x.cards, y.cards);
    ASSERT_EQ(x.model.params, y.model.params);
    ASSERT_EQ(x.data_site, y.data_site);
    ASSERT_EQ(x.data_gb, y.data_gb);
    if (x.job_class == JobClass::Finetune) {
      ASSERT_EQ(a.reference_runtime_s[i], b.reference_runtime_s[i]);
      ASSERT_EQ(x.steps, y.steps);
    } else {
      eval_runtime_changes += a.reference_runtime_s[i] != b.reference_runtime_s[i];
    }
  }
  EXPECT_GT(eval_runtime_changes, a.jobs.size() / 2);
}

TEST(Generator, ClassSharesTenantsAndSitesFollowWeights) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat, 5);
  const auto jobs = generate_workload(two_class_spec(20000), ctx, 5 * kDay, RngStreams(11));
  const double n = static_cast<double>(jobs.size());
  double eval = 0, lingang = 0;
  std::vector<double> tenant(5, 0);
  for (const Job& j : jobs) {
    eval += j.job_class == JobClass::Eval;
    lingang += j.data_site == 1;
    tenant.at(j.tenant) += 1;
  }
  EXPECT_NEAR(eval / n, 0.7, 0.01);
  EXPECT_NEAR(lingang / n, 0.7, 0.01);
  const auto zipf = zipf_weights(5, 1.0);
  double zsum = 0;
  for (double z : zipf) zsum += z;
  for (std::size_t t = 0; t < 5; ++t) EXPECT_NEAR(tenant[t] / n, zipf[t] / zsum, 0.01) << t;
}

TEST(Generator, JobFieldsFollowTheClass) {
  const auto cat = test_catalog();
  auto ctx = test_context(cat);
  WorkloadSpec w = two_class_spec();
  w.classes[0].estimate_error_sigma = 0;  // eval: estimate = true reference runtime
  w.classes[1].seq_len = 0;               // attention left out for the second class
  ASSERT_EQ(w.classes[0].seq_len, kDefaultSeqLen);
  const auto g = generate_workload_with_runtimes(w, ctx, kDay, RngStreams(5));
  ASSERT_FALSE(g.jobs.empty());
  for (std::size_t i = 0; i < g.jobs.size(); ++i) {
    const Job& j = g.jobs[i];
    const bool eval = j.job_class == JobClass::Eval;
    EXPECT_EQ(j.model.flops_per_param_token, eval ? 2.0 : 6.0);
    EXPECT_EQ(j.model.attention_flops_per_token,
              j.job_class == w.classes[0].job_class
                  ? dense_attention_flops_per_token(j.model.params, kDefaultSeqLen, j.model.flops_per_param_token)
                  : 0.0);
    EXPECT_EQ(j.model.trains, !eval);
    EXPECT_EQ(j.cpu_milli_per_card, 4000);
    EXPECT_EQ(j.mem_mib_per_card, 32769);
    EXPECT_GE(j.steps, 1u);
    const double step = standin_step_time_s(j);
    EXPECT_DOUBLE_EQ(g.reference_runtime_s[i], static_cast<double>(j.steps) * step);
    if (eval) {
      EXPECT_DOUBLE_EQ(j.runtime_estimate_s, g.reference_runtime_s[i]);
    }
    EXPECT_GT(j.runtime_estimate_s, 0);
    EXPECT_GE(j.data_gb, 0.1);
    EXPECT_LE(j.data_gb, 1000);
  }
}

TEST(Generator, StepsRoundTheDrawnRuntime) {
  const auto cat = test_catalog();
  auto ctx = test_context(cat);
  ctx.reference_step_time_s = [](const Job&) { return 7.0; };
  WorkloadSpec w = two_class_spec();
  w.classes[0].runtime_s = {100, 0, 0, 1e9};  // sigma 0: exactly 100 s -> llround(100 / 7) = 14
  const auto g = generate_workload_with_runtimes(w, ctx, kDay, RngStreams(5));
  for (std::size_t i = 0; i < g.jobs.size(); ++i) {
    if (g.jobs[i].job_class != JobClass::Eval) continue;
    EXPECT_EQ(g.jobs[i].steps, 14u);
    EXPECT_DOUBLE_EQ(g.reference_runtime_s[i], 98.0);
  }
}

TEST(Generator, RuntimeTruncationIsRespected) {
  const auto cat = test_catalog();
  auto ctx = test_context(cat);
  ctx.reference_step_time_s = [](const Job&) { return 1e-3; };  // no visible step rounding
  WorkloadSpec w = two_class_spec(5000);
  w.classes[0].runtime_s = {100, 3.0, 50, 200};   // most of the mass is cut away
  w.classes[1].runtime_s = {1, 0.1, 1000, 2000};  // window far in the tail: clamped to min
  const auto g = generate_workload_with_runtimes(w, ctx, 4 * kDay, RngStreams(9));
  double lo = 1e300, hi = 0;
  for (std::size_t i = 0; i < g.jobs.size(); ++i) {
    const double r = g.reference_runtime_s[i];
    if (g.jobs[i].job_class == JobClass::Eval) {
      lo = std::min(lo, r);
      hi = std::max(hi, r);
    } else {
      EXPECT_NEAR(r, 1000, 1e-3);
    }
  }
  EXPECT_GE(lo, 50 - 1e-3);
  EXPECT_LE(hi, 200 + 1e-3);
  EXPECT_LT(lo, 55);  // the window is filled, not just hit at one point
  EXPECT_GT(hi, 190);
}

// 30B forward-only on one card needs 60 GB: A100 (72 usable) and H20 (86.4) hold it, the 64 GB
// Ascend (57.6) and the 48 GB L20 do not.
TEST(Generator, AllowedChipsAreFilteredByMemory) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = two_class_spec();
  w.classes.resize(1);
  w.classes[0].cards = {{1}, {1}};
  w.classes[0].model_params = {{30e9}, {1}};
  w.classes[0].activation_gb_per_card = 0;
  const auto jobs = generate_workload(w, ctx, kDay, RngStreams(2));
  ASSERT_FALSE(jobs.empty());
  for (const Job& j : jobs) EXPECT_EQ(j.allowed_chips, 0b0101u);

  w.classes[0].allowed_chips = {"Ascend-910B3", "H20"};
  for (const Job& j : generate_workload(w, ctx, kDay, RngStreams(2))) {
    EXPECT_EQ(j.allowed_chips, 0b0100u);
  }
}

TEST(Generator, AllowedChipsAreFilteredByLargestGang) {
  const auto cat = test_catalog();
  auto ctx = test_context(cat);
  ctx.max_gang_by_chip = {2048, 0, 1024, 512};  // no Ascend pool at all
  WorkloadSpec w = two_class_spec();
  w.classes.resize(1);
  w.classes[0].cards = {{1024}, {1}};
  w.classes[0].model_params = {{1e9}, {1}};
  for (const Job& j : generate_workload(w, ctx, kDay, RngStreams(2))) {
    EXPECT_EQ(j.allowed_chips, 0b0101u);  // A100 and H20; L20 pools too small, no Ascend pool
  }
}

TEST(Generator, OversizedModelIsRedrawnKeepingTheGang) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = two_class_spec();
  w.classes.resize(1);
  w.classes[0].cards = {{1}, {1}};
  w.classes[0].model_params = {{70e9, 7e9}, {0.9, 0.1}};  // 70B x 2 B never fits one card
  const auto jobs = generate_workload(w, ctx, kDay, RngStreams(4));
  ASSERT_FALSE(jobs.empty());
  for (const Job& j : jobs) {
    EXPECT_EQ(j.cards, 1u);
    EXPECT_EQ(j.model.params, 7e9);
  }
}

TEST(Generator, GangIsRedrawnWhenNoModelFits) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = two_class_spec();
  w.classes.resize(1);
  w.classes[0].cards = {{1, 8}, {0.5, 0.5}};
  w.classes[0].model_params = {{70e9}, {1}};  // 140 GB: needs at least 2 cards
  const auto jobs = generate_workload(w, ctx, kDay, RngStreams(4));
  ASSERT_FALSE(jobs.empty());
  for (const Job& j : jobs) EXPECT_EQ(j.cards, 8u);
}

TEST(Generator, ImpossibleWorkloadThrows) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w = two_class_spec();
  w.classes[1].cards = {{1, 2}, {1, 1}};
  w.classes[1].model_params = {{1e12}, {1}};  // 1T params x 4 B on <= 2 cards
  try {
    generate_workload(w, ctx, kDay, RngStreams(1));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("impossible"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("finetune"), std::string::npos) << e.what();
  }

  w = two_class_spec();
  w.classes[0].cards = {{20000}, {1}};  // larger than every pool (10000)
  EXPECT_THROW(generate_workload(w, ctx, kDay, RngStreams(1)), std::invalid_argument);
}

TEST(Generator, InconsistentInputThrows) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto expect_throw = [&](const WorkloadSpec& w, const GeneratorContext& c) {
    EXPECT_THROW(generate_workload(w, c, kDay, RngStreams(1)), std::invalid_argument);
  };
  WorkloadSpec w = two_class_spec();
  w.classes[0].allowed_chips = {"no-such-chip"};
  expect_throw(w, ctx);
  w = two_class_spec();
  w.classes[0].cards.weights = {1};  // 3 values, 1 weight
  expect_throw(w, ctx);
  w = two_class_spec();
  w.classes[0].cards.values = {1.5, 2, 8};
  expect_throw(w, ctx);
  w = two_class_spec();
  w.classes[0].runtime_s.min = 500;
  w.classes[0].runtime_s.max = 100;
  expect_throw(w, ctx);
  w = two_class_spec();
  w.classes.clear();
  expect_throw(w, ctx);
  w = two_class_spec();
  w.diurnal[3] = -1;
  expect_throw(w, ctx);
  w = two_class_spec();
  w.reference_chip = "no-such-chip";
  expect_throw(w, ctx);
  w = two_class_spec();
  w.jobs_per_day = -1;
  expect_throw(w, ctx);

  GeneratorContext c = ctx;
  c.tenant_weights.clear();
  c.tenant_names.clear();
  expect_throw(two_class_spec(), c);
  c = ctx;
  c.max_gang_by_chip.pop_back();
  expect_throw(two_class_spec(), c);
  c = ctx;
  c.reference_step_time_s = [](const Job&) { return 0.0; };
  expect_throw(two_class_spec(), c);
  c = ctx;
  c.catalog = nullptr;
  expect_throw(two_class_spec(), c);
}

TEST(Generator, ZipfWeights) {
  const auto w = zipf_weights(4, 1.0);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_DOUBLE_EQ(w[0], 1.0);
  EXPECT_DOUBLE_EQ(w[3], 0.25);
  EXPECT_DOUBLE_EQ(zipf_weights(3, 0)[2], 1.0);
}

}  // namespace
}  // namespace hetsim
