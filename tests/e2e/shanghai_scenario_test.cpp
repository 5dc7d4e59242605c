// The default scenario, as shipped: the platform it promises (issue: >= 50,000 cards, >= 10 chip
// types from >= 6 vendors, the 9 partners, >= 3 sites on 10 Gb/s links, >= 100 tenants, 30 days)
// and a workload whose statistics match Acme's Seren cluster (docs/workload-calibration.md).
#include <gtest/gtest.h>

#include <set>

#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"
#include "hetsim/workload/stats.hpp"

using namespace hetsim;

namespace {
const SimulationModel& shanghai() {
  static const SimulationModel model = [] {
    const ParseResult r = parse_scenario_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/shanghai-modu.yaml");
    if (!r.ok()) throw std::runtime_error(r.errors.front().format());
    // Seven days are enough for the statistics and keep the test quick.
    ScenarioSpec spec = r.spec;
    spec.horizon_s = 7 * 86400.0;
    return build_scenario(spec, 1);
  }();
  return model;
}
}  // namespace

TEST(ShanghaiScenario, IsTheCityPlatformTheIssueDescribes) {
  const ParseResult r = parse_scenario_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/shanghai-modu.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r.spec.horizon_s, 30 * 86400.0);
  const SimulationModel& m = shanghai();
  EXPECT_GE(m.cluster.card_count(), 50000u);
  std::set<std::string> vendors;
  std::size_t types = 0;
  for (ChipId c = 0; c < m.chips.size(); ++c) {
    if (m.cluster.total_cards_of_chip(c) == 0) continue;
    ++types;
    vendors.insert(m.chips.at(c).vendor);
  }
  EXPECT_GE(types, 10u);
  EXPECT_GE(vendors.size(), 6u);
  std::set<std::string> providers;
  for (ProviderId p = 0; p < m.cluster.provider_count(); ++p) providers.insert(m.cluster.provider(p).name);
  EXPECT_EQ(providers, (std::set<std::string>{"china-telecom", "china-mobile", "china-unicom", "inesa", "tencent-cloud",
                                              "alibaba-cloud", "huawei", "sensetime", "volcano-engine"}));
  ASSERT_GE(m.cluster.site_count(), 3u);
  for (const auto& l : r.spec.links) EXPECT_DOUBLE_EQ(l.bandwidth_gbps, 10);
  SiteId xuhui = 0, lingang = 0;
  for (SiteId s = 0; s < m.cluster.site_count(); ++s) {
    if (m.cluster.site(s).name == "xuhui") xuhui = s;
    if (m.cluster.site(s).name == "lingang") lingang = s;
  }
  // About 1 ms round trip to Lingang.
  EXPECT_NEAR(2 * m.topology.site_latency_us(xuhui, lingang), 1000, 100);
  EXPECT_GE(m.tenants.size(), 100u);
}

TEST(ShanghaiScenario, WorkloadMatchesAcmeSerenStatistics) {
  const SimulationModel& m = shanghai();
  std::vector<double> runtime(m.jobs.size());
  for (std::size_t i = 0; i < m.jobs.size(); ++i) {
    runtime[i] = m.reference_step_time_s[i] * static_cast<double>(m.jobs[i].steps);
  }
  const WorkloadStats s = workload_stats(m.jobs, runtime);
  ASSERT_GT(s.count, 100000u);
  // Seren (../shared/data/acme/cluster_summary.csv): median 1 GPU, mean 5.68, max 1024;
  // median runtime 122 s; evaluation is the most common job; pretraining takes most GPU time.
  EXPECT_EQ(s.median_cards, 1);
  EXPECT_GE(s.mean_cards, 4.5);
  EXPECT_LE(s.mean_cards, 7.0);
  EXPECT_GE(s.max_cards, 512);
  EXPECT_LE(s.max_cards, 1024);
  EXPECT_GE(s.median_runtime_s, 60);
  EXPECT_LE(s.median_runtime_s, 240);
  const auto eval = static_cast<std::size_t>(JobClass::Eval);
  const auto pretrain = static_cast<std::size_t>(JobClass::Pretrain);
  for (std::size_t c = 0; c < s.class_job_share.size(); ++c) {
    if (c != eval) {
      EXPECT_GT(s.class_job_share[eval], s.class_job_share[c]);
    }
  }
  EXPECT_GT(s.class_gpu_time_share[pretrain], 0.5);
  // Offered load in A100-equivalent card-time: busy but not saturated.
  const double load = offered_load(s, static_cast<double>(m.cluster.card_count()), 7 * 86400.0);
  EXPECT_GT(load, 0.5);
  EXPECT_LT(load, 1.0);
}

