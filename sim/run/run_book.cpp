#include "hetsim/run/run_book.hpp"

#include <algorithm>
#include <cmath>

#include "hetsim/perf/throughput.hpp"

namespace hetsim {

RunBook::RunBook(std::size_t jobs, const CheckpointModel& checkpoint)
    : checkpoint_(&checkpoint), runs_(jobs), stamps_(jobs) {}

SimTime RunBook::plan(const Job& j, double step_s, SimTime now, double& est) {
  const bool again = resumed(j.id);
  const double done = active() ? runs_[j.id].done_steps : 0.0;
  const double left = std::max(0.0, static_cast<double>(j.steps) - done);
  Segment seg;
  seg.resume_s = again ? runs_[j.id].next_resume_s : 0.0;
  seg.train_s = left * step_s;
  seg.save_s = checkpoint_->transfer_s(j);
  seg.interval_s = checkpoint_->interval_s;
  SimTime runtime;
  if (!again && !(seg.interval_s > 0)) {
    runtime = runtime_for_steps(j.steps, step_s);
  } else {
    const double wall_s = seg.wall_s();
    runtime = std::isfinite(wall_s * 1e6) ? runtime_for_seconds(wall_s) : kNever;
    est = est * left / static_cast<double>(j.steps) + seg.resume_s + seg.checkpoints() * seg.save_s;
  }
  if (active()) {
    Run& r = runs_[j.id];
    r.start = now;
    r.step_s = step_s;
    r.resume_s = seg.resume_s;
    r.train_s = seg.train_s;
  }
  return runtime;
}

Segment RunBook::segment(const Job& j) const {
  const Run& r = runs_[j.id];
  Segment seg;
  seg.resume_s = r.resume_s;
  seg.train_s = r.train_s;
  seg.save_s = checkpoint_->transfer_s(j);
  seg.interval_s = checkpoint_->interval_s;
  return seg;
}

void RunBook::stop(const Job& j, SimTime now, double kept_train_s) {
  Run& r = runs_[j.id];
  if (r.step_s > 0 && std::isfinite(r.step_s)) {
    r.done_steps = std::min(static_cast<double>(j.steps), r.done_steps + kept_train_s / r.step_s);
  }
  r.held_us += (now - r.start).us();
  stamps_.cancel(j.id);  // the run's completion (or its copies' arrivals) is now stale
}

void RunBook::complete(const Job& j, SimTime now) {
  Run& r = runs_[j.id];
  r.held_us += (now - r.start).us();
  r.done_steps = static_cast<double>(j.steps);
}

double RunBook::executed_s(JobId id, SimTime now, bool running) const {
  const Run& r = runs_.at(id);
  const int64_t current = running ? (now - r.start).us() : 0;
  return static_cast<double>(r.held_us + current) / 1e6;
}

double RunBook::remaining_fraction(const Job& j, SimTime now, bool running) const {
  const Run& r = runs_.at(j.id);
  double done = r.done_steps;
  if (running && r.staging == 0 && r.step_s > 0 && std::isfinite(r.step_s)) {
    done += segment(j).trained_at((now - r.start).seconds()) / r.step_s;
  }
  return std::clamp(1.0 - done / static_cast<double>(j.steps), 0.0, 1.0);
}

SimTime RunBook::run_started(JobId id, SimTime now) const {
  const Run& r = runs_[id];
  // Still copying its data: training begins no earlier than the restart cost from now.
  const SimTime from = r.staging > 0 ? now : r.start;
  return from + SimTime::from_us(static_cast<int64_t>(std::ceil(r.resume_s * 1e6)));
}

bool RunBook::keeps_work(const Job& j, SimTime now) const {
  const Run& r = runs_[j.id];
  if (r.staging > 0) return true;  // nothing trained yet, nothing to lose
  const Segment seg = segment(j);
  return !(seg.interval_s > 0) || seg.kept_at((now - r.start).seconds()) > 0;
}

}  // namespace hetsim
