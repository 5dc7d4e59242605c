// Each sharing policy on hand-made nodes where its definition dictates the choice (docs/fgd.md).
#include <gtest/gtest.h>

#include <bit>
#include <initializer_list>
#include <set>
#include <stdexcept>

#include "hetsim/policy/sharing/sharing_policies.hpp"

namespace hetsim {
namespace {

SharingNode make_node(std::initializer_list<uint16_t> free, int64_t cpu = 64000) {
  SharingNode n;
  n.cpu_free_milli = cpu;
  n.mem_free_mib = 262144;
  for (uint16_t f : free) n.gpu_free_milli[n.gpus++] = f;
  return n;
}
SharingTask frac(uint32_t milli, int64_t cpu = 4000) { return {cpu, 0, 1, milli}; }
SharingTask whole(uint32_t k, int64_t cpu = 4000) { return {cpu, 0, k, 1000}; }

using Choice = std::pair<NodeId, GpuChoice>;

Choice place(const std::string& policy, const std::vector<SharingNode>& nodes, const SharingTask& t,
             std::vector<TaskType> M = {}) {
  Rng rng(1);
  auto p = make_sharing_placement(policy, std::move(M));
  const auto c = p->place(nodes, t, rng);
  EXPECT_TRUE(c.has_value());
  return c.value_or(Choice{kNoNode, {}});
}

TEST(Fgd, PicksLeastFragmentationIncreaseWhereBestFitPicksTightest) {
  // Workload of 0.3-GPU tasks. A 0.5 task on node 1 (0.6 free) leaves 0.1 no one can use;
  // on node 0 (0.8 free) it leaves 0.3, still usable. Best-fit takes the tighter node 1.
  const std::vector<TaskType> M{{frac(300), 1.0}};
  const std::vector<SharingNode> nodes{make_node({800}), make_node({600})};
  EXPECT_EQ(place("fgd", nodes, frac(500), M), (Choice{0, {0b1, 500}}));
  EXPECT_EQ(place("best-fit", nodes, frac(500)), (Choice{1, {0b1, 500}}));
}

TEST(Fgd, ChoosesTheGpuWithinANode) {
  const std::vector<TaskType> M{{frac(300), 1.0}};
  const std::vector<SharingNode> nodes{make_node({600, 800})};
  EXPECT_EQ(place("fgd", nodes, frac(500), M), (Choice{0, {0b10, 500}}));    // leaves 0.3
  EXPECT_EQ(place("best-fit", nodes, frac(500)), (Choice{0, {0b01, 500}}));  // smallest fit
}

TEST(Fgd, WholeGpuTaskKeepsFreeGpusTogetherAndTiesGoToLowestId) {
  // Whole-GPU workload: taking a GPU from node 0 (1 free + a partial) strands nothing more;
  // on node 1 (2 free) it does not either; node 2 is identical to node 1 -> lowest id among equals.
  const std::vector<TaskType> M{{whole(2), 0.5}, {whole(1), 0.5}};
  const std::vector<SharingNode> nodes{make_node({1000, 500}), make_node({1000, 1000}), make_node({1000, 1000})};
  // node 0: F 0.5*1500 + 0.5*500 = 1000 -> after {0,500}: 500; delta -500.
  // node 1: F 0 -> after {0,1000}: 0.5*1000 = 500; delta +500.
  EXPECT_EQ(place("fgd", nodes, whole(1), M), (Choice{0, {0b01, 1000}}));
  const std::vector<SharingNode> same{make_node({1000, 1000}), make_node({1000, 1000})};
  EXPECT_EQ(place("fgd", same, whole(1), M).first, 0U);
}

TEST(Fgd, CacheFollowsNodeChanges) {
  // Place repeatedly; each answer must equal a fresh policy's answer on the same state.
  const std::vector<TaskType> M{{frac(300), 0.4}, {frac(500), 0.3}, {whole(1), 0.3}};
  std::vector<SharingNode> nodes{make_node({1000, 1000}), make_node({700, 1000}), make_node({400})};
  auto fgd = make_sharing_placement("fgd", M);
  Rng rng(3);
  const SharingTask seq[] = {frac(300), frac(500), whole(1), frac(300), frac(200), frac(500)};
  for (const auto& t : seq) {
    const auto c = fgd->place(nodes, t, rng);
    ASSERT_TRUE(c);
    EXPECT_EQ(*c, place("fgd", nodes, t, M));
    nodes[c->first] = after(nodes[c->first], t, c->second);
    if (&t != &seq[2]) fgd->on_placed(c->first, nodes[c->first]);  // one skipped notice: still exact
  }
}

TEST(BestFit, WeighsCpuAndGpuLeftoversEqually) {
  // GPU-only best fit would take node 0 (no GPU left after); node 1 leaves far less CPU.
  const std::vector<SharingNode> nodes{make_node({1000}, 64000), make_node({1000, 1000}, 8000)};
  // node 0: 0.5*60000/128000 = 0.234; node 1: 0.5*4000/128000 + 0.5*1000/8000 = 0.141.
  EXPECT_EQ(place("best-fit", nodes, whole(1)).first, 1U);
}

TEST(DotProduct, PicksTheSmallestNormalisedDotProduct) {
  // node 0: (100000*8000/128000^2 + 1000*1000/8000^2)/2 = 0.0322
  // node 1: ( 10000*8000/128000^2 + 4000*1000/8000^2)/2 = 0.0337 -> node 0; best-fit: node 1.
  const std::vector<SharingNode> nodes{make_node({1000}, 100000), make_node({1000, 1000, 1000, 1000}, 10000)};
  EXPECT_EQ(place("dot-product", nodes, whole(1, 8000)), (Choice{0, {0b1, 1000}}));
  EXPECT_EQ(place("best-fit", nodes, whole(1, 8000)).first, 1U);
}

TEST(GpuPacking, PrefersSharedGpusThenUsedNodesThenFreeNodes) {
  const SharingNode free2 = make_node({1000, 1000});
  const SharingNode used = make_node({1000, 400});  // a 0.5 task needs its free GPU
  const SharingNode shared = make_node({600, 0});
  EXPECT_EQ(place("gpu-packing", {free2, used, shared}, frac(500)), (Choice{2, {0b01, 500}}));
  EXPECT_EQ(place("gpu-packing", {free2, used}, frac(500)), (Choice{1, {0b01, 500}}));
  // Tier 3: the entirely free node with fewer GPUs.
  EXPECT_EQ(place("gpu-packing", {make_node({1000, 1000, 1000, 1000}), free2}, frac(500)).first, 1U);
  // Tier 1: the shared GPU with the least free share.
  EXPECT_EQ(place("gpu-packing", {make_node({700, 0}), make_node({0, 550})}, frac(500)), (Choice{1, {0b10, 500}}));
  // Tier 2: fewer fully free GPUs used.
  EXPECT_EQ(place("gpu-packing", {make_node({1000, 1000, 0}), make_node({1000, 300, 1000})}, whole(1)).first, 0U);
}

TEST(GpuClustering, GroupsTasksWithTheSameGpuRequest) {
  auto p = make_sharing_placement("gpu-clustering", {});
  Rng rng(1);
  std::vector<SharingNode> nodes(3, make_node({1000, 1000}));
  auto step = [&](const SharingTask& t) {
    const auto c = p->place(nodes, t, rng);
    EXPECT_TRUE(c);
    nodes[c->first] = after(nodes[c->first], t, c->second);
    p->on_placed(c->first, nodes[c->first]);
    return c->first;
  };
  EXPECT_EQ(step(frac(300)), 0U);  // all idle: equal, lowest id
  EXPECT_EQ(step(whole(1)), 1U);   // node 0 hosts another class: an idle node is better
  // Node 1 has less free GPU (1000 vs 1700), but node 0 hosts only sharing tasks.
  EXPECT_EQ(step(frac(300)), 0U);
  EXPECT_EQ(place("best-fit", nodes, frac(300)).first, 1U);
  EXPECT_EQ(step(whole(1)), 1U);
  // Node 1 (only 1-GPU tasks) is now full; node 0 still has a free GPU but hosts sharing tasks,
  // so the idle node 2 comes first.
  EXPECT_EQ(step(whole(1)), 2U);
}

TEST(RandomFit, DeterministicPerSeedAndAlwaysFeasible) {
  std::vector<SharingNode> nodes{make_node({200}), make_node({1000, 600}), make_node({1000}, 1000),
                                 make_node({900, 900}), make_node({})};
  auto run = [&](uint64_t seed) {
    auto p = make_sharing_placement("random-fit", {});
    Rng rng(seed);
    std::vector<Choice> out;
    for (int i = 0; i < 200; ++i) out.push_back(*p->place(nodes, frac(500), rng));
    return out;
  };
  const auto a = run(11), b = run(11), c = run(12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::set<std::pair<NodeId, uint32_t>> seen;
  for (const auto& [n, g] : a) {
    ASSERT_TRUE(n == 1 || n == 3) << n;  // node 0: GPU too small, 2: CPU, 4: no GPU
    EXPECT_GE(nodes[n].gpu_free_milli[std::countr_zero(g.gpu_mask)], 500);
    seen.emplace(n, g.gpu_mask);
  }
  EXPECT_EQ(seen.size(), 4U);  // node 1 GPUs 0 and 1, node 3 GPUs 0 and 1
  auto p = make_sharing_placement("random-fit", {});
  Rng rng(1);
  EXPECT_FALSE(p->place(nodes, whole(3), rng).has_value());
}

TEST(SharingPlacement, FactoryNamesAndErrors) {
  for (const auto& n : sharing_placement_names()) EXPECT_EQ(make_sharing_placement(n, {})->name(), n);
  try {
    make_sharing_placement("tetris", {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fgd, best-fit, dot-product, gpu-packing, gpu-clustering, random-fit"),
              std::string::npos);
  }
}

// ---- SharingOptions: tie-break rule and score resolution

TEST(SharingOptions, RandomTiesSpreadOverEqualNodesLowestIdDoesNot) {
  const std::vector<SharingNode> nodes(4, make_node({1000, 1000}));
  SharingOptions random_ties;
  random_ties.tie_break = TieBreak::Random;
  for (const std::string policy : {"best-fit", "dot-product", "gpu-packing", "gpu-clustering", "fgd"}) {
    const std::vector<TaskType> M{{whole(1), 1.0}};
    std::set<NodeId> lowest, random;
    for (uint64_t seed = 1; seed <= 64; ++seed) {
      Rng rng(seed);
      lowest.insert(make_sharing_placement(policy, M)->place(nodes, whole(1), rng)->first);
      random.insert(make_sharing_placement(policy, M, random_ties)->place(nodes, whole(1), rng)->first);
    }
    EXPECT_EQ(lowest, (std::set<NodeId>{0})) << policy;
    EXPECT_EQ(random, (std::set<NodeId>{0, 1, 2, 3})) << policy;  // 64 draws miss a node with p < 1e-7
  }
}

TEST(SharingOptions, RandomTiesNeverPickAWorseNode) {
  // Node 1 is strictly tighter for best-fit; random ties must not matter.
  const std::vector<SharingNode> nodes{make_node({1000, 1000}), make_node({1000}), make_node({1000, 1000})};
  SharingOptions o;
  o.tie_break = TieBreak::Random;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    EXPECT_EQ(make_sharing_placement("best-fit", {}, o)->place(nodes, whole(1), rng)->first, 1U);
  }
}

TEST(SharingOptions, ReferenceIntegerScoresMergeNearbyValues) {
  // best-fit: 0.5 (cpu_left)/128000 + 0.5 (gpu_left)/8000. Nodes 0 and 1 differ by 1 core
  // (0.4 points of the reference's 0..100 score), so they tie there and node 0 wins; exact
  // scoring takes the tighter node 1.
  const std::vector<SharingNode> nodes{make_node({1000, 1000}, 64000), make_node({1000, 1000}, 63000)};
  SharingOptions ref;
  ref.scores = ScoreResolution::ReferenceInteger;
  Rng rng(1);
  EXPECT_EQ(make_sharing_placement("best-fit", {})->place(nodes, whole(1), rng)->first, 1U);
  EXPECT_EQ(make_sharing_placement("best-fit", {}, ref)->place(nodes, whole(1), rng)->first, 0U);
  // fgd, M = {0.1-GPU tasks}, a 0.98 task. Node 0 (one free GPU): 20 milli left, too small:
  // +20. Node 1 (GPUs 990 and 1000 free): on GPU 0, 10 left: +10. Exact: node 1. The reference's
  // int(100 sigmoid(-delta / 1000)) is 49 for both, so they tie and node 0 wins.
  const std::vector<TaskType> M{{frac(100), 1.0}};
  const std::vector<SharingNode> k{make_node({1000}), make_node({990, 1000})};
  EXPECT_EQ(make_sharing_placement("fgd", M)->place(k, frac(980), rng)->first, 1U);
  EXPECT_EQ(make_sharing_placement("fgd", M, ref)->place(k, frac(980), rng)->first, 0U);
}

TEST(SharingOptions, ReferenceIntegerKeepsEachPolicysBandOrder) {
  // gpu-packing: shared GPU (band >= 50) beats a used node's free GPU (33..50) beats a free node.
  const std::vector<SharingNode> nodes{make_node({1000, 1000}), make_node({1000, 0}), make_node({600, 0})};
  SharingOptions ref;
  ref.scores = ScoreResolution::ReferenceInteger;
  Rng rng(1);
  EXPECT_EQ(make_sharing_placement("gpu-packing", {}, ref)->place(nodes, frac(500), rng)->first, 2U);
  EXPECT_EQ(make_sharing_placement("gpu-packing", {}, ref)->place(nodes, whole(1), rng)->first, 1U);
  // gpu-clustering: an idle node (25..50) beats nothing else here; with no history all nodes are
  // idle, so the one with least GPU left wins: 25 (8000 - left) / 8000 is 21 for node 2 (600 left)
  // and 18 for node 1 (1000 left).
  EXPECT_EQ(make_sharing_placement("gpu-clustering", {}, ref)->place(nodes, frac(500), rng)->first, 2U);
}

}  // namespace
}  // namespace hetsim

namespace hetsim {
namespace {
// FGD scores each distinct (node state, GPU choice) once and hands its score to the nodes in the
// same state: its choices must be those of scoring every candidate (FragmentationIndex::after),
// on random clusters where most nodes share a state with others.
TEST(Fgd, SharedScoresOfNodesInTheSameStateDecideAsScoringEachNode) {
  Rng gen(5);
  const std::vector<TaskType> M{{frac(250), 0.3}, {frac(500), 0.2}, {whole(1), 0.3}, {whole(2), 0.2}};
  const uint16_t levels[] = {0, 250, 500, 750, 1000};
  for (int round = 0; round < 200; ++round) {
    std::vector<SharingNode> nodes;
    for (int n = 0; n < 40; ++n) {
      const uint16_t a = levels[gen.below(5)], b = levels[gen.below(5)];
      nodes.push_back(make_node({a, b, 1000, 1000}, gen.below(4) == 0 ? 2000 : 64000));
    }
    const SharingTask t = gen.below(2) == 0 ? frac(static_cast<uint32_t>(levels[1 + gen.below(3)]))
                                            : whole(1 + static_cast<uint32_t>(gen.below(2)));
    Rng rng(1);
    auto fgd = make_sharing_placement("fgd", M);
    const auto got = fgd->place(nodes, t, rng);
    // Every candidate scored on its own: the least increase, the first node, the first GPU.
    FragmentationIndex index(M);
    std::optional<Choice> want;
    double best = 0;
    for (NodeId n = 0; n < nodes.size(); ++n) {
      if (!fits(nodes[n], t)) continue;
      const double before = index.node(n, nodes[n]);
      std::vector<GpuChoice> choices;
      if (!t.fractional()) {
        choices.push_back(best_fit_choice(nodes[n], t));
      } else {
        for (int g = 0; g < nodes[n].gpus; ++g) {
          if (nodes[n].gpu_free_milli[static_cast<std::size_t>(g)] >= t.gpu_milli)
            choices.push_back({1U << g, static_cast<uint16_t>(t.gpu_milli)});
        }
      }
      for (const GpuChoice& c : choices) {
        const double delta = index.after(n, nodes[n], t, c) - before;
        if (!want || delta < best) {
          want = Choice{n, c};
          best = delta;
        }
      }
    }
    ASSERT_EQ(got.has_value(), want.has_value()) << "round " << round;
    if (want) {
      ASSERT_EQ(got->first, want->first) << "round " << round;
      ASSERT_EQ(got->second, want->second) << "round " << round;
    }
  }
}
}  // namespace
}  // namespace hetsim
