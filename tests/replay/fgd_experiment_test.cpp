// The FGD experiment's protocol (docs/validation.md) on hand-made clusters and the self-made sample.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>

#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/replay/fgd_experiment.hpp"

namespace hetsim {
namespace {

const std::string kData = std::string(HETSIM_SOURCE_DIR) + "/tests/workload/data/openb/";

SharingTrace one_node_two_gpus(std::vector<SharingTask> tasks) {
  SharingTrace t;
  SharingNode n;
  n.cpu_free_milli = 64000;
  n.mem_free_mib = 1 << 20;
  n.gpus = 2;
  n.gpu_free_milli[0] = n.gpu_free_milli[1] = 1000;
  t.nodes = {n};
  t.node_names = {"n0"};
  t.models = {"T4"};
  t.gpu_count = 2;
  t.tasks = std::move(tasks);
  return t;
}

SharingTrace sample() {
  std::vector<TraceError> errors;
  SharingTrace t = load_sharing_trace(kData + "nodes.csv", kData + "pods.csv", errors);
  EXPECT_TRUE(errors.empty());
  return t;
}

// A run's stop depends on the pod list: arrivals that cannot reach the inflation point within
// kMaxFgdArrivalDraws are refused before the run, with the reason (a CPU-only list looped forever).
TEST(FgdExperiment, ArrivalsThatCannotReachTheInflationPointAreRefusedBeforeTheRun) {
  const SharingTask cpu_only{1000, 1024, 0, 0, ~0ULL};
  SharingTrace t = one_node_two_gpus({cpu_only, cpu_only});
  const auto M = target_workload(t.tasks);
  EXPECT_NE(fgd_arrivals_problem(t, 130).find("no pod of the 2 in the pod list asks for a GPU"), std::string::npos);
  EXPECT_THROW(run_fgd_experiment(t, M, "fgd", 1), std::invalid_argument);

  // 1 milli-GPU per pod on 6,212 GPUs: about 8.1 M draws at 130 %, above the cap's half.
  const SharingTask sliver{1000, 1024, 1, 1, ~0ULL};
  t = one_node_two_gpus({sliver});
  t.gpu_count = 6212;
  const std::string why = fgd_arrivals_problem(t, 130);
  EXPECT_NE(why.find("about 8.08e+06 task draws"), std::string::npos) << why;
  EXPECT_THROW(run_fgd_experiment(t, target_workload(t.tasks), "best-fit", 1), std::invalid_argument);
  // The same pods on the 2-GPU cluster need 2,600 draws: accepted, and the run reaches 130 %.
  t.gpu_count = 2;
  EXPECT_EQ(fgd_arrivals_problem(t, 130), "");
  EXPECT_EQ(run_fgd_experiment(t, target_workload(t.tasks), "best-fit", 1).tasks_arrived, 2600u);
  // Mixed with GPU pods the mean request decides, the sample trace is accepted at every inflation.
  const SharingTrace s = sample();
  EXPECT_EQ(fgd_arrivals_problem(s, 1000), "");
}

TEST(FgdExperiment, RecordsEveryIntegerPercentOnceWithTheStateAfterTheCrossingTask) {
  // Each task asks for one whole GPU = 50 % of the cluster: arrivals 50 %, 100 %, 150 %.
  const SharingTask whole{1000, 1024, 1, 1000, ~0ULL};
  const SharingTrace t = one_node_two_gpus({whole});
  const auto M = target_workload(t.tasks);
  const FgdRunResult r = run_fgd_experiment(t, M, "best-fit", 1);
  ASSERT_EQ(r.curve.size(), 131u);
  for (int k = 0; k <= 130; ++k) EXPECT_EQ(r.curve[static_cast<std::size_t>(k)].arrived_pct, k);
  EXPECT_EQ(r.curve[0].allocated_pct, 0.0);
  EXPECT_EQ(r.curve[1].allocated_pct, 50.0);  // the first task crossed 1..50
  EXPECT_EQ(r.curve[50].allocated_pct, 50.0);
  EXPECT_EQ(r.curve[51].allocated_pct, 100.0);   // the second crossed 51..100
  EXPECT_EQ(r.curve[130].allocated_pct, 100.0);  // the third found no room
  EXPECT_EQ(r.tasks_arrived, 3u);
  EXPECT_EQ(r.tasks_placed, 2u);
  EXPECT_EQ(r.gpu_milli_arrived, 3000);
  EXPECT_EQ(r.gpu_milli_allocated, 2000);
  // M is "one whole GPU": free whole GPUs are never fragments.
  for (const auto& p : r.curve) EXPECT_EQ(p.fragmented_pct, 0.0);
}

TEST(FgdExperiment, FragmentationFollowsTheMeasureOfTheNodesState) {
  // M: one whole GPU; tasks: 0.6 of a GPU. After the first task, GPU 0 keeps 400 milli that no
  // whole-GPU task can use: 400 / 2000 = 20 % of the cluster is fragment.
  const SharingTask share{1000, 1024, 1, 600, ~0ULL};
  const SharingTrace t = one_node_two_gpus({share});
  const std::vector<TaskType> M{{SharingTask{0, 0, 1, 1000, ~0ULL}, 1.0, 1}};
  const FgdRunResult r = run_fgd_experiment(t, M, "fgd", 1);
  EXPECT_EQ(r.curve[30].allocated_pct, 30.0);
  EXPECT_DOUBLE_EQ(r.curve[30].fragmented_pct, 20.0);
  EXPECT_DOUBLE_EQ(r.curve[60].fragmented_pct, 40.0);  // both GPUs hold 400 milli
  EXPECT_DOUBLE_EQ(r.curve[130].fragmented_pct, 40.0);
}

TEST(FgdExperiment, SameSeedSameResultAndSeedsDiffer) {
  const SharingTrace t = sample();
  const auto M = target_workload(t.tasks);
  for (const std::string p : {"fgd", "random-fit"}) {
    const auto a = run_fgd_experiment(t, M, p, 7), b = run_fgd_experiment(t, M, p, 7);
    EXPECT_EQ(a, b) << p;
    const auto c = run_fgd_experiment(t, M, p, 8);
    EXPECT_NE(a.curve, c.curve) << p;
  }
}

TEST(FgdExperiment, AllocationNeverExceedsDemandAndFragmentsAreUnallocated) {
  const SharingTrace t = sample();
  const auto M = target_workload(t.tasks);
  for (const auto& name : sharing_placement_names()) {
    const auto r = run_fgd_experiment(t, M, name, 5);
    ASSERT_EQ(r.curve.size(), 131u) << name;
    for (std::size_t k = 1; k < r.curve.size(); ++k) {
      EXPECT_GE(r.curve[k].allocated_pct, r.curve[k - 1].allocated_pct) << name;  // no departures
      EXPECT_LE(r.curve[k].fragmented_pct, 100.0 - r.curve[k].allocated_pct + 1e-9) << name;
      EXPECT_GE(r.curve[k].fragmented_pct, 0.0) << name;
    }
    EXPECT_LE(r.gpu_milli_allocated, r.gpu_milli_arrived) << name;
    EXPECT_GE(r.gpu_milli_arrived * 100, 130 * t.gpu_count * 1000) << name;
    EXPECT_LE(r.tasks_placed, r.tasks_arrived) << name;
  }
}

TEST(FgdExperiment, GridMatchesSingleRunsForAnyThreadCount) {
  const SharingTrace t = sample();
  const auto M = target_workload(t.tasks);
  const std::vector<std::string> policies{"fgd", "random-fit", "gpu-clustering"};
  const std::vector<uint64_t> seeds{4, 1, 9};
  omp_set_num_threads(1);
  const auto one = run_fgd_grid(t, M, policies, seeds);
  omp_set_num_threads(2);
  const auto two = run_fgd_grid(t, M, policies, seeds);
  ASSERT_EQ(one.size(), 9u);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one[4], run_fgd_experiment(t, M, "random-fit", 1));  // policy-major, seeds in given order
  EXPECT_EQ(fgd_curve_csv(one), fgd_curve_csv(two));
}

TEST(FgdExperiment, BadArgumentsThrow) {
  const SharingTrace t = sample();
  const auto M = target_workload(t.tasks);
  EXPECT_THROW(run_fgd_experiment(t, M, "worst-fit", 1), std::invalid_argument);
  FgdExperimentConfig cfg;
  cfg.inflation_pct = 0;
  EXPECT_THROW(run_fgd_experiment(t, M, "fgd", 1, cfg), std::invalid_argument);
  SharingTrace empty = t;
  empty.tasks.clear();
  EXPECT_THROW(run_fgd_experiment(empty, M, "fgd", 1), std::invalid_argument);
  const std::vector<std::string> bad{"fgd", "nope"};
  const std::vector<uint64_t> seeds{1};
  EXPECT_THROW(run_fgd_grid(t, M, bad, seeds), std::invalid_argument);
}

TEST(FgdExperiment, SummaryAveragesOverSeedsAtTheRequestedPercent) {
  std::vector<FgdRunResult> runs(3);
  const double alloc[3] = {90, 80, 70};
  for (int i = 0; i < 3; ++i) {
    runs[i].policy = i < 2 ? "a" : "b";
    runs[i].curve = {{100, alloc[i], 5.0 + i}};
  }
  const auto s = summarise_at(runs, 100);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].policy, "a");
  EXPECT_EQ(s[0].runs, 2);
  EXPECT_DOUBLE_EQ(s[0].unallocated_mean, 15.0);
  EXPECT_NEAR(s[0].unallocated_sd, 7.0710678, 1e-6);
  EXPECT_DOUBLE_EQ(s[0].fragmented_mean, 5.5);
  EXPECT_EQ(s[1].runs, 1);
  EXPECT_EQ(s[1].unallocated_sd, 0.0);
  EXPECT_EQ(fgd_summary_csv(s, 100).substr(0, 7), "policy,");
}

}  // namespace
}  // namespace hetsim

