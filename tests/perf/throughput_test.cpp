#include <gtest/gtest.h>

#include "../support/mini_model.hpp"
#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/perf/throughput.hpp"

using namespace hetsim;

namespace {
ModelWork train_7b() {
  ModelWork w;
  w.params = 7e9;
  w.tokens_per_step = 4e6;
  w.flops_per_param_token = 6;
  w.trains = true;
  return w;
}
}  // namespace

TEST(Throughput, ComputeBoundStepMatchesFormula) {
  const ChipSpec fast = test::chip("fast", 400, 80);
  const AllocationShape one = packed_shape(0, 1, 8, 1600, 2);
  const StepTime t = step_time(train_7b(), fast, one, PerfParams{});
  EXPECT_DOUBLE_EQ(t.compute_s, 6 * 7e9 * 4e6 / (400e12 * 0.5));
  EXPECT_DOUBLE_EQ(t.intra_node_comm_s, 0);
  EXPECT_DOUBLE_EQ(t.total_s, std::max(t.compute_s, t.memory_s));
}

TEST(Throughput, FasterChipFinishesSooner) {
  const AllocationShape s = packed_shape(0, 8, 8, 1600, 2);
  const double fast = step_time(train_7b(), test::chip("fast", 400, 80), s, {}).total_s;
  const double slow = step_time(train_7b(), test::chip("slow", 100, 80), s, {}).total_s;
  EXPECT_LT(fast, slow);
}

TEST(Throughput, SpanningNodesCostsMoreAndSpanningSitesMuchMore) {
  const ChipSpec c = test::chip("fast", 400, 80);
  AllocationShape one_node = packed_shape(0, 8, 8, 1600, 2);
  AllocationShape two_nodes = one_node;
  two_nodes.nodes = 2;
  two_nodes.max_cards_per_node = 4;
  two_nodes.inter_node_gbps = 1600;
  two_nodes.inter_node_latency_us = 4;
  AllocationShape two_sites = two_nodes;
  two_sites.sites = 2;
  two_sites.inter_site_gbps = 10;
  two_sites.inter_site_latency_us = 500;
  const double t1 = step_time(train_7b(), c, one_node, {}).total_s;
  const double t2 = step_time(train_7b(), c, two_nodes, {}).total_s;
  const double t3 = step_time(train_7b(), c, two_sites, {}).total_s;
  EXPECT_LT(t1, t2);
  EXPECT_LT(t2, t3);
  EXPECT_GT(t3 - t1, 10 * (t2 - t1));  // 10 Gb/s vs 1.6 Tb/s
  PerfParams overlap;
  overlap.comm_overlap = 0.5;
  EXPECT_LT(step_time(train_7b(), c, two_sites, overlap).total_s, t3);
}

TEST(Throughput, InferenceHasNoGradientSync) {
  ModelWork w = train_7b();
  w.trains = false;
  w.flops_per_param_token = 2;
  AllocationShape s = packed_shape(0, 16, 8, 1600, 2);
  const StepTime t = step_time(w, test::chip("fast", 400, 80), s, {});
  EXPECT_EQ(t.intra_node_comm_s + t.inter_node_comm_s, 0);
}

TEST(Throughput, MemoryBoundWhenBatchIsTiny) {
  ModelWork w = train_7b();
  w.tokens_per_step = 1;
  const StepTime t = step_time(w, test::chip("fast", 400, 80), packed_shape(0, 1, 8, 1600, 2), {});
  EXPECT_GT(t.memory_s, t.compute_s);
  EXPECT_DOUBLE_EQ(t.total_s, t.memory_s);
}

TEST(Throughput, MemoryFitShardsStateOverTheGang) {
  Job j = test::job(0, 0, 1);
  j.model.params = 7e9;  // 16 B/param -> 112 GB on one card
  const ChipSpec c80 = test::chip("fast", 400, 80);
  EXPECT_FALSE(fits_memory(j, c80, {}));
  j.cards = 2;  // 56 GB per card <= 72 GB usable
  EXPECT_TRUE(fits_memory(j, c80, {}));
  PerfParams tight;
  tight.memory_usable_fraction = 0.5;
  EXPECT_FALSE(fits_memory(j, c80, tight));
}

TEST(Throughput, RuntimeIsStepsTimesStepTimeRoundedUp) {
  Job j = test::job(0, 0, 1, 1000);
  const ChipSpec c = test::chip("fast", 400, 80);
  const AllocationShape s = packed_shape(0, 1, 8, 1600, 2);
  const double step = step_time(j.model, c, s, {}).total_s;
  const SimTime rt = job_runtime(j, c, s, {});
  EXPECT_GE(rt.seconds(), 1000 * step);
  EXPECT_LT(rt.seconds(), 1000 * step + 2e-6);
}

// The estimate floor the backfill scan rules jobs out by (docs/performance.md "Busy regime"):
// never above the step time of any shape of the gang on the chip, communication included.
TEST(Throughput, StepTimeFloorIsBelowEveryShapeOfTheGang) {
  const ChipSpec c = test::chip("fast", 400, 80);
  for (ModelWork w : {train_7b(), ModelWork{}}) {
    if (w.params == 0) w = ModelWork{1e9, 1e4, 2, 2, 0, false};  // inference: memory bound
    for (uint32_t cards : {1u, 8u, 16u, 64u}) {
      const double floor = step_time_floor_s(w, c, cards);
      for (const PerfParams& p : {PerfParams{0.0, 0.9}, PerfParams{0.9, 0.9}}) {
        AllocationShape s = packed_shape(0, cards, 8, 1600, 2);
        EXPECT_LE(floor, step_time(w, c, s, p).total_s) << cards;
        s.nodes = cards;  // one card per node, over two sites on a slow link
        s.max_cards_per_node = 1;
        s.inter_node_gbps = 100;
        s.sites = 2;
        s.inter_site_gbps = 1;
        s.inter_site_latency_us = 1000;
        EXPECT_LE(floor, step_time(w, c, s, p).total_s) << cards;
        // And it is the step time of a shape without communication.
        AllocationShape quiet = single_node_shape(0, cards);
        quiet.max_cards_per_node = 1;
        EXPECT_EQ(floor, step_time(w, c, quiet, p).total_s) << cards;
      }
    }
  }
}

// A single-grant allocation's shape is single_node_shape of its chip and cards, on any node.
TEST(AllocationShape, OneNodeIsItsChipAndCardsWhereverItIs) {
  SimulationModel m = test::mini_model(2);
  m.cluster.add_pool(0, 0, 0, 4, 8, 128000, 1 << 20, 2);
  m.cluster.add_pool(1, 0, 1, 4, 8, 128000, 1 << 20, 2);
  test::finish_topology(m);
  for (NodeId n = 0; n < m.cluster.node_count(); ++n) {
    for (uint32_t mask : {0b1u, 0b1011u, 0xFFu}) {
      const Allocation a{NodeGrant{n, mask, kMilliPerCard, 0, 0}};
      EXPECT_EQ(shape_of(a, m.cluster, m.topology),
                single_node_shape(m.cluster.node_chip(n), static_cast<uint32_t>(card_count(mask))));
    }
  }
}
