#pragma once
// Checkpoint and restart cost of a preemptible training job (scenario section `preemption:`,
// docs/policies.md "Preemption").
//
// A checkpoint holds the model's training state: params x bytes_per_param (14 B by default:
// BF16 weights, FP32 master weights and two FP32 Adam moments). Writing or reading it takes
// size / storage bandwidth. A job that starts again after a preemption or a failure first pays
// restart_overhead, plus one read when it has kept any work; with interval == 0 a preempted job
// also pays the write it made when it was stopped (a failure leaves no time to write one).
//
// With interval > 0 every job writes a checkpoint after each `interval` of training, pausing for
// the write, whatever the policy: that is the price of being preemptible. A preemption then stops
// the job at once and it resumes from its last complete checkpoint; the work since is lost.
// With interval == 0 (the default) jobs checkpoint only when preempted, and lose nothing; the
// write is charged to the job when it resumes and its cards are freed at once (a simplification:
// a real job would hold them while it writes).
#include "hetsim/model/job.hpp"

namespace hetsim {

struct CheckpointModel {
  double interval_s = 0;  // training seconds between periodic checkpoints; 0: none
  double bytes_per_param = 14;
  double storage_gbps = 80;        // bandwidth to checkpoint storage, per job
  double restart_overhead_s = 30;  // relaunching the job (scheduling, container, process group)

  // Seconds to write (or read) the job's checkpoint.
  double transfer_s(const JobRequest& j) const;
  // Seconds a job starting again spends before training: the restart, a read of its checkpoint
  // (`restore`) and the write made when it was stopped (`write_at_stop`).
  double resume_s(const JobRequest& j, bool restore, bool write_at_stop) const;
};

// One run segment of a job, from a start until its end or a preemption: `resume_s` of restart
// cost, then `train_s` of training, paused for `save_s` after every `interval_s` of training
// (none when interval_s == 0; none at the very end).
struct Segment {
  double resume_s = 0;
  double train_s = 0;
  double save_s = 0;
  double interval_s = 0;

  // Periodic checkpoints written during the segment.
  double checkpoints() const;
  // Wall seconds of the whole segment.
  double wall_s() const;
  // Training seconds done after `elapsed_s` of wall time (not all of them saved).
  double trained_at(double elapsed_s) const;
  // Training seconds a preemption after `elapsed_s` keeps: those up to the last complete periodic
  // checkpoint, or all of them when interval_s == 0.
  double kept_at(double elapsed_s) const;
  // Wall seconds of the segment a preemption after `elapsed_s` throws away (restart cost
  // included when no checkpoint completed; 0 when interval_s == 0).
  double lost_at(double elapsed_s) const;
};

}  // namespace hetsim
