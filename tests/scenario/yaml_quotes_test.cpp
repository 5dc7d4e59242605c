// The runaway-quote scanner: a string left open is named where it opens, never where the next
// quote happens to close it; valid YAML with quotes, apostrophes and block scalars is left alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hetsim/scenario/yaml_quotes.hpp"

namespace hetsim {
namespace {

TEST(RunawayQuote, NamesTheOpeningOfAStringThatSwallowsKeys) {
  const std::string text = "a:\n  b: \"x\n  c: 1\n  d: \"y\"\n";
  const auto q = find_runaway_quote(text);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->line, 2);
  EXPECT_EQ(q->col, 6);
  EXPECT_EQ(q->end_line, 4);
  EXPECT_EQ(q->swallowed_line, 3);
  EXPECT_EQ(describe_runaway_quote(text, *q),
            "the \"...\" string opened here runs on to line 4 and swallows 'c:' on line 3: is its closing \" missing?");
}

TEST(RunawayQuote, AStringNeverClosedRunsToTheEnd) {
  const auto q = find_runaway_quote("a: 'x\nb: 1\n");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->end_line, 0);
  EXPECT_EQ(q->quote, '\'');
  EXPECT_EQ(q->swallowed_line, 2);
  // Even with nothing key-like inside: YAML has no unterminated strings.
  const auto plain = find_runaway_quote("a: \"x\n  more text\n");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->end_line, 0);
}

TEST(RunawayQuote, ValidQuotingIsLeftAlone) {
  for (const char* ok : {
           "a: \"x\"\nb: 'it''s'\nc: \"esc \\\" quote\"\n",  // escapes of both styles
           "name: it's fine\nb: don't\n",                    // apostrophes in plain scalars
           "a: 1 # it's a comment with a \" quote\n",        // quotes in comments
           "d: >-\n  \"quoted\n  e: text\nf: 1\n",           // quotes in a folded block scalar
           "d: |2 # keep\n  'x\n  y: z\ng: 1\n",             // and a literal one with a comment
           "l: [\"a\", 'b', {k: \"v\"}]\n- 'x'\n",           // flow collections and list items
           "m: \"line one\n  line two\"\n",                  // a multi-line string holding no key
           "desc: \"see:\n  x\"\n",                          // ...nor a key-like line of its own
           "anchor: &a \"x\"\nalias: *a\n",
       }) {
    EXPECT_FALSE(find_runaway_quote(ok).has_value()) << ok;
  }
}

TEST(RunawayQuote, OnlyStringsOpenedBeforeTheLimitCount) {
  const std::string text = "a: 1\nb: 2\nc: \"x\nd: 1\ne: \"\n";
  EXPECT_FALSE(find_runaway_quote(text, 2).has_value());
  EXPECT_TRUE(find_runaway_quote(text, 3).has_value());
}

// No false alarm on any YAML file the project ships: scenarios, catalogs, sweeps, test fixtures.
TEST(RunawayQuote, NoFalseAlarmOnTheProjectsYamlFiles) {
  std::size_t files = 0;
  for (const char* dir : {"scenarios", "sweeps", "tests", "docs"}) {
    const std::filesystem::path root = std::filesystem::path(HETSIM_SOURCE_DIR) / dir;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || (e.path().extension() != ".yaml" && e.path().extension() != ".yml")) continue;
      // Fixtures made to hold an unclosed quote say so in their name.
      if (e.path().filename().string().find("unclosed") != std::string::npos) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      const auto q = find_runaway_quote(ss.str());
      EXPECT_FALSE(q.has_value()) << e.path() << ":" << (q ? q->line : 0);
      ++files;
    }
  }
  EXPECT_GT(files, 20u);
}

}  // namespace
}  // namespace hetsim
