#pragma once
// Policy: decides which pending jobs start where. The driver calls on_submit/on_end as jobs
// arrive and leave, then schedule() once per simulated instant at which something changed.
#include <stdexcept>
#include <string>
#include <vector>

#include "hetsim/core/named_counter.hpp"
#include "hetsim/model/ids.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  virtual void on_submit(const SchedulingContext& ctx, JobId id) = 0;
  virtual void on_end(const SchedulingContext& ctx, JobId id) = 0;
  virtual void schedule(SchedulingContext& ctx) = 0;
  // A preemptive policy may call ctx.preempt(); the driver then keeps per-job run state.
  virtual bool preemptive() const { return false; }
  // An oracle policy knows each job's true length (SchedulingContext::true_steps), which no real
  // scheduler does: its results are an upper bound, and summary.json says so ("policy_oracle").
  // Any other policy sees only what submitters declare (estimates); true_steps is then a
  // PolicyViolation.
  virtual bool oracle() const { return false; }
  // A running job was killed by a node failure and waits again (scenario `failures:`); by default
  // it is treated as a new submission with its original id (so arrival order is kept). A job
  // killed for the last time ends instead: on_end.
  virtual void on_requeue(const SchedulingContext& ctx, JobId id) { on_submit(ctx, id); }
  // Figures about the policy's own work after the run (rounds, solves, solver iterations, the sum
  // of its objectives): summary.json's "policy_stats", in this order. Deterministic figures only.
  // None by default, and then summary.json has no "policy_stats".
  virtual std::vector<NamedCounter> counters() const { return {}; }
};

// Thrown by the driver when a policy makes an invalid decision: a bug in the policy.
class PolicyViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hetsim
