// Trace-replay scenarios (`sharing_replay:`): the valid form, defaults, and each bad input with its
// position.
#include <gtest/gtest.h>

#include "scenario_test_support.hpp"

namespace hetsim::test {
namespace {

std::string replay(const std::string& body) {
  return "scenario:\n"
         "  name: r\n"
         "  seed: 4\n"
         "sharing_replay:\n"
         "  nodes: ../../workload/data/openb/nodes.csv\n"
         "  pods: ../../workload/data/openb/pods.csv\n" +
         body;
}

TEST(SharingReplayScenario, ValidFileWithEveryKey) {
  const auto r =
      parse_text(replay("  inflation_pct: 120\n"
                        "  target_workload:\n"
                        "    include_cpu_only: false\n"
                        "    popularity_threshold_pct: 90\n"
                        "  policies: [fgd, random-fit]\n"
                        "  seeds: [3, 1]\n"
                        "  tie_break: random\n"
                        "  scores: reference-integer\n"));
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& s = r.spec.sharing_replay;
  EXPECT_TRUE(r.spec.has_sharing_replay);
  EXPECT_NE(s.nodes_file.find("tests/workload/data/openb/nodes.csv"), std::string::npos) << s.nodes_file;
  EXPECT_EQ(s.inflation_pct, 120);
  EXPECT_FALSE(s.include_cpu_only);
  EXPECT_EQ(s.popularity_threshold_pct, 90);
  EXPECT_EQ(s.policies, (std::vector<std::string>{"fgd", "random-fit"}));
  EXPECT_EQ(s.seeds, (std::vector<uint64_t>{3, 1}));
  EXPECT_EQ(s.placement.tie_break, TieBreak::Random);
  EXPECT_EQ(s.placement.scores, ScoreResolution::ReferenceInteger);
  // The reference protocol's keys.
  const auto ref = parse_text(replay("  tie_break: node-permutation\n  arrivals: reference\n  reading: reference\n"));
  ASSERT_TRUE(ref.ok()) << all_errors(ref);
  EXPECT_EQ(ref.spec.sharing_replay.placement.tie_break, TieBreak::NodePermutation);
  EXPECT_EQ(ref.spec.sharing_replay.arrivals, FgdArrivalMode::Reference);
  EXPECT_EQ(ref.spec.sharing_replay.reading, FgdReadingMode::Reference);
}

TEST(SharingReplayScenario, DefaultsAreThePapersSettingsAndTheHeaderSeed) {
  const auto r = parse_text(replay(""));
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const auto& s = r.spec.sharing_replay;
  EXPECT_EQ(s.inflation_pct, 130);
  EXPECT_TRUE(s.include_cpu_only);
  EXPECT_EQ(s.popularity_threshold_pct, 95);
  EXPECT_EQ(s.policies, (std::vector<std::string>{"fgd"}));
  EXPECT_EQ(s.seeds, (std::vector<uint64_t>{4}));
  EXPECT_EQ(s.placement.tie_break, TieBreak::LowestId);
  EXPECT_EQ(s.placement.scores, ScoreResolution::Exact);
  EXPECT_EQ(s.arrivals, FgdArrivalMode::Draws);
  EXPECT_EQ(s.reading, FgdReadingMode::Crossing);
}

TEST(SharingReplayScenario, BadInputsPointAtTheirValue) {
  EXPECT_TRUE(has_error(parse_text(replay("  policies: [fgd, bestfit]\n")), 7, 19, "did you mean 'best-fit'"));
  EXPECT_TRUE(has_error(parse_text(replay("  policies: [fgd, fgd]\n")), 7, 19, "listed twice"));
  EXPECT_TRUE(has_error(parse_text(replay("  policies: []\n")), 7, 13, "at least one policy"));
  EXPECT_TRUE(has_error(parse_text(replay("  seeds: [1, 1]\n")), 7, 14, "seed 1 is listed twice"));
  EXPECT_TRUE(has_error(parse_text(replay("  seeds: [-1]\n")), 7, 11, "seed"));
  EXPECT_TRUE(has_error(parse_text(replay("  inflation_pct: 0\n")), 7, 18, "inflation_pct"));
  EXPECT_TRUE(has_error(parse_text(replay("  target_workload: {popularity_threshold_pct: 101}\n")), 7, 47,
                        "popularity_threshold_pct"));
  EXPECT_TRUE(has_error(parse_text(replay("  inflation: 130\n")), 7, 3, "inflation_pct"));
  EXPECT_TRUE(has_error(parse_text(replay("  tie_break: first\n")), 7, 14, "lowest-id, random or node-permutation"));
  EXPECT_TRUE(has_error(parse_text(replay("  arrivals: shuffled\n")), 7, 13, "'arrivals' must be draws or reference"));
  EXPECT_TRUE(has_error(parse_text(replay("  reading: mean\n")), 7, 12, "'reading' must be crossing or reference"));
  EXPECT_TRUE(has_error(parse_text(replay("  scores: integer\n")), 7, 11, "exact or reference-integer"));
  const auto missing = parse_text(replay("").replace(replay("").find("pods.csv"), 8, "nope.csv"));
  EXPECT_TRUE(has_error(missing, 6, 9, "cannot read pod list"));
  // City-scenario sections do not belong in a replay file.
  EXPECT_TRUE(has_error(parse_text(replay("") + "sites: []\n"), 7, 1, "unknown key 'sites'"));
}

}  // namespace
}  // namespace hetsim::test
