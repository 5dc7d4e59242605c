#pragma once
// SimTime: simulated time and durations as a strong int64 count of microseconds.
// Integer time makes event ordering exact and runs bit-reproducible; +-2^63 us is ~292,000 years.
#include <algorithm>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace hetsim {

class SimTime {
 public:
  // The largest magnitude in seconds a time may take: about 285,000 years, beyond any horizon.
  static constexpr double kMaxSeconds = 9.0e12;
  constexpr SimTime() = default;
  static constexpr SimTime from_us(int64_t us) { return SimTime(us); }
  static constexpr SimTime from_ms(int64_t ms) { return SimTime(ms * 1000); }
  static constexpr SimTime from_s(int64_t s) { return SimTime(s * 1'000'000); }
  // Rounds to the nearest microsecond; rejects NaN, infinities and out-of-range values because a
  // silently saturated time would corrupt every later event.
  static SimTime from_seconds(double s) {
    if (!std::isfinite(s) || std::fabs(s) > kMaxSeconds) {
      throw std::out_of_range("SimTime::from_seconds: value not finite or beyond +-9e12 s");
    }
    return SimTime(static_cast<int64_t>(std::llround(s * 1e6)));
  }
  static constexpr SimTime zero() { return SimTime(0); }
  static constexpr SimTime max() { return SimTime(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }
  constexpr double seconds() const { return static_cast<double>(us_) * 1e-6; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(SimTime o) const { return SimTime(us_ + o.us_); }
  constexpr SimTime operator-(SimTime o) const { return SimTime(us_ - o.us_); }
  constexpr SimTime& operator+=(SimTime o) {
    us_ += o.us_;
    return *this;
  }
  constexpr SimTime& operator-=(SimTime o) {
    us_ -= o.us_;
    return *this;
  }

 private:
  constexpr explicit SimTime(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// The time of an event that never happens: no transfer moving, a node that is not down, a
// completion beyond representable time. Later than every real time, so < and min() handle it.
inline constexpr SimTime kNever = SimTime::max();

// The longest duration a model output (a runtime, a transfer) is converted to: 9e18 us, about
// 285,000 years, within int64. Added to a time it can still overflow (a horizon may reach
// kMaxSeconds), so callers add it with saturating_add or after checking against kNever - now.
inline constexpr double kLongestDurationUs = SimTime::kMaxSeconds * 1e6;

// now + est_s seconds, the estimate capped so the time stays within kMaxSeconds.
inline SimTime after_seconds_capped(SimTime now, double est_s) {
  return now + SimTime::from_seconds(std::min(est_s, SimTime::kMaxSeconds - now.seconds()));
}

// t + d, or kNever when the sum would pass it (d >= 0).
constexpr SimTime saturating_add(SimTime t, SimTime d) { return d > kNever - t ? kNever : t + d; }

}  // namespace hetsim