// The reference protocol (issue 20, docs/validation.md): node-permutation ties, the reference's
// arrival generation and its reading of the curve.
namespace hetsim {
namespace {

SharingTrace identical_nodes(std::size_t count) {
  SharingTrace t;
  for (std::size_t i = 0; i < count; ++i) {
    SharingNode n;
    n.cpu_free_milli = 64000;
    n.mem_free_mib = 1 << 20;
    n.gpus = 2;
    n.gpu_free_milli[0] = n.gpu_free_milli[1] = 1000;
    t.nodes.push_back(n);
    t.node_names.push_back("n" + std::to_string(i));
  }
  t.models = {"T4"};
  t.gpu_count = static_cast<int64_t>(2 * count);
  return t;
}

TEST(FgdReferenceProtocol, NodeRanksAreAPermutationFixedBySeed) {
  const auto draw = [](uint64_t seed) {
    Rng rng(seed);
    return random_node_ranks(1213, rng);
  };
  const std::vector<uint32_t> a = draw(42), b = draw(42), c = draw(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<uint32_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < sorted.size(); ++i) ASSERT_EQ(sorted[i], i);
}

TEST(FgdReferenceProtocol, EqualScoresGoToTheNodeOfLowestRank) {
  const SharingTrace t = identical_nodes(3);
  const SharingTask task{1000, 1024, 1, 1000, ~0ULL};
  for (const std::string& policy : sharing_placement_names()) {
    if (policy == "random-fit") continue;  // its choice is random by design: no tie to break
    for (const auto& [ranks, winner] :
         std::vector<std::pair<std::vector<uint32_t>, NodeId>>{{{2, 0, 1}, 1}, {{0, 2, 1}, 0}, {{1, 2, 0}, 2}}) {
      SharingOptions o;
      o.tie_break = TieBreak::NodePermutation;
      o.node_rank = ranks;
      auto p = make_sharing_placement(policy, target_workload(std::vector<SharingTask>{task}), o);
      Rng rng(1);
      const auto choice = p->place(t.nodes, task, rng);
      ASSERT_TRUE(choice.has_value()) << policy;
      EXPECT_EQ(choice->first, winner) << policy;
    }
    SharingOptions missing;
    missing.tie_break = TieBreak::NodePermutation;
    missing.node_rank = {0, 1};  // no rank for node 2
    auto p = make_sharing_placement(policy, target_workload(std::vector<SharingTask>{task}), missing);
    Rng rng(1);
    EXPECT_THROW(p->place(t.nodes, task, rng), std::invalid_argument) << policy;
  }
}

TEST(FgdReferenceProtocol, ArrivalsAreTheShuffledListTunedUpWithClones) {
  SharingTrace t = identical_nodes(5);  // 10 GPUs, 10,000 milli
  const SharingTask half{1000, 1024, 1, 500, ~0ULL}, cpu{1000, 1024, 0, 0, ~0ULL};
  t.tasks = {half, cpu, half, half};  // 1,500 milli: 15 %
  Rng rng(7);
  const std::vector<uint32_t> seq = reference_arrivals(t, 130, rng);
  ASSERT_GE(seq.size(), 4u);
  std::vector<uint32_t> first(seq.begin(), seq.begin() + 4);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<uint32_t>{0, 1, 2, 3}));  // every pod once, then the clones
  int64_t milli = 0;
  for (uint32_t i : seq) milli += t.tasks[i].gpu_milli_total();
  // Stopped at the first GPU clone that would pass 13,000: within one clone of it.
  EXPECT_LE(milli, 13000);
  EXPECT_GT(milli + 500, 13000);
  Rng again(7);
  EXPECT_EQ(reference_arrivals(t, 130, again), seq);
}

