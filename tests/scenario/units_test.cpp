#include <cmath>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "hetsim/scenario/units.hpp"

namespace hetsim {
namespace {

double ok(std::string_view text, UnitKind kind) {
  double v = -1;
  const std::string err = parse_quantity(text, kind, v);
  EXPECT_EQ(err, "") << text;
  return v;
}

std::string bad(std::string_view text, UnitKind kind) {
  double v = -1;
  const std::string err = parse_quantity(text, kind, v);
  EXPECT_NE(err, "") << text << " was accepted as " << v;
  EXPECT_EQ(v, -1) << "output written on error";
  return err;
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(ok("250us", UnitKind::Duration), 250e-6);
  EXPECT_DOUBLE_EQ(ok("1ms", UnitKind::Duration), 1e-3);
  EXPECT_DOUBLE_EQ(ok("90s", UnitKind::Duration), 90);
  EXPECT_DOUBLE_EQ(ok("10min", UnitKind::Duration), 600);
  EXPECT_DOUBLE_EQ(ok("2.5h", UnitKind::Duration), 9000);
  EXPECT_DOUBLE_EQ(ok("30d", UnitKind::Duration), 30 * 86400.0);
  EXPECT_DOUBLE_EQ(ok("3600", UnitKind::Duration), 3600);  // plain: seconds
  EXPECT_DOUBLE_EQ(ok("2.5 h", UnitKind::Duration), 9000);
  EXPECT_DOUBLE_EQ(ok("1e3s", UnitKind::Duration), 1000);
  EXPECT_DOUBLE_EQ(ok(".5h", UnitKind::Duration), 1800);
  double s = 0;
  EXPECT_EQ(parse_duration("1h", s), "");
  EXPECT_DOUBLE_EQ(s, 3600);
}

TEST(Units, Bandwidths) {
  EXPECT_DOUBLE_EQ(ok("100Mbps", UnitKind::Bandwidth), 0.1);
  EXPECT_DOUBLE_EQ(ok("400Gbps", UnitKind::Bandwidth), 400);
  EXPECT_DOUBLE_EQ(ok("1.6Tbps", UnitKind::Bandwidth), 1600);
  EXPECT_DOUBLE_EQ(ok("500MB/s", UnitKind::Bandwidth), 4);
  EXPECT_DOUBLE_EQ(ok("50GB/s", UnitKind::Bandwidth), 400);
  EXPECT_DOUBLE_EQ(ok("10", UnitKind::Bandwidth), 10);
}

TEST(Units, Sizes) {
  EXPECT_DOUBLE_EQ(ok("500MB", UnitKind::Size), 0.5);
  EXPECT_DOUBLE_EQ(ok("80GB", UnitKind::Size), 80);
  EXPECT_DOUBLE_EQ(ok("2TB", UnitKind::Size), 2000);
  EXPECT_DOUBLE_EQ(ok("1MiB", UnitKind::Size), 1048576e-9);
  EXPECT_DOUBLE_EQ(ok("1536GiB", UnitKind::Size), 1536 * 1073741824e-9);
  EXPECT_DOUBLE_EQ(ok("1TiB", UnitKind::Size), 1099511627776e-9);
  EXPECT_DOUBLE_EQ(ok("64", UnitKind::Size), 64);
}

TEST(Units, Counts) {
  EXPECT_DOUBLE_EQ(ok("256K", UnitKind::Count), 256e3);
  EXPECT_DOUBLE_EQ(ok("4M", UnitKind::Count), 4e6);
  EXPECT_DOUBLE_EQ(ok("175B", UnitKind::Count), 175e9);
  EXPECT_DOUBLE_EQ(ok("1.5K", UnitKind::Count), 1500);
  EXPECT_DOUBLE_EQ(ok("12", UnitKind::Count), 12);
  double n = 0;
  EXPECT_EQ(parse_count("7B", n), "");
  EXPECT_DOUBLE_EQ(n, 7e9);
}

TEST(Units, CpuIsMilliCores) {
  int64_t m = 0;
  EXPECT_EQ(parse_cpu_milli("192", m), "");
  EXPECT_EQ(m, 192000);
  EXPECT_EQ(parse_cpu_milli("500m", m), "");
  EXPECT_EQ(m, 500);
  EXPECT_EQ(parse_cpu_milli("0.25", m), "");
  EXPECT_EQ(m, 250);
  EXPECT_NE(parse_cpu_milli("0.0005", m), "");  // finer than 1m
  EXPECT_NE(parse_cpu_milli("1.5m", m), "");
  EXPECT_NE(parse_cpu_milli("2 cores", m), "");
}

TEST(Units, PlainRejectsUnits) {
  EXPECT_DOUBLE_EQ(ok("0.45", UnitKind::Plain), 0.45);
  EXPECT_DOUBLE_EQ(ok("+3", UnitKind::Plain), 3);
  EXPECT_NE(bad("80GB", UnitKind::Plain).find("unexpected unit 'GB'"), std::string::npos);
  bad("7B", UnitKind::Plain);
}

TEST(Units, RejectsUnknownUnitsAndListsAccepted) {
  const std::string e = bad("30days", UnitKind::Duration);
  EXPECT_NE(e.find("unknown duration unit 'days'"), std::string::npos) << e;
  EXPECT_NE(e.find("us, ms, s, min, h, d"), std::string::npos) << e;
  EXPECT_NE(bad("10Gbit", UnitKind::Bandwidth).find("Mbps, Gbps, Tbps, MB/s, GB/s"), std::string::npos);
  EXPECT_NE(bad("80gb", UnitKind::Size).find("MB, GB, TB, MiB, GiB, TiB"), std::string::npos);
  EXPECT_NE(bad("7b", UnitKind::Count).find("K, M, B"), std::string::npos);
  bad("5H", UnitKind::Duration);  // units are case-sensitive
  bad("1h30min", UnitKind::Duration);
}

TEST(Units, RejectsNonNumbers) {
  EXPECT_NE(bad("", UnitKind::Duration).find("empty"), std::string::npos);
  EXPECT_NE(bad("   ", UnitKind::Count).find("empty"), std::string::npos);
  EXPECT_NE(bad("soon", UnitKind::Duration).find("is not a duration"), std::string::npos);
  bad("0x10", UnitKind::Count);
  bad("1_000", UnitKind::Count);
  bad("1,5", UnitKind::Plain);
  bad(".", UnitKind::Plain);
  bad("e5", UnitKind::Plain);
}

TEST(Units, RejectsNaNInfinityNegativeAndHuge) {
  for (const char* s : {"nan", "NaN", ".nan", "inf", "-inf", ".inf", "+.Inf", "infinity"}) {
    EXPECT_NE(bad(s, UnitKind::Plain).find("not a finite number"), std::string::npos) << s;
  }
  EXPECT_NE(bad("-5s", UnitKind::Duration).find("negative"), std::string::npos);
  EXPECT_NE(bad("-1", UnitKind::Count).find("negative"), std::string::npos);
  EXPECT_NE(bad("2e15", UnitKind::Plain).find("too large"), std::string::npos);
  EXPECT_NE(bad("1e400", UnitKind::Plain).find("too large"), std::string::npos);
  // The limit applies after conversion to the base unit.
  EXPECT_NE(bad("2000000B", UnitKind::Count).find("too large"), std::string::npos);
  EXPECT_DOUBLE_EQ(ok("1e15", UnitKind::Plain), 1e15);
  EXPECT_DOUBLE_EQ(ok("1e-400", UnitKind::Plain), 0);  // underflow is zero, not an error
}

TEST(Units, WholeFieldsRejectFractions) {
  int64_t n = -1;
  EXPECT_EQ(parse_whole("12", UnitKind::Plain, n), "");
  EXPECT_EQ(n, 12);
  EXPECT_EQ(parse_whole("1.5K", UnitKind::Count, n), "");
  EXPECT_EQ(n, 1500);
  EXPECT_EQ(parse_whole("1e3", UnitKind::Plain, n), "");
  EXPECT_EQ(n, 1000);
  n = -1;
  EXPECT_NE(parse_whole("2.5", UnitKind::Plain, n).find("not a whole number"), std::string::npos);
  EXPECT_NE(parse_whole("1.0005K", UnitKind::Count, n), "");
  EXPECT_EQ(n, -1);
}

}  // namespace
}  // namespace hetsim
