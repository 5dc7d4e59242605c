// The SchedulingView boundary (sim/policy/view): a queue policy written against the view decides
// exactly as the built-in one does, through the driver, with quotas and guarantees the view policy
// never mentions (the framework holds and places for it); held jobs are marked and their starts
// answered Held; starts on
// a chip type, on explicit nodes and preemptions are checked as the context's are.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "../support/fake_context.hpp"
#include "../support/mini_model.hpp"
#include "../support/run_helpers.hpp"
#include "../support/tenant_load.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/policy/view/view_policy.hpp"

using namespace hetsim;

namespace {

// fifo against the view: priority, then arrival, then id; a held start is skipped, the first job
// that does not fit blocks the rest. Nothing about quotas or guarantees.
class ViewFifo final : public ViewPolicy {
 public:
  std::string name() const override { return "view-fifo"; }

 protected:
  void decide(SchedulingView& v) override {
    const WaitingColumns& w = v.waiting();
    std::vector<std::size_t> order(w.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (w.priority[a] != w.priority[b]) return w.priority[a] > w.priority[b];
      return w.arrival_s[a] < w.arrival_s[b];
    });
    for (std::size_t i : order) {
      const StartResult r = v.start(w.id[i]);
      if (r == StartResult::Held) continue;
      if (r == StartResult::NoFit) return;
    }
  }
};

// A view policy that runs one scripted action per pass, for the refusal tests.
class Scripted final : public ViewPolicy {
 public:
  explicit Scripted(std::function<void(SchedulingView&)> act, bool preemptive = false)
      : act_(std::move(act)), preemptive_(preemptive) {}
  std::string name() const override { return "scripted"; }
  bool preemptive() const override { return preemptive_; }
  std::vector<std::vector<JobId>> seen;  // waiting ids per pass

 protected:
  void decide(SchedulingView& v) override {
    seen.push_back(v.waiting().id);
    act_(v);
  }

 private:
  std::function<void(SchedulingView&)> act_;
  bool preemptive_;
};

// The jobs wait in the fake context (told to a policy that is not the one under test).
void arrive(test::FakeContext& ctx, std::vector<JobId> ids) {
  Scripted bystander([](SchedulingView&) {});
  for (JobId id : ids) ctx.submit(bystander, id);
}

WaitingColumns queue_of(const test::FakeContext& ctx, std::vector<JobId> ids) {
  WaitingColumns w;
  for (JobId id : ids) w.insert(ctx.job(id), usable_chip_mask(ctx.job(id), ctx.chips(), ctx.perf()));
  return w;
}

std::vector<std::pair<int64_t, int64_t>> starts_and_ends(const MetricsCollector& m) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const JobRecord& r : m.records()) out.emplace_back(r.start.us(), r.end.us());
  return out;
}

std::vector<std::pair<int64_t, int64_t>> run_view_fifo(const SimulationModel& m) {
  ViewFifo p;
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.set_check_invariants(true);
  sim.run();
  return starts_and_ends(metrics);
}

}  // namespace

TEST(ViewPolicy, FifoOnTheViewDecidesAsTheBuiltInFifoWithQuotasAndGuarantees) {
  for (int rules = 0; rules < 3; ++rules) {
    SimulationModel m = test::random_tenant_load(11);
    if (rules == 1) {
      m.tenants[0].quota_cards = 12;
      m.tenants[1].provider_quota = {-1, 8};
    }
    if (rules == 2) m.tenants[2].provider_guarantee = {16, 0};
    m.jobs[7].priority = 2;
    m.jobs[40].priority = 1;
    const test::Ran builtin = test::run_policy(m, "fifo");
    const auto view = run_view_fifo(m);
    EXPECT_EQ(view, starts_and_ends(*builtin.metrics)) << "rules " << rules;
    // The load is above capacity: the rules, and the queue, really bind.
    const auto& recs = builtin.metrics->records();
    int waited = 0;
    for (JobId id = 0; id < recs.size(); ++id) waited += recs[id].start > m.jobs[id].arrival;
    EXPECT_GT(waited, 100) << "rules " << rules;
  }
}

