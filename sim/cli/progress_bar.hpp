#pragma once
// The progress line of `hetsim run` on stderr: simulated time reached, events per second and an
// estimate of the time left, rewritten in place. `--progress auto` (the default) shows it only
// when stderr is a terminal and the run has lasted two seconds, so pipes, logs and short runs see
// nothing; `on` shows it from the start and ends it with a newline (for logs); `off` never.
// It only reads the clock and the counters the simulation hands it: outputs are unchanged.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "hetsim/run/simulation.hpp"

namespace hetsim {

enum class ProgressMode { Auto, On, Off };
// "auto", "on", "off"; anything else throws std::invalid_argument naming the option.
ProgressMode parse_progress_mode(const std::string& text);

// The pacing and drawing both progress lines share: a line rewritten in place on `out`, shown
// from the start (On) or after kDelay (Auto, a terminal only), at most every kInterval.
class PacedLine {
 public:
  PacedLine(std::FILE* out, ProgressMode mode);
  // Seconds since the start when a line is due now (and then counted as drawn), else negative.
  double due();
  void draw(const std::string& text);
  // Ends a line that was shown with "text, done in W s"; nothing if none was.
  void finish(const std::string& text);
  double elapsed_s() const;

 private:
  std::FILE* out_;
  bool enabled_;
  bool immediate_;  // On: from the start; Auto: after kDelay
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

class ProgressBar final : public Simulation::ProgressSink {
 public:
  ProgressBar(std::FILE* out, ProgressMode mode);
  void at(SimTime now, SimTime horizon, uint64_t events) override;
  void finish(SimTime end, uint64_t events) override;

  // The line for the given state (no carriage return); exposed for tests.
  static std::string line(double sim_s, double horizon_s, uint64_t events, double wall_s);

 private:
  PacedLine line_;
};

// The same line for a phase counted in items rather than simulated time (a sweep's points being
// checked, a replay's runs): "hetsim sweep: checking points 1,200 / 100,000 (1 %), ETA 812 s".
// Same modes and pacing as ProgressBar; at() may be called from one thread at a time.
class CountProgress final {
 public:
  CountProgress(std::FILE* out, ProgressMode mode, std::string what, uint64_t total);
  void at(uint64_t done);
  void finish();
  void set_total(uint64_t total) { total_ = total; }  // when known only once the work starts

  // The line for the given state (no carriage return); exposed for tests.
  static std::string line(const std::string& what, uint64_t done, uint64_t total, double wall_s);

 private:
  PacedLine line_;
  std::string what_;
  uint64_t total_ = 0, done_ = 0;
};

}  // namespace hetsim
