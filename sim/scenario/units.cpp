#include "hetsim/scenario/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

namespace hetsim {

namespace {

struct UnitDef {
  std::string_view suffix;
  double factor;  // to the base unit
};

// Bandwidth base is Gb/s, so byte rates carry the factor 8.
constexpr std::array<UnitDef, 6> kDuration{
    {{"us", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}}};
constexpr std::array<UnitDef, 5> kBandwidth{{{"Mbps", 1e-3}, {"Gbps", 1}, {"Tbps", 1e3}, {"MB/s", 8e-3}, {"GB/s", 8}}};
constexpr std::array<UnitDef, 6> kSize{{{"MB", 1e-3},
                                        {"GB", 1},
                                        {"TB", 1e3},
                                        {"MiB", 1048576.0 / 1e9},
                                        {"GiB", 1073741824.0 / 1e9},
                                        {"TiB", 1099511627776.0 / 1e9}}};
constexpr std::array<UnitDef, 3> kCount{{{"K", 1e3}, {"M", 1e6}, {"B", 1e9}}};
constexpr std::array<UnitDef, 1> kCpu{{{"m", 1e-3}}};

struct UnitTable {
  const UnitDef* begin;
  const UnitDef* end;
};

UnitTable table(UnitKind kind) {
  switch (kind) {
    case UnitKind::Duration:
      return {kDuration.data(), kDuration.data() + kDuration.size()};
    case UnitKind::Bandwidth:
      return {kBandwidth.data(), kBandwidth.data() + kBandwidth.size()};
    case UnitKind::Size:
      return {kSize.data(), kSize.data() + kSize.size()};
    case UnitKind::Count:
      return {kCount.data(), kCount.data() + kCount.size()};
    case UnitKind::Cpu:
      return {kCpu.data(), kCpu.data() + kCpu.size()};
    case UnitKind::Plain:
      break;
  }
  return {nullptr, nullptr};
}

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Length of the leading decimal number: [+-]? (digits [. digits?] | . digits) ([eE][+-]?digits)?
// 0 when there is none. Hand-written so that hex, "nan", "inf" and "1_000" never count as numbers.
std::size_t number_prefix(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    const std::size_t mark = i;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) i = mark;  // "5E" is not an exponent; leave it for the unit check
  }
  return i;
}

bool is_nonfinite_word(std::string_view s) {
  std::string w = lower(s);
  while (!w.empty() && (w.front() == '+' || w.front() == '-' || w.front() == '.')) w.erase(0, 1);
  return w == "nan" || w == "inf" || w == "infinity";
}

std::string units_hint(UnitKind kind) {
  if (kind == UnitKind::Plain) return "expected a plain number";
  if (kind == UnitKind::Cpu) return "expected cores (e.g. 8) or milli-cores (e.g. 500m)";
  if (kind == UnitKind::Count) return std::string("accepted suffixes: ") + accepted_units(kind);
  return std::string("accepted units: ") + accepted_units(kind);
}

}  // namespace

const char* accepted_units(UnitKind kind) {
  switch (kind) {
    case UnitKind::Duration:
      return "us, ms, s, min, h, d";
    case UnitKind::Bandwidth:
      return "Mbps, Gbps, Tbps, MB/s, GB/s";
    case UnitKind::Size:
      return "MB, GB, TB, MiB, GiB, TiB";
    case UnitKind::Count:
      return "K, M, B";
    case UnitKind::Cpu:
      return "m";
    case UnitKind::Plain:
      break;
  }
  return "";
}

const char* unit_kind_name(UnitKind kind) {
  switch (kind) {
    case UnitKind::Plain:
      return "number";
    case UnitKind::Duration:
      return "duration";
    case UnitKind::Bandwidth:
      return "bandwidth";
    case UnitKind::Size:
      return "size";
    case UnitKind::Count:
      return "count";
    case UnitKind::Cpu:
      return "cpu amount";
  }
  return "quantity";
}

std::string parse_quantity(std::string_view text, UnitKind kind, double& out) {
  // Surrounding blanks are harmless; blanks between number and unit are allowed ("2.5 h").
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return std::string("empty value; expected a ") + unit_kind_name(kind);
  if (is_nonfinite_word(text)) return quote(text) + " is not a finite number";

  const std::size_t n = number_prefix(text);
  if (n == 0) {
    return quote(text) + " is not a " + unit_kind_name(kind) + " (" + units_hint(kind) + ")";
  }
  std::string_view number = text.substr(0, n);
  std::string_view unit = text.substr(n);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front()))) unit.remove_prefix(1);

  double factor = 1;
  if (!unit.empty()) {
    const UnitTable t = table(kind);
    const UnitDef* hit = nullptr;
    for (const UnitDef* u = t.begin; u != t.end; ++u) {
      if (u->suffix == unit) hit = u;
    }
    if (hit == nullptr) {
      if (kind == UnitKind::Plain) {
        return "unexpected unit " + quote(unit) + " in " + quote(text) +
               " (expected a plain number; the unit is in the key name)";
      }
      return "unknown " + std::string(unit_kind_name(kind)) + " unit " + quote(unit) + " in " + quote(text) + " (" +
             units_hint(kind) + ")";
    }
    factor = hit->factor;
  }

  if (number.front() == '+') number.remove_prefix(1);
  double value = 0;
  const auto res = std::from_chars(number.data(), number.data() + number.size(), value);
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars reports underflow the same way; a tiny magnitude is not "too large".
    const bool tiny = lower(number).find("e-") != std::string::npos;
    if (!tiny) return quote(text) + " is too large (limit 1e15)";
    value = 0;
  } else if (res.ec != std::errc() || res.ptr != number.data() + number.size()) {
    return quote(text) + " is not a " + std::string(unit_kind_name(kind));
  }
  if (value < 0) return "negative value " + quote(text) + " is not allowed";
  value *= factor;
  if (!std::isfinite(value)) return quote(text) + " is not a finite number";
  if (value > kMaxQuantity) return quote(text) + " is too large (limit 1e15)";
  if (kind == UnitKind::Cpu) value *= 1000;  // cores -> milli-cores
  out = value;
  return "";
}

std::string parse_whole(std::string_view text, UnitKind kind, int64_t& out) {
  double v = 0;
  std::string err = parse_quantity(text, kind, v);
  if (!err.empty()) return err;
  // Values come from decimal text times a power of ten, so allow a rounding hair of slack.
  const double r = std::round(v);
  if (std::fabs(v - r) > 1e-9 * std::max(1.0, std::fabs(v))) {
    if (kind == UnitKind::Cpu) {
      return "'" + std::string(text) + "' is finer than one milli-core";
    }
    return "'" + std::string(text) + "' is not a whole number";
  }
  out = static_cast<int64_t>(r);
  return "";
}

}  // namespace hetsim
