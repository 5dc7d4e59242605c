#pragma once
// CsvRow: appends the fields of CSV rows to one buffer without a temporary per field. jobs.csv has
// a row per job (a million on a busy city month); formatting each field through a std::string
// cost more than the simulation of the quiet month. Numbers are written by std::to_chars, which
// for a fixed precision rounds the binary value exactly as printf and fmt do ("%.3f", "{:.3f}"),
// so the bytes are those of the fmt formatting they replace (tests/metrics/csv_row_test.cpp).
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "hetsim/core/sim_time.hpp"

namespace hetsim {

class CsvRow {
 public:
  explicit CsvRow(std::string& out) : out_(out) {}
  // Each field appends its text and a comma; end() replaces the last comma with a newline.
  CsvRow& text(std::string_view s) {
    out_.append(s);
    out_.push_back(',');
    return *this;
  }
  CsvRow& empty() {
    out_.push_back(',');
    return *this;
  }
  template <class Int>
  CsvRow& integer(Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
    out_.push_back(',');
    return *this;
  }
  // `digits` decimals, as "{:.Nf}".
  CsvRow& fixed(double v, int digits) {
    char buf[400];  // the widest double in fixed notation with up to 9 decimals fits
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, digits);
    out_.append(buf, r.ec == std::errc() ? r.ptr : buf);
    out_.push_back(',');
    return *this;
  }
  // Seconds with microseconds, from integer microseconds: "-12.000500".
  CsvRow& seconds(SimTime t) {
    const int64_t us = t.us();
    // Magnitude as unsigned: -INT64_MIN does not fit an int64_t.
    const uint64_t a = us < 0 ? uint64_t{0} - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
    if (us < 0) out_.push_back('-');
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, a / 1'000'000);
    out_.append(buf, r.ptr);
    out_.push_back('.');
    uint64_t frac = a % 1'000'000;
    char six[6];
    for (int i = 5; i >= 0; --i, frac /= 10) six[i] = static_cast<char>('0' + frac % 10);
    out_.append(six, 6);
    out_.push_back(',');
    return *this;
  }
  void end() { out_.back() = '\n'; }

 private:
  std::string& out_;
};

}  // namespace hetsim
