#pragma once
// Consistency checks of the simulator's state (docs/architecture.md, "Invariants"). Each returns
// "" when the state is consistent and otherwise one sentence naming what is wrong. The Simulation
// calls them after every decision and completion (cheap, local checks) and at every metrics sample
// and at the end (full recount) when invariant checking is on: by default in builds without
// NDEBUG, with `hetsim run --check-invariants`, and in the tests.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"

namespace hetsim {

struct InvariantViolation : std::logic_error {
  using std::logic_error::logic_error;
};

// After a job started on `a`: the gang holds exactly j.cards cards (an elastic job: a size in its range), all on one
// chip type, none of them over-allocated; the touched nodes' free cards, CPU and memory stay within 0..capacity.
std::string check_started(const Cluster& now, const Job& j, const Allocation& a);

// The cluster's aggregate counters against its capacity: free cards per (chip, site), per pool and
// in total lie in 0..total (utilisation never above 100 %).
std::string check_totals(const Cluster& now);

// Full recount: the cards, CPU and memory granted by `live` (the allocations of all running jobs)
// are exactly what `initial` (the empty cluster) minus `now` says is taken; no card carries more
// than 1000 milli; every node's free-card count matches its cards.
std::string check_allocations(const Cluster& now, const Cluster& initial, std::span<const Allocation* const> live);

// Job bookkeeping: states partition the jobs (the counts sum to `jobs`), and the independently kept
// pending count and running set agree with them.
struct JobStateCounts {
  uint64_t not_arrived = 0, pending = 0, running = 0, done = 0;
};
std::string check_job_counts(const JobStateCounts& c, uint64_t jobs, uint64_t pending_count, uint64_t running_set_size);

// The clock never goes back.
std::string check_clock(SimTime previous, SimTime now);

}  // namespace hetsim
