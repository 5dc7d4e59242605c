// RunBook alone (sim/run/run_book.hpp): a job's runs across a stop, with the checkpoint
// arithmetic worked by hand. The job: 1000 steps of 1 s; a checkpoint every 40 s of training
// takes 1 s to write (1e9 parameters x 10 B at 80 Gb/s).
#include <gtest/gtest.h>

#include "hetsim/run/run_book.hpp"

using namespace hetsim;

namespace {

Job thousand_steps() {
  Job j;
  j.id = 0;
  j.cards = 1;
  j.steps = 1000;
  j.model.params = 1e9;
  return j;
}

CheckpointModel every_40s() {
  CheckpointModel c;
  c.interval_s = 40;
  c.bytes_per_param = 10;
  c.storage_gbps = 80;
  return c;
}

Event completion_of(const RunBook& b, JobId id) {
  Event e;
  e.subject = id;
  e.payload = b.stamp(id);
  return e;
}

}  // namespace

TEST(RunBook, ARunStoppedAndResumedKeepsItsCheckpointedWork) {
  const Job j = thousand_steps();
  const CheckpointModel cp = every_40s();
  RunBook book(1, cp);
  ASSERT_TRUE(book.active());
  double est = 1000;
  // First run: 1000 s of training and 24 writes (the last at 960 s of training).
  EXPECT_EQ(book.plan(j, 1.0, SimTime::zero(), est), SimTime::from_s(1024));
  EXPECT_DOUBLE_EQ(est, 1000 + 24);
  const Event first = completion_of(book, 0);
  EXPECT_FALSE(book.resumed(0));
  EXPECT_DOUBLE_EQ(book.remaining_fraction(j, SimTime::from_s(50), true), 1 - 49.0 / 1000);  // 1 s written
  // Stopped at 100 s: the checkpoints at 41 and 82 s hold 80 s of training; 18 s are lost.
  const Segment seg = book.segment(j);
  EXPECT_DOUBLE_EQ(seg.kept_at(100), 80);
  book.stop(j, SimTime::from_s(100), seg.kept_at(100));
  EXPECT_FALSE(book.is_current(first));  // its completion is stale
  EXPECT_TRUE(book.resumed(0));
  EXPECT_DOUBLE_EQ(book[0].done_steps, 80);
  EXPECT_DOUBLE_EQ(book.executed_s(0, SimTime::from_s(150), false), 100);
  EXPECT_DOUBLE_EQ(book.remaining_fraction(j, SimTime::from_s(150), false), 0.92);
  // Resumed at 200 s paying 6 s: 920 s of training and 22 writes.
  book[0].next_resume_s = 6;
  est = 1000;
  EXPECT_EQ(book.plan(j, 1.0, SimTime::from_s(200), est), SimTime::from_s(6 + 920 + 22));
  EXPECT_DOUBLE_EQ(est, 920 + 6 + 22);
  EXPECT_EQ(book.run_started(0, SimTime::from_s(300)), SimTime::from_s(206));
  EXPECT_TRUE(book.is_current(completion_of(book, 0)));
  book.complete(j, SimTime::from_s(200 + 948));
  EXPECT_DOUBLE_EQ(book.executed_s(0, SimTime::from_s(2000), false), 100 + 948);
  EXPECT_DOUBLE_EQ(book.remaining_fraction(j, SimTime::from_s(2000), false), 0);
}

TEST(RunBook, WorkIsKeptOnceACheckpointIsWritten) {
  const Job j = thousand_steps();
  const CheckpointModel cp = every_40s();
  RunBook book(1, cp);
  double est = 1000;
  book.plan(j, 1.0, SimTime::zero(), est);
  EXPECT_FALSE(book.keeps_work(j, SimTime::from_s(30)));  // the first write ends at 41 s
  EXPECT_TRUE(book.keeps_work(j, SimTime::from_s(41)));
  book[0].staging = 1;  // copying its data: nothing trained, nothing to lose
  EXPECT_TRUE(book.keeps_work(j, SimTime::from_s(30)));
}

TEST(RunBook, InactiveItStillChargesEveryRunItsCheckpoints) {
  const Job j = thousand_steps();
  const CheckpointModel cp = every_40s();
  RunBook book(0, cp);
  EXPECT_FALSE(book.active());
  EXPECT_EQ(book.stamp(0), 0u);
  double est = 1000;
  EXPECT_EQ(book.plan(j, 1.0, SimTime::zero(), est), SimTime::from_s(1024));
  CheckpointModel none;
  RunBook plain(0, none);
  est = 1000;
  EXPECT_EQ(plain.plan(j, 1.0, SimTime::zero(), est), SimTime::from_s(1000));
  EXPECT_DOUBLE_EQ(est, 1000);
}