TEST(ViewPolicy, AStartItsTenantsQuotaForbidsIsAnsweredHeldNotApplied) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 3, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 8, 100)};
  m.tenants[0].quota_cards = 8;
  test::finalize(m);
  std::vector<StartResult> results;
  std::vector<std::vector<uint8_t>> held;
  Scripted p([&](SchedulingView& v) {
    if (v.waiting().size() > 0) held.push_back(v.waiting().held);
    for (JobId id : v.waiting().id) results.push_back(v.start(id));
  });
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.run();
  // First pass: neither held as it begins; the first start holds the second.
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0], StartResult::Started);
  EXPECT_EQ(results[1], StartResult::Held);
  EXPECT_EQ(results[2], StartResult::Started);  // t = 100: job 0 ended, job 1 may start
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0], (std::vector<uint8_t>{0, 0}));
  EXPECT_EQ(held[1], (std::vector<uint8_t>{0}));
  EXPECT_EQ(metrics.records()[1].start.seconds(), 100);
}

TEST(ViewPolicy, FreeCardsAndRunningJobsFollowEveryStart) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 1, 4, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 2, 100)};
  test::finalize(m);
  test::FakeContext ctx(m);
  arrive(ctx, {0, 1});
  WaitingColumns queue = queue_of(ctx, {0, 1});
  SchedulingView v(ctx, queue, {}, false);
  EXPECT_EQ(v.free().by_chip, (std::vector<int64_t>{16, 4}));
  EXPECT_EQ(v.free().by_pool, (std::vector<int64_t>{16, 4}));
  EXPECT_EQ(v.pools().cards, (std::vector<int64_t>{16, 4}));
  EXPECT_EQ(v.running().size(), 0u);
  EXPECT_EQ(v.start_on(1, 1, 0), StartResult::Started);
  EXPECT_EQ(v.free().by_chip, (std::vector<int64_t>{16, 2}));
  ASSERT_EQ(v.running().size(), 1u);
  EXPECT_EQ(v.running().chip[0], 1);
  EXPECT_EQ(v.running().cards[0], 2u);
  v.start_on_nodes(0, {1}, {8});
  EXPECT_EQ(ctx.allocation_of(0).front().node, 1u);
  EXPECT_EQ(v.free().by_pool, (std::vector<int64_t>{8, 2}));
  EXPECT_EQ(v.running().id, (std::vector<JobId>{0, 1}));
  EXPECT_EQ(v.started(), (std::vector<JobId>{1, 0}));
  // Started jobs are no longer waiting.
  EXPECT_THROW(v.start(0), PolicyViolation);
}

TEST(ViewPolicy, BadStartsArePolicyViolationsNotLackOfRoom) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 1, 4, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 2, 100)};
  m.jobs[1].allowed_chips = 1;  // chip 0 only
  m.jobs[0].min_cards = 4;
  m.jobs[0].max_cards = 8;
  test::finalize(m);
  test::FakeContext ctx(m);
  arrive(ctx, {0, 1});
  WaitingColumns queue = queue_of(ctx, {0, 1});
  SchedulingView v(ctx, queue, {}, false);
  EXPECT_THROW(v.start_on(1, 1, 0), PolicyViolation);   // chip not allowed
  EXPECT_THROW(v.start_on(1, 7, 0), PolicyViolation);   // no such chip
  EXPECT_THROW(v.start_on(0, 0, 16), PolicyViolation);  // outside 4..8
  EXPECT_THROW(v.start(5), PolicyViolation);            // not waiting
  EXPECT_THROW(v.start_on_nodes(1, {9}, {1}), PolicyViolation);
  EXPECT_THROW(v.start_on_nodes(1, {0, 0}, {1, 1}), PolicyViolation);
  EXPECT_THROW(v.start_on_nodes(1, {0}, {9}), PolicyViolation);
  EXPECT_EQ(v.start_on(0, 1, 8), StartResult::NoFit);    // 8 cards of chip 1 do not exist
  EXPECT_EQ(v.start_on(0, 1, 4), StartResult::Started);  // elastic: 4 of them do
  EXPECT_EQ(allocation_cards(ctx.allocation_of(0)), 4u);
  EXPECT_TRUE(ctx.started_ids() == std::vector<JobId>{0});
  // Explicit nodes are checked by the driver as any start: node 2 holds chip 1, which job 1 may
  // not use.
  Scripted on_chip1([](SchedulingView& w) {
    if (w.now_s() == 0 && w.waiting().size() == 2) w.start_on_nodes(1, {2}, {2});
  });
  EXPECT_NE(test::violation_message(m, on_chip1).find("job 1"), std::string::npos);
}

