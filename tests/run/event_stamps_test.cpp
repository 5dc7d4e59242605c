// EventStamps (sim/run/event_stamps.hpp): events scheduled before a cancellation of their subject
// are stale, those scheduled after are current; subjects are independent.
#include <gtest/gtest.h>

#include "hetsim/run/event_stamps.hpp"

using namespace hetsim;

namespace {
Event stamped(uint32_t subject, const EventStamps& s) {
  Event e;
  e.subject = subject;
  e.payload = s.current(subject);
  return e;
}
}  // namespace

TEST(EventStamps, ACancellationMakesEarlierEventsOfItsSubjectStale) {
  EventStamps s(3);
  const Event first = stamped(1, s);
  const Event other = stamped(2, s);
  EXPECT_TRUE(s.is_current(first));
  EXPECT_EQ(s.cancel(1), 1u);  // counts the cancellations (a run's: the runs stopped before it)
  EXPECT_FALSE(s.is_current(first));
  EXPECT_TRUE(s.is_current(other));  // another subject's event is untouched
  const Event second = stamped(1, s);
  EXPECT_TRUE(s.is_current(second));
  EXPECT_EQ(s.cancel(1), 2u);
  EXPECT_FALSE(s.is_current(second));
  EXPECT_FALSE(s.is_current(first));
  EXPECT_EQ(s.current(0), 0u);
}

TEST(EventStamps, EmptyWithoutSubjects) {
  EXPECT_TRUE(EventStamps().empty());
  EXPECT_FALSE(EventStamps(1).empty());
}
