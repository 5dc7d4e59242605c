#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

#include "hetsim/core/engine.hpp"
#include "hetsim/core/event_queue.hpp"

using namespace hetsim;

TEST(EventQueue, OrdersByTimeThenInsertionSequence) {
  EventQueue q;
  uint64_t seq = 0;
  // Interleave times so that ties are inserted out of time order.
  for (int round = 0; round < 3; ++round) {
    for (int t : {5, 1, 3, 1, 5}) q.push(Event{SimTime::from_us(t), seq++, 0, static_cast<uint32_t>(seq), 0});
  }
  std::vector<Event> out;
  while (!q.empty()) out.push_back(q.pop());
  ASSERT_EQ(out.size(), 15u);
  for (std::size_t i = 1; i < out.size(); ++i) {
    ASSERT_TRUE(event_before(out[i - 1], out[i])) << "at " << i;
  }
}

TEST(EventQueue, MatchesSortedReferenceOnRandomInput) {
  std::mt19937_64 gen(7);
  for (int n : {1, 2, 3, 4, 5, 17, 100, 1000, 10000}) {
    EventQueue q;
    std::vector<Event> ref;
    for (int i = 0; i < n; ++i) {
      Event e{SimTime::from_us(static_cast<int64_t>(gen() % 50)), static_cast<uint64_t>(i), 0, 0, 0};
      q.push(e);
      ref.push_back(e);
    }
    std::sort(ref.begin(), ref.end(), event_before);
    for (const Event& e : ref) {
      const Event got = q.pop();
      ASSERT_EQ(got.seq, e.seq);
    }
    EXPECT_TRUE(q.empty());
  }
}

TEST(Engine, BatchesHoldOneTimestampInScheduleOrder) {
  Engine eng;
  eng.schedule_at(SimTime::from_us(10), 1, 100);
  eng.schedule_at(SimTime::from_us(5), 1, 200);
  eng.schedule_at(SimTime::from_us(10), 1, 101);
  eng.schedule_at(SimTime::from_us(10), 1, 102);
  std::vector<Event> batch;
  ASSERT_TRUE(eng.pop_batch(SimTime::max(), batch));
  EXPECT_EQ(eng.now(), SimTime::from_us(5));
  ASSERT_EQ(batch.size(), 1u);
  ASSERT_TRUE(eng.pop_batch(SimTime::max(), batch));
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].subject, 100u);
  EXPECT_EQ(batch[1].subject, 101u);
  EXPECT_EQ(batch[2].subject, 102u);
  EXPECT_FALSE(eng.pop_batch(SimTime::max(), batch));
  EXPECT_EQ(eng.events_processed(), 4u);
}

TEST(Engine, ClockNeverGoesBackwards) {
  Engine eng;
  eng.schedule_at(SimTime::from_us(100), 1);
  std::vector<Event> batch;
  ASSERT_TRUE(eng.pop_batch(SimTime::max(), batch));
  EXPECT_THROW(eng.schedule_at(SimTime::from_us(99), 1), std::logic_error);
  EXPECT_THROW(eng.schedule_in(SimTime::from_us(-1), 1), std::logic_error);
  EXPECT_THROW(eng.advance_to(SimTime::from_us(50)), std::logic_error);
  eng.schedule_in(SimTime::zero(), 2);  // same time is fine: it forms the next batch
  ASSERT_TRUE(eng.pop_batch(SimTime::max(), batch));
  EXPECT_EQ(eng.now(), SimTime::from_us(100));
}

TEST(Engine, MonotoneClockUnderRandomScheduling) {
  Engine eng;
  std::mt19937_64 gen(3);
  for (int i = 0; i < 100; ++i) eng.schedule_at(SimTime::from_us(static_cast<int64_t>(gen() % 1000)), 1);
  std::vector<Event> batch;
  SimTime last = SimTime::zero();
  int handled = 0;
  while (eng.pop_batch(SimTime::max(), batch)) {
    ASSERT_GE(eng.now(), last);
    last = eng.now();
    for (std::size_t k = 0; k < batch.size(); ++k) {
      ++handled;
      if (handled < 5000) eng.schedule_in(SimTime::from_us(static_cast<int64_t>(gen() % 100)), 1);
    }
  }
  EXPECT_GE(handled, 5000);
}

TEST(Engine, HorizonStopsBeforeLaterEvents) {
  Engine eng;
  eng.schedule_at(SimTime::from_us(10), 1);
  eng.schedule_at(SimTime::from_us(20), 1);
  std::vector<Event> batch;
  ASSERT_TRUE(eng.pop_batch(SimTime::from_us(15), batch));
  EXPECT_FALSE(eng.pop_batch(SimTime::from_us(15), batch));
  EXPECT_EQ(eng.pending(), 1u);
}

TEST(Engine, SteadyStateDoesNotGrowTheQueueStorage) {
  // 32 events in flight, each replaced when it fires: 100,000 batches later the queue's storage is
  // still what was reserved, and so is the caller's batch buffer (no reallocation in the loop).
  Engine eng(64);
  for (int i = 0; i < 32; ++i) eng.schedule_in(SimTime::from_us(i), 1);
  std::vector<Event> batch;
  batch.reserve(64);
  const std::size_t queue_before = eng.queue_capacity();
  ASSERT_GE(queue_before, 64u);
  for (int step = 0; step < 100000; ++step) {
    ASSERT_TRUE(eng.pop_batch(SimTime::max(), batch));
    for (std::size_t k = 0; k < batch.size(); ++k) eng.schedule_in(SimTime::from_us(32), 1);
  }
  EXPECT_EQ(eng.pending(), 32u);
  EXPECT_EQ(eng.queue_capacity(), queue_before);
  EXPECT_EQ(batch.capacity(), 64u);
  EXPECT_EQ(eng.events_processed(), 100000u);  // one event per timestamp: a batch each
}

TEST(SimTime, ConvertsAndRejectsBadValues) {
  EXPECT_EQ(SimTime::from_seconds(1.5).us(), 1'500'000);
  EXPECT_EQ(SimTime::from_s(2) + SimTime::from_ms(3), SimTime::from_us(2'003'000));
  EXPECT_THROW(SimTime::from_seconds(std::numeric_limits<double>::quiet_NaN()), std::out_of_range);
  EXPECT_THROW(SimTime::from_seconds(1e300), std::out_of_range);
}