TEST(ViewPolicy, PreemptionNeedsTheCapabilityAndRequeuesTheJob) {
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 1000), test::timed_job(1, 10, 8, 100)};
  test::finalize(m);
  // Not preemptive: the running view has no preemption columns and preempt() is refused.
  Scripted plain([](SchedulingView& v) {
    for (JobId id : v.waiting().id) v.start(id);
    EXPECT_TRUE(v.running().executed_s.empty());
    if (v.now_s() == 10) v.preempt(0);
  });
  EXPECT_NE(test::violation_message(m, plain).find("preemptive"), std::string::npos);
  // Preemptive: at t = 10 job 1 arrives, job 0 (10 s executed) is stopped and job 1 starts; job 0
  // is waiting again from the next pass and finishes after job 1.
  std::vector<double> executed;
  Scripted preempting(
      [&](SchedulingView& v) {
        if (v.now_s() == 10) {
          ASSERT_EQ(v.running().size(), 1u);
          executed = v.running().executed_s;
          v.preempt(0);
          EXPECT_EQ(v.running().size(), 0u);
          EXPECT_EQ(v.free().by_chip[0], 8);
          EXPECT_THROW(v.start(0), PolicyViolation);  // waiting from the next pass on
        }
        for (JobId id : v.waiting().id) v.start(id);
      },
      true);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, preempting, metrics);
  sim.set_check_invariants(true);
  sim.run();
  EXPECT_EQ(executed, std::vector<double>{10.0});
  EXPECT_EQ(metrics.records()[1].start.seconds(), 10);
  EXPECT_EQ(metrics.records()[0].outcome, JobOutcome::Completed);
  EXPECT_GE(metrics.records()[0].end.seconds(), 110);
  // Job 0 was waiting at t = 0 and again at t = 110, after job 1 ended.
  EXPECT_EQ(std::count(preempting.seen.begin(), preempting.seen.end(), std::vector<JobId>{0}), 2);
}

TEST(ViewPolicy, TheQueueKeepsArrivalOrderAcrossRequeuesAndEnds) {
  WaitingColumns w;
  auto job = [](JobId id, uint32_t cards) {
    JobRequest j;
    j.id = id;
    j.cards = cards;
    j.arrival = SimTime::from_s(id);
    return j;
  };
  for (JobId id : {0u, 2u, 5u}) EXPECT_TRUE(w.insert(job(id, id + 1), 1));
  EXPECT_TRUE(w.insert(job(3, 4), 3));   // requeued: back at its arrival place
  EXPECT_FALSE(w.insert(job(3, 4), 3));  // once
  EXPECT_EQ(w.id, (std::vector<JobId>{0, 2, 3, 5}));
  EXPECT_EQ(w.cards, (std::vector<uint32_t>{1, 3, 4, 6}));
  EXPECT_EQ(w.allowed_chips, (std::vector<uint64_t>{1, 1, 3, 1}));
  w.erase(2);
  w.erase(7);  // not there: nothing
  EXPECT_EQ(w.id, (std::vector<JobId>{0, 3, 5}));
  EXPECT_EQ(w.arrival_s, (std::vector<double>{0, 3, 5}));
  EXPECT_EQ(w.held.size(), 3u);
  EXPECT_EQ(w.row_of(5), 2u);
  EXPECT_EQ(w.row_of(2), WaitingColumns::npos);
}

