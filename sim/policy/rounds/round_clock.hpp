#pragma once
// When a round-based policy (gavel, themis, sia) runs its next round: `round` after the last one,
// or at once when nothing runs (Gavel's round ends when its last job does), including the first
// arrival into an idle cluster. The policy asks for a pass at the planned time (wake_at).
#include "hetsim/core/sim_time.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

class RoundClock {
 public:
  // Whether a round is due now; `idle`: no active job (nothing is planned then).
  bool due(const SchedulingContext& ctx, bool idle, bool anything_running) {
    if (idle) {
      pending_ = false;
      return false;
    }
    return !pending_ || ctx.now() >= next_ || !anything_running;
  }
  // A round just ran: plan the next one.
  void ran(SchedulingContext& ctx, SimTime round) {
    next_ = ctx.now() + round;
    pending_ = true;
    ctx.wake_at(next_);
  }

 private:
  SimTime next_;
  bool pending_ = false;
};

}  // namespace hetsim
