// Gangs spanning chip types in the simulator: the driver's checks, the speed from the mixed
// planner, and the policies' mix_chips parameter (docs/mixed-training.md, "In the simulator").
#include <gtest/gtest.h>

#include <cmath>

#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/policy/placement/placement.hpp"

using namespace hetsim;

namespace {

TransformerSpec small_dense() {
  TransformerSpec m;
  m.name = "m1b";
  m.layers = 24, m.hidden = 2048, m.heads = 16, m.kv_heads = 16, m.ffn_hidden = 5504;
  m.vocab = 32000, m.seq_len = 2048, m.default_global_batch = 256;
  return m;
}

// Site 0: fast 8 x 8 (nodes 0..7), slow 6 x 8 (nodes 8..13). Job 0 holds 48 fast cards for
// 10,000 s; job 1 (64 cards, may mix) arrives at 10 s: no pool holds it then, fast 16 + slow 48 do.
SimulationModel contention_model() {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 8, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 6, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.mixing.models = {small_dense()};
  Job first = test::timed_job(0, 0, 48, 10000);
  first.allowed_chips = 0b01;
  Job big = test::job(1, 10, 64, 500);
  big.model.tokens_per_step = 2048.0 * 256;
  big.may_mix_chips = true;
  m.jobs = {first, big};
  test::finalize(m);
  return m;
}

// Step time of the job on whole nodes [first, last] were they all of `chip` (the scale-free
// baseline's S_k: the whole gang's shape, one chip).
double step_as(const SimulationModel& m, const Job& j, NodeId first, NodeId last, ChipId chip) {
  Allocation a;
  for (NodeId n = first; n <= last; ++n) a.push_back(NodeGrant{n, 0xFF, kMilliPerCard, 0, 0});
  AllocationShape shape = shape_of(a, m.cluster, m.topology);
  shape.chip = chip;
  return step_time(j.model, m.chips.at(chip), shape, m.perf).total_s;
}

}  // namespace

TEST(MixedGangs, OffByDefaultTheJobWaitsForOnePool) {
  const SimulationModel m = contention_model();
  for (const char* policy : {"fifo", "sjf", "easy-backfill"}) {
    const auto r = test::run_policy(m, policy);
    EXPECT_NEAR(test::start_s(r, 1), 10000, 1) << policy;  // when job 0 frees the fast pool
    EXPECT_EQ(r.metrics->records()[1].mixed_efficiency, 0.0) << policy;
  }
}

TEST(MixedGangs, FallbackStartsAMixedGangAtOnceAtThePlannersSpeed) {
  const SimulationModel m = contention_model();
  MixedEfficiency planner(m.mixing, m.chips);
  const ChipCount mix[] = {{0, 16}, {1, 48}};
  const MixedSpeed speed = planner.efficiency(m.jobs[1], mix);
  ASSERT_GT(speed.eta, 0.0);
  ASSERT_EQ(speed.baseline_mask, 0b11u);
  // Job 0 took fast nodes 0..5; the mixed gang gets fast nodes 6..7 and slow nodes 8..13: 16 fast
  // and 48 slow cards, so a quarter of the all-fast speed and three quarters of the all-slow.
  const double step =
      1.0 / (speed.eta * (0.25 / step_as(m, m.jobs[1], 6, 13, 0) + 0.75 / step_as(m, m.jobs[1], 6, 13, 1)));
  for (const char* policy : {"fifo", "sjf", "easy-backfill"}) {
    const auto r = test::run_policy(m, policy, {{"mix_chips", "fallback"}});
    const JobRecord& rec = r.metrics->records()[1];
    EXPECT_DOUBLE_EQ(test::start_s(r, 1), 10.0) << policy;
    EXPECT_EQ(rec.chip_mask, 0b11u) << policy;
    EXPECT_DOUBLE_EQ(rec.mixed_efficiency, speed.eta) << policy;
    EXPECT_NEAR((rec.end - rec.start).seconds(), 500 * step, 2e-6) << policy;
    EXPECT_NE(r.policy_name.find(",mix]"), std::string::npos) << r.policy_name;
  }
}

TEST(MixedGangs, AFixedEfficiencyScalesTheRuntimeAndMixDisabledJobsNeverMix) {
  SimulationModel m = contention_model();
  m.mixing.fixed_efficiency = 1.0;
  const auto full = test::run_policy(m, "fifo", {{"mix_chips", "fallback"}});
  m.mixing.fixed_efficiency = 0.5;
  const auto half = test::run_policy(m, "fifo", {{"mix_chips", "fallback"}});
  const JobRecord& a = full.metrics->records()[1];
  const JobRecord& b = half.metrics->records()[1];
  EXPECT_DOUBLE_EQ(b.mixed_efficiency, 0.5);
  EXPECT_NEAR((b.end - b.start).seconds(), 2 * (a.end - a.start).seconds(), 2e-6);
  m.jobs[1].may_mix_chips = false;
  const auto plain = test::run_policy(m, "fifo", {{"mix_chips", "fallback"}});
  EXPECT_EQ(plain.metrics->records()[1].chip_mask, 0b01u);  // waited for the fast pool
  EXPECT_GT(test::start_s(plain, 1), 9999);
}