TEST(FgdReferenceProtocol, ArrivalsAboveTheTargetAreTunedDownByRandomRemovals) {
  SharingTrace t = identical_nodes(1);  // 2 GPUs
  const SharingTask whole{1000, 1024, 1, 1000, ~0ULL};
  t.tasks.assign(10, whole);  // 10,000 milli: 500 %
  Rng rng(3);
  const std::vector<uint32_t> seq = reference_arrivals(t, 130, rng);
  EXPECT_EQ(seq.size(), 2u);  // 2,000 milli <= 2,600 < 3,000
  std::vector<uint32_t> sorted = seq;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());  // no pod twice, no clone
}

TEST(FgdReferenceProtocol, TheCurveIsTheMeanOfEachRoundedBucket) {
  // Buckets are the rounded arrived share: 99.5 -> 100 (half to even), 100.4 -> 100, 101.5 -> 102.
  const std::vector<FgdEvent> events{{0, 0, 1}, {98, 90, 2}, {100, 94, 4}, {100, 96, 6}, {102, 97, 8}};
  const auto curve = reference_curve(events, 103, 0.5);
  ASSERT_EQ(curve.size(), 104u);
  EXPECT_DOUBLE_EQ(curve[100].allocated_pct, 95);  // mean of the two events of bucket 100
  EXPECT_DOUBLE_EQ(curve[100].fragmented_pct, 5);
  EXPECT_DOUBLE_EQ(curve[99].allocated_pct, (90 + 94 + 96) / 3.0);     // none at 99: buckets 98..100
  EXPECT_DOUBLE_EQ(curve[103].allocated_pct, 97);                      // none at 103: bucket 102
  EXPECT_DOUBLE_EQ(curve[50].allocated_pct, curve[49].allocated_pct);  // past every event: carried
  EXPECT_DOUBLE_EQ(curve[0].fragmented_pct, 1);
  for (int k = 0; k <= 103; ++k) EXPECT_EQ(curve[static_cast<std::size_t>(k)].arrived_pct, k);
}

