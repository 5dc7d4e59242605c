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

// Worked by hand: a model of width h = 4096 at aspect ratio 128 has L = 32 layers and
// params = 12 L h^2 = 6,442,450,944; at s = 4096 attention adds 12 L h s = 6,442,450,944 FLOPs per
// token when training (the same number), a third of it forward only (4 L h s).
TEST(Throughput, AttentionAddsTheSequenceTermWorkedByHand) {
  const double params = 6442450944.0;
  EXPECT_NEAR(dense_attention_flops_per_token(params, 4096, 6), 6442450944.0, 1e-3);
  EXPECT_NEAR(dense_attention_flops_per_token(params, 4096, 2), 6442450944.0 / 3, 1e-3);
  EXPECT_NEAR(dense_attention_flops_per_token(params, 2048, 6), 6442450944.0 / 2, 1e-3);
  EXPECT_EQ(dense_attention_flops_per_token(params, 0, 6), 0);  // seq_len 0: left out
  EXPECT_EQ(dense_attention_flops_per_token(0, 4096, 6), 0);    // measured jobs carry no model

  ModelWork w = train_7b();
  w.params = params;
  const ChipSpec fast = test::chip("fast", 400, 80);
  const AllocationShape one = packed_shape(0, 1, 8, 1600, 2);
  const double without = step_time(w, fast, one, {}).compute_s;
  w.attention_flops_per_token = dense_attention_flops_per_token(params, 4096, 6);
  const StepTime with = step_time(w, fast, one, {});
  EXPECT_DOUBLE_EQ(with.compute_s, 7 * params * 4e6 / (400e12 * 0.5));  // 6 P + P per token
  EXPECT_DOUBLE_EQ(with.compute_s / without, 7.0 / 6.0);
  EXPECT_EQ(step_time_floor_s(w, fast, 1), with.total_s);  // the floor counts it too
}

// Gradient sync worked by hand for 7e9 parameters (14e9 bytes of BF16 gradients = 1.12e11 bits).
// The test chip's link is 400 GB/s bidirectional, so a ring runs at 200 GB/s = 1,600 Gb/s with
// 1 us per step; ring(P, d) = 2 (d - 1) / d x P / bw + 2 (d - 1) x latency.
TEST(Throughput, CommunicationTimesWorkedByHand) {
  const ChipSpec c = test::chip("fast", 400, 80);
  // 8 cards on one node: 1.75 x 1.12e11 / 1.6e12 = 0.1225 s, + 14 x 1 us.
  const StepTime one = step_time(train_7b(), c, packed_shape(0, 8, 8, 1600, 2), {});
  EXPECT_NEAR(one.intra_node_comm_s, 0.122514, 1e-12);
  EXPECT_EQ(one.inter_node_comm_s, 0);
  // Two nodes of 4 cards, 1,600 Gb/s NICs, 4 us a hop. Inside: 1.5 x 0.07 s + 6 us = 0.105006 s;
  // across: 1 x 1.12e11 / 1.6e12 = 0.07 s + 2 x 4 us = 0.070008 s.
  AllocationShape two = packed_shape(0, 8, 8, 1600, 2);
  two.nodes = 2;
  two.max_cards_per_node = 4;
  two.inter_node_gbps = 1600;
  two.inter_node_latency_us = 4;
  const StepTime t2 = step_time(train_7b(), c, two, {});
  EXPECT_NEAR(t2.intra_node_comm_s, 0.105006, 1e-12);
  EXPECT_NEAR(t2.inter_node_comm_s, 0.070008, 1e-12);
  EXPECT_NEAR(t2.total_s, t2.compute_s + 0.175014, 1e-9);
  // The same two nodes in two sites over 10 Gb/s and 500 us: 1.12e11 / 1e10 = 11.2 s + 2 x 500 us.
  two.sites = 2;
  two.inter_site_gbps = 10;
  two.inter_site_latency_us = 500;
  EXPECT_NEAR(step_time(train_7b(), c, two, {}).inter_node_comm_s, 11.201, 1e-9);
  // Without peer-to-peer the server's ring runs at half its rate: 1.75 x 1.12e11 / 0.8e12 = 0.245 s.
  ChipSpec no_p2p = c;
  no_p2p.peer_to_peer = false;
  EXPECT_NEAR(step_time(train_7b(), no_p2p, packed_shape(0, 8, 8, 1600, 2), {}).intra_node_comm_s, 0.245014, 1e-12);
  // Half of it hidden behind compute.
  PerfParams half;
  half.comm_overlap = 0.5;
  const StepTime h = step_time(train_7b(), c, two, half);
  EXPECT_NEAR(h.total_s, h.compute_s + 0.5 * (0.105006 + 11.201), 1e-9);
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
