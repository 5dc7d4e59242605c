#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hetsim/core/did_you_mean.hpp"

namespace hetsim {
namespace {

TEST(DidYouMean, Levenshtein) {
  EXPECT_EQ(levenshtein("", ""), 0u);
  EXPECT_EQ(levenshtein("abc", ""), 3u);
  EXPECT_EQ(levenshtein("", "abc"), 3u);
  EXPECT_EQ(levenshtein("nodes", "nodes"), 0u);
  EXPECT_EQ(levenshtein("nodez", "nodes"), 1u);
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(levenshtein("flaw", "lawn"), 2u);
  EXPECT_EQ(levenshtein("Nodes", "nodes"), 1u);  // case-sensitive
}

TEST(DidYouMean, SuggestsWithinThreshold) {
  const std::vector<std::string> keys{"site", "chip", "nodes", "cards_per_node", "cpu_per_node"};
  EXPECT_EQ(did_you_mean("nodez", keys), "nodes");
  EXPECT_EQ(did_you_mean("Nodes", keys), "nodes");
  EXPECT_EQ(did_you_mean("chips", keys), "chip");
  EXPECT_EQ(did_you_mean("cards_per_nod", keys), "cards_per_node");
  // 13 letters -> threshold 4: four edits still suggest, five do not.
  EXPECT_EQ(did_you_mean("cards_pr_nXYZ", keys), "cards_per_node");
  EXPECT_EQ(did_you_mean("cXrds_pr_nXYZ", keys), "");
  EXPECT_EQ(did_you_mean("zzzzzz", keys), "");
  EXPECT_EQ(did_you_mean("memory", keys), "");
}

TEST(DidYouMean, ShortWordsUseDistanceTwo) {
  const std::vector<std::string> names{"east", "west"};
  EXPECT_EQ(did_you_mean("eats", names), "east");  // distance 2 (two substitutions)
  EXPECT_EQ(did_you_mean("north", names), "");
}

TEST(DidYouMean, TiesGoToTheFirstCandidateAndExactMatchesAreSkipped) {
  EXPECT_EQ(did_you_mean("ab", {"aa", "bb"}), "aa");
  EXPECT_EQ(did_you_mean("abc", {"abc"}), "");
  EXPECT_EQ(did_you_mean_note("nodez", {"nodes"}), " (did you mean 'nodes'?)");
  EXPECT_EQ(did_you_mean_note("xyz", {"nodes"}), "");
  EXPECT_EQ(did_you_mean("anything", {}), "");
}

}  // namespace
}  // namespace hetsim
