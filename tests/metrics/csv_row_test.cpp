// CsvRow writes jobs.csv without a temporary per field; its bytes must be those of the fmt
// formatting it replaced, for every value the columns can hold.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "hetsim/metrics/csv_row.hpp"

using namespace hetsim;

namespace {
std::string fixed(double v, int digits) {
  std::string out;
  CsvRow(out).fixed(v, digits).end();
  out.pop_back();
  return out;
}
std::string seconds(int64_t us) {
  std::string out;
  CsvRow(out).seconds(SimTime::from_us(us)).end();
  out.pop_back();
  return out;
}
// The formatting jobs.csv used before CsvRow.
std::string fmt_seconds(int64_t us) {
  const char* sign = us < 0 ? "-" : "";
  const int64_t a = us < 0 ? -us : us;
  return fmt::format("{}{}.{:06}", sign, a / 1'000'000, a % 1'000'000);
}
}  // namespace

TEST(CsvRow, FixedPrecisionMatchesFmtOnTiesExtremesAndRandomValues) {
  const double specials[] = {0.0,
                             -0.0,
                             0.125,
                             0.375,
                             2.675,
                             1.0005,
                             0.0005,
                             1e-12,
                             123456789.0625,
                             9.0e12,
                             1.7976931348623157e308,
                             4.9e-324,
                             -2.5,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::nan("")};
  for (double v : specials) {
    for (int d : {2, 3, 6}) EXPECT_EQ(fixed(v, d), fmt::format("{:.{}f}", v, d)) << v << " digits " << d;
  }
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> mantissa(0, 1);
  for (int i = 0; i < 200000; ++i) {
    const double v = (mantissa(gen) - 0.3) * std::pow(10.0, static_cast<int>(gen() % 16) - 4);
    const int d = i % 3 == 0 ? 2 : (i % 3 == 1 ? 3 : 6);
    ASSERT_EQ(fixed(v, d), fmt::format("{:.{}f}", v, d)) << v << " digits " << d;
  }
  // Exact binary ties at the rounding digit: k/2^n with few bits.
  for (int k = 0; k < 4096; ++k) {
    const double v = k / 1024.0;
    for (int d : {2, 3}) ASSERT_EQ(fixed(v, d), fmt::format("{:.{}f}", v, d)) << v;
  }
}

TEST(CsvRow, SecondsMatchTheMicrosecondFormat) {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{999999}, int64_t{1000000}, int64_t{-1000001},
                     int64_t{86400} * 1000000 * 30, std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(seconds(us), fmt_seconds(us)) << us;
  }
  std::mt19937_64 gen(11);
  for (int i = 0; i < 100000; ++i) {
    const auto us = static_cast<int64_t>(gen() >> static_cast<int>(gen() % 63)) * (i % 2 == 0 ? 1 : -1);
    ASSERT_EQ(seconds(us), fmt_seconds(us)) << us;
  }
  EXPECT_EQ(seconds(std::numeric_limits<int64_t>::min()), "-9223372036854.775808");
}

TEST(CsvRow, FieldsAreCommaSeparatedAndTheRowEndsInANewline) {
  std::string out;
  CsvRow(out).integer(42).text("co-001").empty().seconds(SimTime::from_us(1500000)).fixed(0.5, 2).end();
  EXPECT_EQ(out, "42,co-001,,1.500000,0.50\n");
}