// The busy and overloaded cities of docs/performance.md ("Busy regime") and docs/shanghai-scenario.md
// ("Busy and overloaded"): the default platform unchanged, more jobs (1.2x and 1.49x), so that the
// offered load is about 0.93 (afternoon peaks above capacity) and about 1.15.
TEST(ShanghaiScenario, BusyAndOverloadedCitiesAreTheDefaultPlatformAtHigherLoads) {
  const auto parse = [](const std::string& name) {
    const ParseResult r = parse_scenario_file(std::string(HETSIM_SOURCE_DIR) + "/scenarios/" + name);
    if (!r.ok()) throw std::runtime_error(r.errors.front().format());
    return r.spec;
  };
  const ScenarioSpec base = parse("shanghai-modu.yaml");
  const ScenarioSpec busy = parse("shanghai-modu-busy.yaml");
  const ScenarioSpec over = parse("shanghai-modu-overload.yaml");
  EXPECT_EQ(busy.name, "shanghai-modu-busy");
  EXPECT_EQ(over.name, "shanghai-modu-overload");
  EXPECT_DOUBLE_EQ(busy.workload.jobs_per_day, 44400);
  EXPECT_DOUBLE_EQ(over.workload.jobs_per_day, 55000);
  for (const ScenarioSpec* s : {&busy, &over}) {
    EXPECT_DOUBLE_EQ(s->horizon_s, base.horizon_s);
    EXPECT_EQ(s->policy.name, base.policy.name);
    EXPECT_EQ(s->workload.diurnal, base.workload.diurnal);
    EXPECT_EQ(s->workload.classes.size(), base.workload.classes.size());
  }
  // Same platform: every pool of the default, card for card.
  const auto week = [](ScenarioSpec s) {
    s.horizon_s = 7 * 86400.0;
    return build_scenario(s, 1);
  };
  const SimulationModel b = week(base), u = week(busy), o = week(over);
  ASSERT_EQ(u.cluster.pool_count(), b.cluster.pool_count());
  for (PoolId p = 0; p < b.cluster.pool_count(); ++p) {
    EXPECT_EQ(u.cluster.pool(p).cards(), b.cluster.pool(p).cards());
    EXPECT_EQ(o.cluster.pool(p).cards(), b.cluster.pool(p).cards());
    EXPECT_EQ(u.cluster.pool(p).chip, b.cluster.pool(p).chip);
  }
  EXPECT_EQ(u.tenants.size(), b.tenants.size());
  // Offered load on 50,000 A100-equivalent cards (docs/workload-calibration.md), one week.
  const auto load = [](const SimulationModel& m) {
    std::vector<double> runtime(m.jobs.size());
    for (std::size_t i = 0; i < m.jobs.size(); ++i)
      runtime[i] = m.reference_step_time_s[i] * static_cast<double>(m.jobs[i].steps);
    return offered_load(workload_stats(m.jobs, runtime), 50000, 7 * 86400.0);
  };
  const double lb = load(b), lu = load(u), lo = load(o);
  EXPECT_NEAR(static_cast<double>(u.jobs.size()) / static_cast<double>(b.jobs.size()), 1.2, 0.02);
  EXPECT_NEAR(static_cast<double>(o.jobs.size()) / static_cast<double>(b.jobs.size()), 55000.0 / 37000.0, 0.03);
  EXPECT_GT(lu, 0.8);
  EXPECT_LT(lu, 1.05);
  EXPECT_GT(lo, 1.0);
  EXPECT_LT(lo, 1.35);
  EXPECT_GT(lu, lb);
  EXPECT_GT(lo, lu);
  // The busy city's afternoon peak asks for more than the platform has.
  double peak = 0, mean = 0;
  for (double d : busy.workload.diurnal) peak = std::max(peak, d), mean += d / 24.0;
  EXPECT_GT(lu * peak / mean, 1.2);
}
