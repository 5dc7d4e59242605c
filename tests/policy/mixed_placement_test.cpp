// Mixed placement (policy/placement/mixed_placement.hpp): gangs spanning chip types in one site.
#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "hetsim/policy/placement/mixed_placement.hpp"

using namespace hetsim;

namespace {

// Takes `cards` free cards of node n (lowest first).
void occupy(Cluster& c, NodeId n, uint32_t cards) { c.allocate({grant_cards(c, test::job(0, 0, cards), n, cards)}); }

// Three chips at site 0: fast (4 nodes x 8), slow (6 x 8), third (3 x 8); site 1: fast (8 x 8).
SimulationModel three_chip_model() {
  SimulationModel m = test::mini_model(2);
  m.chips.add_or_replace(test::chip("third", 200, 64));
  m.cluster = Cluster(m.chips.size());
  m.cluster.add_site("site0");
  m.cluster.add_site("site1");
  m.cluster.add_provider("prov");
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 4);  // nodes 0..3
  m.cluster.add_pool(0, 0, 1, 6, 8, 128000, 1 << 20, 4);  // nodes 4..9
  m.cluster.add_pool(0, 0, 2, 3, 8, 128000, 1 << 20, 4);  // nodes 10..12
  m.cluster.add_pool(1, 0, 0, 8, 8, 128000, 1 << 20, 4);  // nodes 13..20
  test::finish_topology(m);
  return m;
}

Job mixer(uint32_t cards) {
  Job j = test::job(0, 0, cards);
  j.may_mix_chips = true;
  return j;
}

struct Recorder {
  std::vector<std::vector<ChipCount>> asked;
  double eta = 0.9;
  MixEfficiencyFn fn() {
    return [this](std::span<const ChipCount> mix) {
      asked.emplace_back(mix.begin(), mix.end());
      return eta;
    };
  }
};

std::vector<ChipCount> mix_of(const Allocation& a, const Cluster& c) { return chip_mix(a, c); }

}  // namespace

TEST(MixedPlacement, TakesTheTypesWithMostFreeCardsUntilTheGangIsFull) {
  SimulationModel m = three_chip_model();
  for (NodeId n = 13; n <= 20; ++n) occupy(m.cluster, n, 8);  // site 1 busy
  occupy(m.cluster, 0, 8);
  occupy(m.cluster, 1, 8);  // fast at site 0: 16 free
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  Recorder rec;
  Allocation a;
  ASSERT_TRUE(find_mixed_placement(mixer(60), in, 2, {}, rec.fn(), a));
  // slow has 48 free, third 24, fast 16: slow 48 + third 12.
  const std::vector<ChipCount> want{{1, 48}, {2, 12}};
  EXPECT_EQ(mix_of(a, m.cluster), want);
  ASSERT_EQ(rec.asked.size(), 1u);
  EXPECT_EQ(rec.asked[0], want);
  EXPECT_EQ(allocation_cards(a), 60u);
  for (const NodeGrant& g : a) EXPECT_EQ(m.cluster.node_site(g.node), 0u);
  // Third group: most-free nodes first, lowest ids first -> 8 on node 10, 4 on node 11.
  uint32_t on10 = 0, on11 = 0;
  for (const NodeGrant& g : a) {
    if (g.node == 10) on10 = static_cast<uint32_t>(__builtin_popcount(g.card_mask));
    if (g.node == 11) on11 = static_cast<uint32_t>(__builtin_popcount(g.card_mask));
  }
  EXPECT_EQ(on10, 8u);
  EXPECT_EQ(on11, 4u);
  EXPECT_TRUE(m.cluster.check(a).empty()) << m.cluster.check(a);
}

