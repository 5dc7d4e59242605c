#pragma once
// RunBook: each job's runs as the driver needs them once runs can stop (a preemptive policy,
// failures, data staging or guarantees): when the current run began, its step time and restart
// cost, the steps kept by checkpoints before it, the card time held so far, the kills it has
// had, and, while its data is copied, the run's length once it trains. Holds the checkpoint
// arithmetic across runs (sim/perf/checkpoint.hpp) and the runs' stamps (event_stamps.hpp): a
// stopped run's completion and copy arrivals are stale. Inactive (nothing kept, no run ever
// stopped) otherwise.
#include <cstdint>
#include <vector>

#include "hetsim/core/event.hpp"
#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/perf/checkpoint.hpp"
#include "hetsim/run/event_stamps.hpp"

namespace hetsim {

class RunBook {
 public:
  // About 72 B per job.
  struct Run {
    SimTime start;             // of the current or last run
    double step_s = 0;         // seconds per step on that run's allocation
    double resume_s = 0;       // restart cost paid at that run's beginning
    double next_resume_s = 0;  // what the next start will pay (set when a run is stopped)
    double train_s = 0;        // training seconds that run needs
    double done_steps = 0;     // steps kept by checkpoints before that run
    int64_t held_us = 0;       // card-holding time of the runs before it
    uint32_t failures = 0;     // kills by failures (the retry limit)
    uint16_t staging = 0;      // data copies this run still waits for before it trains
    SimTime pending_runtime;   // while staging: the run's length once it trains
    double pending_est_s = 0;  // while staging: its estimated length
  };

  RunBook() = default;
  // Keeps the runs of `jobs` jobs (0: inactive; plan still applies the checkpoint costs every run
  // pays). `checkpoint` must outlive it.
  RunBook(std::size_t jobs, const CheckpointModel& checkpoint);
  bool active() const { return !runs_.empty(); }

  Run& operator[](JobId id) { return runs_[id]; }
  const Run& operator[](JobId id) const { return runs_[id]; }

  // Whether a run of job `id` has been stopped before (the next start resumes from a checkpoint).
  bool resumed(JobId id) const { return active() && stamps_.current(id) > 0; }
  // The stamp the current run's events carry (0 when inactive), and whether `e` is still current.
  uint32_t stamp(JobId id) const { return active() ? stamps_.current(id) : 0; }
  bool is_current(const Event& e) const { return stamps_.is_current(e); }

  // Job `j`'s next run starts at `now` with `step_s` seconds per step: its wall time (checkpoint
  // writes and the restart cost included), recorded as the current run when active. `est` (the
  // submitter's estimate scaled to this step time) becomes the run's estimate.
  SimTime plan(const Job& j, double step_s, SimTime now, double& est);
  // The checkpoint segment of job `j`'s current (or last) run.
  Segment segment(const Job& j) const;
  // Job `j`'s current run ends at `now`, keeping `kept_train_s` of its training; its events are
  // stale from now on.
  void stop(const Job& j, SimTime now, double kept_train_s);
  // Job `j`'s current run completed at `now`: all of its steps are done.
  void complete(const Job& j, SimTime now);

  // Seconds job `id` has held cards over all its runs (the current one up to `now` if running).
  double executed_s(JobId id, SimTime now, bool running) const;
  // Share of job `j`'s work still to do, as its progress counter shows it at `now`.
  double remaining_fraction(const Job& j, SimTime now, bool running) const;
  // When running job `id`'s current run began (or, while copying, begins at the earliest) training.
  SimTime run_started(JobId id, SimTime now) const;
  // Whether stopping running job `j` at `now` keeps this run's work.
  bool keeps_work(const Job& j, SimTime now) const;

 private:
  const CheckpointModel* checkpoint_ = nullptr;
  std::vector<Run> runs_;
  EventStamps stamps_;
};

}  // namespace hetsim