TEST(ViewPolicy, WithoutPythonAPythonPolicyNameSaysWhy) {
  // This test binary installs no Python source, as a build without Python.
  const PolicyRegistry r = builtin_policy_registry();
  const std::vector<ParamProblem> p = r.check("py:my_policy:Mine", {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].message.find("need a hetsim built with Python"), std::string::npos) << p[0].message;
  EXPECT_THROW((void)r.create("py:my_policy:Mine", {}), std::invalid_argument);
  EXPECT_TRUE(is_python_policy_name("py:a:B"));
  EXPECT_FALSE(is_python_policy_name("fifo"));
  EXPECT_TRUE(r.check("fifo", {}).empty());
}

TEST(ViewPolicy, AnElasticJobsChipIsJudgedAtTheSizeAskedFor) {
  // 352 GB of model state: 44 GB a card on 8 cards (fast, 80 GB, only), 22 GB on 16 (slow, 32 GB,
  // too), 88 GB on 4 (neither).
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 0, 1, 2, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 8, 100)};
  for (Job& j : m.jobs) {
    j.model.params = 22e9;
    j.model.bytes_per_param = 16;
    j.model.activation_gb_per_card = 0;
    j.min_cards = 4;
    j.max_cards = 16;
  }
  test::finalize(m);
  test::FakeContext ctx(m);
  arrive(ctx, {0, 1});
  WaitingColumns queue = queue_of(ctx, {0, 1});
  EXPECT_EQ(queue.allowed_chips[0], 1u);  // at the submitted 8 cards: fast only
  SchedulingView v(ctx, queue, {}, false);
  EXPECT_THROW(v.start_on(0, 0, 4), PolicyViolation);  // 88 GB a card fits no chip
  EXPECT_EQ(v.start_on(0, 1, 16), StartResult::Started);
  EXPECT_EQ(allocation_cards(ctx.allocation_of(0)), 16u);
  EXPECT_EQ(ctx.cluster().node_chip(ctx.allocation_of(0).front().node), 1u);
}

TEST(ViewPolicy, ARefusedStartLeavesTheRunAsItWas) {
  // A gang over two chip types with no mixed-training plan is refused after every other check; a
  // policy that catches the refusal must find the job still waiting and the cards still free.
  SimulationModel m = test::mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 4);  // node 0, fast
  m.cluster.add_pool(0, 0, 1, 2, 8, 128000, 1 << 20, 4);  // nodes 1..2, slow
  test::finish_topology(m);
  TransformerSpec huge;  // ~300 B parameters: no plan fits 16 cards' memory
  huge.name = "huge";
  huge.layers = 24, huge.hidden = 32768, huge.heads = 16, huge.kv_heads = 16, huge.ffn_hidden = 131072;
  huge.vocab = 32000, huge.seq_len = 2048, huge.default_global_batch = 256;
  m.mixing.models = {huge};
  m.jobs = {test::job(0, 0, 16, 100)};
  m.jobs[0].model.tokens_per_step = 2048.0 * 256;
  m.jobs[0].may_mix_chips = true;
  test::finalize(m);
  std::string refused;
  Scripted p([&](SchedulingView& v) {
    if (v.waiting().size() == 0) return;
    if (refused.empty()) {
      try {
        v.start_on_nodes(0, {0, 1}, {8, 8});
      } catch (const PolicyViolation& e) {
        refused = e.what();
      }
      EXPECT_EQ(v.free().by_chip, (std::vector<int64_t>{8, 16}));
    }
    EXPECT_EQ(v.start(0), StartResult::Started);
  });
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.set_check_invariants(true);
  sim.run();
  EXPECT_NE(refused.find("no mixed-training plan"), std::string::npos) << refused;
  EXPECT_EQ(metrics.records()[0].outcome, JobOutcome::Completed);
}

