// The checkpoint arithmetic of a run segment (sim/perf/checkpoint.hpp), by hand.
#include <gtest/gtest.h>

#include "hetsim/perf/checkpoint.hpp"

using namespace hetsim;

TEST(Checkpoint, TransferAndResumeFollowModelSizeAndBandwidth) {
  Job j;
  j.model.params = 7e9;
  CheckpointModel m;                                          // 14 B per param at 80 Gb/s, 30 s to relaunch
  EXPECT_DOUBLE_EQ(m.transfer_s(j), 7e9 * 14 * 8 / 80e9);     // 9.8 s
  EXPECT_DOUBLE_EQ(m.resume_s(j, true, true), 30 + 2 * 9.8);  // the write at the preemption, then the read
  EXPECT_DOUBLE_EQ(m.resume_s(j, true, false), 30 + 9.8);     // a periodic checkpoint: only the read
  EXPECT_DOUBLE_EQ(m.resume_s(j, false, false), 30);          // nothing kept: only the relaunch
}

TEST(Checkpoint, PeriodicSegmentPausesAfterEachIntervalButNotAtTheEnd) {
  const Segment s{6, 1000, 1, 40};        // resume 6 s, train 1000 s, write 1 s every 40 s
  EXPECT_DOUBLE_EQ(s.checkpoints(), 24);  // at 40, 80, ..., 960 s of training
  EXPECT_DOUBLE_EQ(s.wall_s(), 6 + 1000 + 24);
  const Segment exact{0, 80, 1, 40};
  EXPECT_DOUBLE_EQ(exact.checkpoints(), 1);  // none when training ends on the boundary
  EXPECT_DOUBLE_EQ(Segment({0, 1000, 1, 0}).wall_s(), 1000);
}

TEST(Checkpoint, PreemptionKeepsWorkUpToTheLastCompleteCheckpoint) {
  const Segment s{0, 1000, 1, 40};
  // 100 s in: two cycles of 40 s training + 1 s write (82 s), then 18 s of training.
  EXPECT_DOUBLE_EQ(s.trained_at(100), 98);
  EXPECT_DOUBLE_EQ(s.kept_at(100), 80);
  EXPECT_DOUBLE_EQ(s.lost_at(100), 18);
  // During a write the training of that interval is not yet kept.
  EXPECT_DOUBLE_EQ(s.kept_at(40.5), 0);
  EXPECT_DOUBLE_EQ(s.lost_at(40.5), 40.5);
  // A resumed segment loses its restart cost too when no checkpoint completed.
  const Segment r{6, 1000, 1, 40};
  EXPECT_DOUBLE_EQ(r.trained_at(3), 0);
  EXPECT_DOUBLE_EQ(r.lost_at(30), 30);
  EXPECT_DOUBLE_EQ(r.kept_at(6 + 41), 40);
  EXPECT_DOUBLE_EQ(r.lost_at(6 + 41 + 5), 5);
}

TEST(Checkpoint, WithoutPeriodicCheckpointsNothingIsLost) {
  const Segment s{7, 1000, 1, 0};
  EXPECT_DOUBLE_EQ(s.trained_at(100), 93);
  EXPECT_DOUBLE_EQ(s.kept_at(100), 93);
  EXPECT_DOUBLE_EQ(s.lost_at(100), 0);
  EXPECT_DOUBLE_EQ(s.kept_at(5000), 1000);
}