TEST(FgdReferenceProtocol, AWholeRunIsDeterministicAndEndsAtTheTarget) {
  const SharingTrace s = sample();
  FgdExperimentConfig cfg;
  cfg.placement.tie_break = TieBreak::NodePermutation;
  cfg.placement.scores = ScoreResolution::ReferenceInteger;
  cfg.arrivals = FgdArrivals::Reference;
  cfg.reading = FgdReading::Reference;
  const auto M = target_workload(s.tasks);
  for (const std::string policy : {"fgd", "best-fit", "random-fit"}) {
    const FgdRunResult a = run_fgd_experiment(s, M, policy, 5, cfg), b = run_fgd_experiment(s, M, policy, 5, cfg);
    EXPECT_EQ(a, b) << policy;
    EXPECT_EQ(a.curve.size(), 131u);
    // The sample asks for more than 130 %: tuned down, a subset of the list at most at the target.
    EXPECT_LT(a.tasks_arrived, s.tasks.size());
    EXPECT_LE(100 * a.gpu_milli_arrived, 130 * s.gpu_count * 1000);
  }
  int64_t listed = 0;
  for (const SharingTask& task : s.tasks) listed += task.gpu_milli_total();
  EXPECT_GT(100 * listed, 130 * s.gpu_count * 1000);
}

}  // namespace
}  // namespace hetsim
