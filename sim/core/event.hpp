#pragma once
// Event: a small tagged record. The engine orders events by (time, seq) and never looks at
// kind/subject/payload; the component that scheduled the event gives them meaning.
#include <cstdint>

#include "hetsim/core/sim_time.hpp"

namespace hetsim {

struct Event {
  SimTime time;
  uint64_t seq = 0;      // insertion order: equal times replay in the order they were scheduled
  uint32_t kind = 0;     // dispatch tag, defined by the user of the engine
  uint32_t subject = 0;  // e.g. a job or node index
  uint64_t payload = 0;  // e.g. an epoch that lets stale events be recognised and skipped
};
static_assert(sizeof(Event) == 32, "Event should stay small: it is copied through the heap");

constexpr bool event_before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

}  // namespace hetsim
