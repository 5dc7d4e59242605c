// Hand-written jobs: conversion, lookup errors and merging with the generated stream.
#include <gtest/gtest.h>

#include <stdexcept>

#include "hetsim/workload/generator.hpp"
#include "test_support.hpp"

namespace hetsim {
namespace {

using testing::standin_step_time_s;
using testing::test_catalog;
using testing::test_context;

constexpr double kDay = 86400;

ExplicitJobSpec explicit_job(double arrival_s, const std::string& tenant = "co-1") {
  ExplicitJobSpec e;
  e.tenant = tenant;
  e.job_class = JobClass::Finetune;
  e.arrival_s = arrival_s;
  e.cards = 16;
  e.params = 7e9;
  e.tokens_per_step = 1e6;
  e.bytes_per_param = 16;
  e.reference_runtime_s = 3 * 3600;
  e.cpu_milli_per_card = 8000;
  e.mem_mib_per_card = 65536;
  e.data_site = "lingang";
  e.data_gb = 200;
  e.priority = 2;
  e.allow_cross_site = true;
  return e;
}

WorkloadSpec explicit_only(std::vector<ExplicitJobSpec> jobs) {
  WorkloadSpec w;
  w.jobs = std::move(jobs);
  return w;
}

TEST(ExplicitJobs, ConvertedFieldByField) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto g = generate_workload_with_runtimes(explicit_only({explicit_job(3600)}), ctx, kDay, RngStreams(1));
  ASSERT_EQ(g.jobs.size(), 1u);
  const Job& j = g.jobs[0];
  EXPECT_EQ(j.id, 0u);
  EXPECT_EQ(j.tenant, 1u);
  EXPECT_EQ(j.job_class, JobClass::Finetune);
  EXPECT_EQ(j.arrival, SimTime::from_s(3600));
  EXPECT_EQ(j.cards, 16u);
  EXPECT_EQ(j.model.flops_per_param_token, 6.0);
  EXPECT_EQ(j.model.attention_flops_per_token, dense_attention_flops_per_token(7e9, kDefaultSeqLen, 6.0));
  EXPECT_GT(j.model.attention_flops_per_token, 0);
  EXPECT_EQ(j.cpu_milli_per_card, 8000);
  EXPECT_EQ(j.mem_mib_per_card, 65536);
  EXPECT_EQ(j.data_site, 1u);
  EXPECT_EQ(j.data_gb, 200);
  EXPECT_EQ(j.priority, 2);
  EXPECT_TRUE(j.allow_cross_site);
  // 7B x 16 B / 16 cards = 7 GB: every chip with a pool large enough.
  EXPECT_EQ(j.allowed_chips, 0b1111u);
  const double step = standin_step_time_s(j);
  EXPECT_EQ(j.steps, static_cast<uint64_t>(std::llround(3 * 3600 / step)));
  EXPECT_DOUBLE_EQ(g.reference_runtime_s[0], static_cast<double>(j.steps) * step);
  EXPECT_DOUBLE_EQ(j.runtime_estimate_s, g.reference_runtime_s[0]);  // no estimate given
}

TEST(ExplicitJobs, StepsEstimateAndChipFilter) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  ExplicitJobSpec e = explicit_job(0);
  e.reference_runtime_s = 0;
  e.steps = 500;
  e.runtime_estimate_s = 7200;
  e.trains = false;
  e.bytes_per_param = 2;
  e.params = 30e9;
  e.cards = 1;  // 60 GB: not on the 64 GB Ascend nor the L20
  e.allowed_chips = {"A100-80G-SXM", "Ascend-910B3"};
  e.data_site.clear();
  const auto g = generate_workload_with_runtimes(explicit_only({e}), ctx, kDay, RngStreams(1));
  const Job& j = g.jobs.at(0);
  EXPECT_EQ(j.steps, 500u);
  EXPECT_EQ(j.model.flops_per_param_token, 2.0);
  EXPECT_EQ(j.runtime_estimate_s, 7200);
  EXPECT_EQ(j.allowed_chips, 0b0001u);
  EXPECT_EQ(j.data_site, 0u);
  EXPECT_DOUBLE_EQ(g.reference_runtime_s[0], 500 * standin_step_time_s(j));
}

