#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace hetsim {

namespace {
constexpr std::chrono::duration<double> kDelay{2.0};     // auto: stay silent for short runs
constexpr std::chrono::duration<double> kInterval{0.25};  // at most 4 redraws per second

std::string days(double s) { return fmt::format("{:.1f} d", s / 86400.0); }

std::string rate(double per_s) {
  if (per_s >= 1e6) return fmt::format("{:.1f} M", per_s / 1e6);
  if (per_s >= 1e3) return fmt::format("{:.0f} k", per_s / 1e3);
  return fmt::format("{:.0f}", per_s);
}
}  // namespace

ProgressMode parse_progress_mode(const std::string& text) {
  if (text == "auto") return ProgressMode::Auto;
  if (text == "on") return ProgressMode::On;
  if (text == "off") return ProgressMode::Off;
  throw std::invalid_argument("--progress: expected auto, on or off, got '" + text + "'");
}

ProgressBar::ProgressBar(std::FILE* out, ProgressMode mode)
    : out_(out),
      enabled_(mode == ProgressMode::On || (mode == ProgressMode::Auto && isatty(fileno(out)) == 1)),
      immediate_(mode == ProgressMode::On) {}

std::string ProgressBar::line(double sim_s, double horizon_s, uint64_t events, double wall_s) {
  const double frac = horizon_s > 0 ? std::clamp(sim_s / horizon_s, 0.0, 1.0) : 1.0;
  std::string s = fmt::format("hetsim: simulated {} / {} ({:3.0f} %), {} events/s", days(sim_s), days(horizon_s),
                              100 * frac, rate(wall_s > 0 ? static_cast<double>(events) / wall_s : 0));
  // Time left if the rest goes as fast as so far in simulated seconds per wall second.
  if (frac > 0 && frac < 1) s += fmt::format(", ETA {:.0f} s", wall_s * (1 - frac) / frac);
  return s;
}

void ProgressBar::at(SimTime now, SimTime horizon, uint64_t events) {
  if (!enabled_) return;
  const auto t = std::chrono::steady_clock::now();
  if (!immediate_ && t - start_ < kDelay) return;
  if (shown_ && t - last_ < kInterval) return;
  last_ = t;
  shown_ = true;
  const double wall = std::chrono::duration<double>(t - start_).count();
  fmt::print(out_, "\r{}   ", line(now.seconds(), horizon.seconds(), events, wall));
  std::fflush(out_);
}

void ProgressBar::finish(SimTime end, uint64_t events) {
  if (!enabled_ || !shown_) return;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(out_, "\r{}, done in {:.1f} s   \n", line(end.seconds(), end.seconds(), events, wall), wall);
  std::fflush(out_);
}

CountProgress::CountProgress(std::FILE* out, ProgressMode mode, std::string what, uint64_t total)
    : out_(out),
      enabled_(mode == ProgressMode::On || (mode == ProgressMode::Auto && isatty(fileno(out)) == 1)),
      immediate_(mode == ProgressMode::On),
      what_(std::move(what)),
      total_(total) {}

std::string CountProgress::line(const std::string& what, uint64_t done, uint64_t total, double wall_s) {
  const double frac = total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0) : 1.0;
  std::string s = fmt::format("{} {} / {} ({:3.0f} %)", what, done, total, 100 * frac);
  if (frac > 0 && frac < 1) s += fmt::format(", ETA {:.0f} s", wall_s * (1 - frac) / frac);
  return s;
}

void CountProgress::at(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  const auto t = std::chrono::steady_clock::now();
  if (!immediate_ && t - start_ < kDelay) return;
  if (shown_ && t - last_ < kInterval) return;
  last_ = t;
  shown_ = true;
  fmt::print(out_, "\r{}   ", line(what_, done, total_, std::chrono::duration<double>(t - start_).count()));
  std::fflush(out_);
}

void CountProgress::finish() {
  if (!enabled_ || !shown_) return;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(out_, "\r{}, done in {:.1f} s   \n", line(what_, done_, total_, wall), wall);
  std::fflush(out_);
  shown_ = false;
}

}  // namespace hetsim
