#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace hetsim {

namespace {
constexpr std::chrono::duration<double> kDelay{2.0};      // auto: stay silent for short runs
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

PacedLine::PacedLine(std::FILE* out, ProgressMode mode)
    : out_(out),
      enabled_(mode == ProgressMode::On || (mode == ProgressMode::Auto && isatty(fileno(out)) == 1)),
      immediate_(mode == ProgressMode::On) {}

double PacedLine::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double PacedLine::due() {
  if (!enabled_) return -1;
  const auto t = std::chrono::steady_clock::now();
  if (!immediate_ && t - start_ < kDelay) return -1;
  if (shown_ && t - last_ < kInterval) return -1;
  last_ = t;
  shown_ = true;
  return std::chrono::duration<double>(t - start_).count();
}

void PacedLine::draw(const std::string& text) {
  fmt::print(out_, "\r{}   ", text);
  std::fflush(out_);
}

void PacedLine::finish(const std::string& text) {
  if (!enabled_ || !shown_) return;
  fmt::print(out_, "\r{}, done in {:.1f} s   \n", text, elapsed_s());
  std::fflush(out_);
  shown_ = false;
}

ProgressBar::ProgressBar(std::FILE* out, ProgressMode mode) : line_(out, mode) {}

std::string ProgressBar::line(double sim_s, double horizon_s, uint64_t events, double wall_s) {
  const double frac = horizon_s > 0 ? std::clamp(sim_s / horizon_s, 0.0, 1.0) : 1.0;
  std::string s = fmt::format("hetsim: simulated {} / {} ({:3.0f} %), {} events/s", days(sim_s), days(horizon_s),
                              100 * frac, rate(wall_s > 0 ? static_cast<double>(events) / wall_s : 0));
  // Time left if the rest goes as fast as so far in simulated seconds per wall second.
  if (frac > 0 && frac < 1) s += fmt::format(", ETA {:.0f} s", wall_s * (1 - frac) / frac);
  return s;
}

void ProgressBar::at(SimTime now, SimTime horizon, uint64_t events) {
  if (const double wall = line_.due(); wall >= 0) line_.draw(line(now.seconds(), horizon.seconds(), events, wall));
}

void ProgressBar::finish(SimTime end, uint64_t events) {
  line_.finish(line(end.seconds(), end.seconds(), events, line_.elapsed_s()));
}

CountProgress::CountProgress(std::FILE* out, ProgressMode mode, std::string what, uint64_t total)
    : line_(out, mode), what_(std::move(what)), total_(total) {}

std::string CountProgress::line(const std::string& what, uint64_t done, uint64_t total, double wall_s) {
  const double frac = total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0) : 1.0;
  std::string s = fmt::format("{} {} / {} ({:3.0f} %)", what, done, total, 100 * frac);
  if (frac > 0 && frac < 1) s += fmt::format(", ETA {:.0f} s", wall_s * (1 - frac) / frac);
  return s;
}

void CountProgress::at(uint64_t done) {
  done_ = done;
  if (const double wall = line_.due(); wall >= 0) line_.draw(line(what_, done, total_, wall));
}

void CountProgress::finish() { line_.finish(line(what_, done_, total_, line_.elapsed_s())); }

}  // namespace hetsim
