#pragma once
// Engine: the discrete-event clock and queue. It knows nothing of jobs, clusters or policies:
// it hands out events in (time, seq) order, one timestamp at a time, and enforces that time never
// goes backwards and that no delay is negative (a violation is a bug and throws std::logic_error).
// No global state: construct as many engines as you like, e.g. one per OpenMP sweep thread.
#include <cstdint>
#include <vector>

#include "hetsim/core/event.hpp"
#include "hetsim/core/event_queue.hpp"
#include "hetsim/core/sim_time.hpp"

namespace hetsim {

class Engine {
 public:
  explicit Engine(std::size_t expected_events = 1024) { queue_.reserve(expected_events); }

  SimTime now() const { return now_; }
  void schedule_at(SimTime at, uint32_t kind, uint32_t subject = 0, uint64_t payload = 0);
  void schedule_in(SimTime delay, uint32_t kind, uint32_t subject = 0, uint64_t payload = 0);

  bool empty() const { return queue_.empty(); }
  std::size_t pending() const { return queue_.size(); }
  // Events the queue holds room for (its storage; tests check steady state does not grow it).
  std::size_t queue_capacity() const { return queue_.capacity(); }
  SimTime next_time() const { return queue_.empty() ? kNever : queue_.top().time; }

  // Moves every event of the earliest timestamp (if <= horizon) into `batch` (cleared first),
  // advances the clock to it and returns true; returns false when none is left before the horizon.
  // Events scheduled while a batch is handled at the same time form the next batch.
  bool pop_batch(SimTime horizon, std::vector<Event>& batch);

  // Advances the clock without an event (e.g. to the horizon at the end of a run).
  void advance_to(SimTime t);

  uint64_t events_processed() const { return processed_; }
  uint64_t events_scheduled() const { return next_seq_; }

 private:
  EventQueue queue_;
  SimTime now_ = SimTime::zero();
  uint64_t next_seq_ = 0;
  uint64_t processed_ = 0;
};

}  // namespace hetsim