TEST(MixedGangs, SameModelSameRecordsAndStrandedCardsAreCounted) {
  const SimulationModel m = contention_model();
  const auto a = test::run_policy(m, "easy-backfill", {{"mix_chips", "fallback"}});
  const auto b = test::run_policy(m, "easy-backfill", {{"mix_chips", "fallback"}});
  for (JobId i = 0; i < m.jobs.size(); ++i) {
    EXPECT_EQ(a.metrics->records()[i].start, b.metrics->records()[i].start);
    EXPECT_EQ(a.metrics->records()[i].end, b.metrics->records()[i].end);
  }
  EXPECT_EQ(a.metrics->stranded_card_us(), 0);  // nothing waited
  const auto off = test::run_policy(m, "fifo");
  // Job 1 waited from 10 s until job 0 ended, with 112 - 48 = 64 cards idle all along.
  const int64_t waited_us = (off.metrics->records()[1].start - SimTime::from_s(10)).us();
  EXPECT_EQ(off.metrics->stranded_card_us(), 64 * waited_us);
}

namespace {
// Hands job 0 a gang of 8 cards on each of the given nodes.
class MixingRogue : public Policy {
 public:
  explicit MixingRogue(std::vector<NodeId> nodes) : nodes_(std::move(nodes)) {}
  std::string name() const override { return "mixing-rogue"; }
  void on_submit(const SchedulingContext&, JobId id) override { queue_.push_back(id); }
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override {
    for (JobId id : queue_) {
      const JobRequest& j = ctx.job(id);
      Allocation a;
      for (NodeId n : nodes_) a.push_back(grant_cards(ctx.cluster(), j, n, 8));
      ctx.start(id, a);
    }
    queue_.clear();
  }

 private:
  std::vector<NodeId> nodes_;
  std::vector<JobId> queue_;
};

std::string violation(const SimulationModel& m, NodeId second) {
  MixingRogue p({0, second});
  return test::violation_message(m, p);
}
}  // namespace

TEST(MixedGangs, TheDriverRefusesMixesTheJobOrTheModelDoesNotAllow) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 4);  // nodes 0..3 fast, site 0
  m.cluster.add_pool(0, 0, 1, 2, 8, 128000, 1 << 20, 4);  // nodes 4..5 slow, site 0
  m.cluster.add_pool(1, 0, 1, 2, 8, 128000, 1 << 20, 4);  // nodes 6..7 slow, site 1
  test::finish_topology(m);
  m.mixing.models = {small_dense()};
  m.jobs = {test::job(0, 0, 16)};
  m.jobs[0].model.tokens_per_step = 2048.0 * 256;
  test::finalize(m);
  std::string v = violation(m, 4);
  EXPECT_NE(v.find("may not mix"), std::string::npos) << v;
  m.jobs[0].may_mix_chips = true;
  EXPECT_EQ(violation(m, 4), "");
  v = violation(m, 6);
  EXPECT_NE(v.find("one site"), std::string::npos) << v;
  m.mixing.models.front().hidden = 32768;  // ~300 B parameters: no plan fits 16 cards' memory
  m.mixing.models.front().ffn_hidden = 131072;
  v = violation(m, 4);
  EXPECT_NE(v.find("no mixed-training plan"), std::string::npos) << v;
}

TEST(MixedGangs, AMixedGangMayNotSpanSitesEvenWhenItsFirstTwoGrantsShareAChip) {
  // A@site0, A@site1, B@site0 for a job that may mix and may cross sites: every grant matches the
  // first in chip or in site, yet the gang mixes chip types across sites.
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 4);  // nodes 0..3: chip 0, site 0
  m.cluster.add_pool(0, 0, 1, 2, 8, 128000, 1 << 20, 4);  // nodes 4..5: chip 1, site 0
  m.cluster.add_pool(1, 0, 0, 2, 8, 128000, 1 << 20, 4);  // nodes 6..7: chip 0, site 1
  test::finish_topology(m);
  m.mixing.models = {small_dense()};
  m.jobs = {test::job(0, 0, 24)};
  m.jobs[0].model.tokens_per_step = 2048.0 * 256;
  m.jobs[0].may_mix_chips = true;
  m.jobs[0].allow_cross_site = true;
  test::finalize(m);
  MixingRogue p({0, 6, 4});
  const std::string v = test::violation_message(m, p);
  EXPECT_NE(v.find("one site"), std::string::npos) << v;
  MixingRogue same_chip({0, 1, 6});  // one chip type across sites: allowed for this job
  EXPECT_EQ(test::violation_message(m, same_chip), "");
}
