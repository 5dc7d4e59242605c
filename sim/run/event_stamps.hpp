#pragma once
// EventStamps: the driver's one way to recognise stale events. An event that something later may
// overtake (a run's completion or a copy's arrival, overtaken by a preemption or a kill; the
// network's next finish, overtaken by any change of rates) is scheduled with the stamp its subject
// holds then, in Event::payload. Cancelling what was scheduled for a subject moves its stamp on,
// so every event scheduled before is stale when it pops, and its handler drops it: no search of
// the queue, no removal. Subjects are small integers: a job id, or 0 for the one network.
// (Wake-ups are never cancelled, so they carry no stamp; the driver only merges duplicates.)
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hetsim/core/event.hpp"

namespace hetsim {

class EventStamps {
 public:
  explicit EventStamps(std::size_t subjects = 0) : stamps_(subjects, 0) {}
  bool empty() const { return stamps_.empty(); }
  // The stamp to schedule an event for `subject` with.
  uint32_t current(std::size_t subject) const { return stamps_[subject]; }
  // Every event scheduled for `subject` so far is stale from now on. Returns how many times the
  // subject has been cancelled (a run's stamp counts the runs stopped before it).
  uint32_t cancel(std::size_t subject) { return ++stamps_[subject]; }
  // Whether `e` (scheduled with current(e.subject)) has not been cancelled since.
  bool is_current(const Event& e) const { return e.payload == stamps_[e.subject]; }

 private:
  std::vector<uint32_t> stamps_;
};

}  // namespace hetsim