TEST(ExplicitJobs, BadJobsThrow) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  const auto expect_throw = [&](const ExplicitJobSpec& e) {
    EXPECT_THROW(generate_workload(explicit_only({e}), ctx, kDay, RngStreams(1)), std::invalid_argument);
  };
  expect_throw(explicit_job(0, "no-such-tenant"));
  ExplicitJobSpec e = explicit_job(0);
  e.data_site = "pudong";
  expect_throw(e);
  e = explicit_job(0);
  e.steps = 10;  // and reference_runtime_s: both given
  expect_throw(e);
  e = explicit_job(0);
  e.reference_runtime_s = 0;  // neither given
  expect_throw(e);
  e = explicit_job(0);
  e.allowed_chips = {"no-such-chip"};
  expect_throw(e);
  e = explicit_job(0);
  e.cards = 1;
  e.params = 70e9;  // 1.1 TB on one card
  try {
    generate_workload(explicit_only({e}), ctx, kDay, RngStreams(1));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("impossible job"), std::string::npos) << ex.what();
  }
  e = explicit_job(0);
  e.cards = 20000;  // larger than any pool
  expect_throw(e);
}

TEST(ExplicitJobs, MergedInArrivalOrderExplicitFirstOnTies) {
  const auto cat = test_catalog();
  const auto ctx = test_context(cat);
  WorkloadSpec w;
  w.jobs_per_day = 500;
  JobClassSpec c;
  c.job_class = JobClass::Eval;
  c.share = 1;
  c.cards = {{1}, {1}};
  c.runtime_s = {100, 1, 1, 1000};
  c.model_params = {{1e9}, {1}};
  c.tokens_per_step = 4096;
  c.trains = false;
  c.bytes_per_param = 2;
  w.classes = {c};
  const auto generated = generate_workload(w, ctx, kDay, RngStreams(6));
  ASSERT_GT(generated.size(), 100u);
  const SimTime tie = generated[50].arrival;  // about 2.4 h
  ASSERT_LT(tie, SimTime::from_s(40000));

  // Out of order in the spec; one ties with generated job #50, two tie with each other.
  w.jobs = {explicit_job(40000, "co-2"), explicit_job(tie.seconds(), "co-3"), explicit_job(10, "co-4"),
            explicit_job(40000, "co-5")};
  const auto merged = generate_workload(w, ctx, kDay, RngStreams(6));
  ASSERT_EQ(merged.size(), generated.size() + 4);
  std::vector<TenantId> explicit_order;
  std::size_t g = 0;
  for (std::size_t i = 0; i < merged.size(); ++i) {
    EXPECT_EQ(merged[i].id, i);
    if (i > 0) {
      EXPECT_LE(merged[i - 1].arrival, merged[i].arrival);
    }
    if (merged[i].job_class == JobClass::Finetune) {
      explicit_order.push_back(merged[i].tenant);
      if (merged[i].tenant == 3) {
        EXPECT_EQ(merged[i].arrival, tie);
        ASSERT_LT(i + 1, merged.size());
        EXPECT_EQ(merged[i + 1].arrival, tie);  // generated #50 right after
        EXPECT_EQ(merged[i + 1].job_class, JobClass::Eval);
      }
    } else {
      // The generated stream is untouched by explicit jobs.
      EXPECT_EQ(merged[i].arrival, generated[g].arrival);
      EXPECT_EQ(merged[i].cards, generated[g].cards);
      ++g;
    }
  }
  EXPECT_EQ(explicit_order, (std::vector<TenantId>{4, 3, 2, 5}));
}

}  // namespace
}  // namespace hetsim
