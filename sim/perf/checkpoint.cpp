#include "hetsim/perf/checkpoint.hpp"

#include <algorithm>
#include <cmath>

namespace hetsim {

double CheckpointModel::transfer_s(const JobRequest& j) const {
  const double bytes = j.model.params * bytes_per_param;
  return storage_gbps > 0 ? bytes * 8.0 / (storage_gbps * 1e9) : 0.0;
}

double CheckpointModel::resume_s(const JobRequest& j, bool restore, bool write_at_stop) const {
  return restart_overhead_s + transfer_s(j) * ((restore ? 1.0 : 0.0) + (write_at_stop ? 1.0 : 0.0));
}

double Segment::checkpoints() const {
  if (!(interval_s > 0) || !(train_s > 0)) return 0;
  return std::ceil(train_s / interval_s) - 1.0;
}

double Segment::wall_s() const { return resume_s + train_s + checkpoints() * save_s; }

double Segment::trained_at(double elapsed_s) const {
  const double t = elapsed_s - resume_s;
  if (!(t > 0)) return 0;
  if (!(interval_s > 0)) return std::min(t, train_s);
  const double cycles = std::min(std::floor(t / (interval_s + save_s)), checkpoints());
  const double in_cycle = t - cycles * (interval_s + save_s);
  return std::min(train_s, cycles * interval_s + std::min(in_cycle, interval_s));
}

double Segment::kept_at(double elapsed_s) const {
  if (!(interval_s > 0)) return trained_at(elapsed_s);
  const double t = elapsed_s - resume_s;
  if (!(t > 0)) return 0;
  return std::min(std::floor(t / (interval_s + save_s)), checkpoints()) * interval_s;
}

double Segment::lost_at(double elapsed_s) const {
  if (!(interval_s > 0)) return 0;
  const double t = elapsed_s - resume_s;
  const double cycles = t > 0 ? std::min(std::floor(t / (interval_s + save_s)), checkpoints()) : 0;
  const double kept_wall = cycles > 0 ? resume_s + cycles * (interval_s + save_s) : 0;
  return std::max(0.0, elapsed_s - kept_wall);
}

}  // namespace hetsim