TEST(ViewPolicy, TenantLimitsAreColumnsWhereTheScenarioSetsThemAndFollowStarts) {
  SimulationModel m = test::mini_model();
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);  // pool 0: 16 cards at prov
  m.cluster.add_pool(0, 1, 0, 1, 8, 128000, 1 << 20, 4);  // pool 1: 8 cards at prov2
  test::finish_topology(m);
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 2, 100)};
  m.jobs[1].tenant = 1;
  test::finalize(m);
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  std::vector<TenantColumns> seen;
  Scripted p([&](SchedulingView& v) {
    if (v.waiting().size() < 2) return;
    seen.push_back(v.tenants());
    v.start_on_nodes(0, {0}, {8});
    seen.push_back(v.tenants());
  });
  {  // No limits: no columns.
    MetricsCollector metrics(m.cluster, m.chips, m.jobs);
    Simulation sim(m, p, metrics);
    sim.run();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].size(), 0u);
    EXPECT_TRUE(seen[0].room_by_pool.empty());
  }
  seen.clear();
  m.tenants[0].quota_cards = 12;
  m.tenants[0].provider_quota = {-1, 4};
  m.tenants[1].budget = 50;
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.run();
  ASSERT_EQ(seen.size(), 2u);
  const TenantColumns& before = seen[0];
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before.pools, 2u);
  EXPECT_EQ(before.quota_room, (std::vector<int64_t>{12, kNone}));
  EXPECT_EQ(before.budget_left, (std::vector<double>{std::numeric_limits<double>::infinity(), 50}));
  // t0: 12 overall, 4 at prov2; t1: the free cards.
  EXPECT_EQ(before.room_by_pool, (std::vector<int64_t>{12, 4, 16, 8}));
  // After t0's 8-card start in pool 0: t0 has 4 left overall, everyone 8 free cards in pool 0.
  const TenantColumns& after = seen[1];
  EXPECT_EQ(after.quota_room, (std::vector<int64_t>{4, kNone}));
  EXPECT_EQ(after.room_by_pool, (std::vector<int64_t>{4, 4, 8, 8}));
}

TEST(ViewPolicy, TenantRoomLeavesOutOthersReservedCardsAndFollowsPreemptions) {
  // t1's guarantee of 8 cards at prov makes its waiting 2-card job claim 2 cards of pool 0: t0
  // may take 14 of the 16 there, t1 all 16 (its own claim does not bind it).
  SimulationModel m = test::mini_model();
  m.cluster.add_provider("prov2");
  m.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  m.cluster.add_pool(0, 1, 0, 1, 8, 128000, 1 << 20, 4);
  test::finish_topology(m);
  m.tenants.push_back(Tenant{"t1", 1, 0});
  m.tenants[1].provider_guarantee = {8, 0};
  m.jobs = {test::timed_job(0, 0, 8, 100), test::timed_job(1, 0, 2, 100)};
  m.jobs[1].tenant = 1;
  test::finalize(m);
  std::vector<std::vector<int64_t>> room;
  Scripted p(
      [&](SchedulingView& v) {
        if (v.waiting().size() < 2) return;
        room.push_back(v.tenants().room_by_pool);
        v.start_on_nodes(0, {0}, {8});
        room.push_back(v.tenants().room_by_pool);
        v.preempt(0);
        room.push_back(v.tenants().room_by_pool);
      },
      /*preemptive=*/true);
  MetricsCollector metrics(m.cluster, m.chips, m.jobs);
  Simulation sim(m, p, metrics);
  sim.run();
  ASSERT_GE(room.size(), 3u);
  EXPECT_EQ(room[0], (std::vector<int64_t>{14, 8, 16, 8}));
  EXPECT_EQ(room[1], (std::vector<int64_t>{6, 8, 8, 8}));  // t0's 8 cards taken in pool 0
  EXPECT_EQ(room[2], room[0]);                             // and given back
}
