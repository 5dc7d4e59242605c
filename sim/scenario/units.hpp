#pragma once
// Units of scenario quantities (docs/scenario-format.md, "Units"). Every parser turns a scalar's
// text into the base unit of its kind and returns an error string ("" on success), so the caller
// can attach the file position. Plain numbers (no unit) are already in the base unit.
#include <cstdint>
#include <string>
#include <string_view>

namespace hetsim {

enum class UnitKind : uint8_t {
  Plain,      // a bare number, no unit allowed
  Duration,   // seconds: us, ms, s, min, h, d
  Bandwidth,  // Gb/s: Mbps, Gbps, Tbps, MB/s, GB/s
  Size,       // GB (1e9 bytes): MB, GB, TB, MiB, GiB, TiB
  Count,      // 1: K, M, B
  Cpu,        // cores: plain cores or "m" milli-cores; the parsed value is in milli-cores
};

// Largest accepted magnitude, in the kind's base unit (cores for Cpu).
inline constexpr double kMaxQuantity = 1e15;

// "us, ms, s, min, h, d" etc.; "" for Plain.
const char* accepted_units(UnitKind kind);
// "duration", "bandwidth", ...
const char* unit_kind_name(UnitKind kind);

// Parses `text` into `out` (base unit; milli-cores for Cpu). Rejects empty text, NaN, infinities,
// negative values, values beyond kMaxQuantity and unknown units.
std::string parse_quantity(std::string_view text, UnitKind kind, double& out);
// As parse_quantity, and the result must be a whole number (Plain, Count or Cpu in milli-cores).
std::string parse_whole(std::string_view text, UnitKind kind, int64_t& out);

inline std::string parse_duration(std::string_view text, double& seconds) {
  return parse_quantity(text, UnitKind::Duration, seconds);
}
inline std::string parse_bandwidth(std::string_view text, double& gbps) {
  return parse_quantity(text, UnitKind::Bandwidth, gbps);
}
inline std::string parse_size(std::string_view text, double& gb) { return parse_quantity(text, UnitKind::Size, gb); }
inline std::string parse_count(std::string_view text, double& n) { return parse_quantity(text, UnitKind::Count, n); }
inline std::string parse_cpu_milli(std::string_view text, int64_t& milli) {
  return parse_whole(text, UnitKind::Cpu, milli);
}

}  // namespace hetsim