TEST(MixedPlacement, RespectsTheTypeLimitPermissionEfficiencyAndCaps) {
  SimulationModel m = three_chip_model();
  for (NodeId n = 13; n <= 20; ++n) occupy(m.cluster, n, 8);
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  Recorder rec;
  Allocation a;
  // 100 cards: slow 48 + fast 32 = 80 < 100 with two types; all three give 104.
  EXPECT_FALSE(find_mixed_placement(mixer(100), in, 2, {}, rec.fn(), a));
  ASSERT_TRUE(find_mixed_placement(mixer(100), in, 3, {}, rec.fn(), a));
  EXPECT_EQ(mix_of(a, m.cluster).size(), 3u);
  // A job that may not mix, or a mix without a plan, gets nothing.
  Job plain = mixer(60);
  plain.may_mix_chips = false;
  EXPECT_FALSE(find_mixed_placement(plain, in, 2, {}, rec.fn(), a));
  rec.eta = 0;
  EXPECT_FALSE(find_mixed_placement(mixer(60), in, 2, {}, rec.fn(), a));
  rec.eta = 0.9;
  // Chips the job may not use (allowed set, or memory per card) are left out.
  Job fast_and_third = mixer(60);
  fast_and_third.allowed_chips = 0b101;
  EXPECT_FALSE(find_mixed_placement(fast_and_third, in, 2, {}, rec.fn(), a));  // 32 + 24 < 60
  // Caps: slow nodes 4..9 may give 4 cards each -> slow 24, fast 32: 56 < 60 with two types.
  std::vector<NodeCap> caps;
  for (NodeId n = 4; n <= 9; ++n) caps.push_back({n, 4});
  EXPECT_FALSE(find_mixed_placement(mixer(60), in, 2, caps, rec.fn(), a));
  ASSERT_TRUE(find_mixed_placement(mixer(56), in, 2, caps, rec.fn(), a));
  for (const NodeGrant& g : a) {
    if (g.node >= 4 && g.node <= 9) {
      EXPECT_LE(__builtin_popcount(g.card_mask), 4);
    }
  }
}

TEST(MixedPlacement, OneTypeThatSufficesIsNotAMixAndSitesRankByTypesThenEfficiency) {
  SimulationModel m = three_chip_model();
  const PlacementInput in{&m.cluster, &m.chips, &m.perf};
  Recorder rec;
  Allocation a;
  // 40 cards: slow alone holds them at site 0 and fast alone at site 1. That is the homogeneous
  // placement's business (even across two pools of one chip), so nothing is mixed or planned.
  EXPECT_FALSE(find_mixed_placement(mixer(40), in, 2, {}, rec.fn(), a));
  EXPECT_TRUE(rec.asked.empty());
  // 70 cards: site 0 mixes slow 48 + fast 22; site 1 (fast only, 64) cannot.
  ASSERT_TRUE(find_mixed_placement(mixer(70), in, 2, {}, rec.fn(), a));
  for (const NodeGrant& g : a) EXPECT_EQ(m.cluster.node_site(g.node), 0u);
  // Two sites that can both mix: the higher efficiency wins, then the lower site id.
  SimulationModel two = three_chip_model();
  two.cluster = Cluster(two.chips.size());
  two.cluster.add_site("a");
  two.cluster.add_site("b");
  two.cluster.add_provider("p");
  two.cluster.add_pool(0, 0, 0, 2, 8, 128000, 1 << 20, 4);
  two.cluster.add_pool(0, 0, 1, 2, 8, 128000, 1 << 20, 4);
  two.cluster.add_pool(1, 0, 0, 2, 8, 128000, 1 << 20, 4);
  two.cluster.add_pool(1, 0, 2, 2, 8, 128000, 1 << 20, 4);
  test::finish_topology(two);
  const PlacementInput in2{&two.cluster, &two.chips, &two.perf};
  const MixEfficiencyFn third_is_better = [](std::span<const ChipCount> mix) {
    return mix.back().chip == 2 ? 0.95 : 0.9;
  };
  ASSERT_TRUE(find_mixed_placement(mixer(24), in2, 2, {}, third_is_better, a));
  EXPECT_EQ(two.cluster.node_site(a.front().node), 1u);
  const MixEfficiencyFn equal = [](std::span<const ChipCount>) { return 0.9; };
  ASSERT_TRUE(find_mixed_placement(mixer(24), in2, 2, {}, equal, a));
  EXPECT_EQ(two.cluster.node_site(a.front().node), 0u);
}
