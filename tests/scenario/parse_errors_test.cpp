// Every kind of bad input gives a diagnostic with the right message and the exact line:col.
// Most cases swap one line of data/valid.yaml (see the line numbers there).
#include <string>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

using test::has_error;
using test::parse_text;
using test::valid_with;

ParseResult with(std::vector<std::pair<int, std::string>> edits) { return parse_text(valid_with(std::move(edits))); }

TEST(ScenarioErrors, UnknownKeyWithSuggestion) {
  const ParseResult r = with({{18, "        nodez: 4"}});
  EXPECT_TRUE(has_error(r, 18, 9, "unknown key 'nodez' in pool (did you mean 'nodes'?)"));
  EXPECT_TRUE(has_error(r, 16, 9, "missing required key 'nodes' in pool"));
  EXPECT_EQ(r.errors.size(), 2u) << test::all_errors(r);
}

TEST(ScenarioErrors, UnknownKeyWithoutCloseMatchListsKnownKeys) {
  const ParseResult r = with({{57, "stats:"}});
  EXPECT_TRUE(has_error(r, 57, 1, "unknown key 'stats' in scenario file (known keys: scenario, catalog,"));
  const ParseResult typo = with({{57, "perfs:"}});
  EXPECT_TRUE(has_error(typo, 57, 1, "unknown key 'perfs' in scenario file (did you mean 'perf'?)"));
}

TEST(ScenarioErrors, MissingRequiredKey) {
  const ParseResult r = with({{3, "  description: no horizon"}});
  EXPECT_TRUE(has_error(r, 2, 3, "missing required key 'horizon' in scenario"));
  EXPECT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  const ParseResult top = with({{28, ""}, {29, ""}});
  EXPECT_TRUE(has_error(top, 1, 1, "missing required key 'tenants' in scenario file"));
  const ParseResult ref = with({{31, ""}});
  EXPECT_TRUE(has_error(ref, 32, 3, "missing required key 'reference_chip' in workload"));
}

TEST(ScenarioErrors, WrongTypes) {
  EXPECT_TRUE(
      has_error(with({{8, "    fabric: [800Gbps]"}}), 8, 13, "wrong type for fabric: expected a map, got a list"));
  EXPECT_TRUE(has_error(with({{18, "        nodes: many"}}), 18, 16,
                        "invalid 'nodes': 'many' is not a count (accepted suffixes: K, M, B)"));
  EXPECT_TRUE(has_error(with({{37, "      cards: { values: 8, weights: [1] }"}}), 37, 24,
                        "wrong type for 'values': expected a list, got '8'"));
  EXPECT_TRUE(has_error(with({{53, "      allowed_chips: { a: 1 }"}}), 53, 22,
                        "wrong type for 'allowed_chips': expected a list, got a map"));
  EXPECT_TRUE(has_error(with({{41, "      trains: yes"}}), 41, 15,
                        "wrong type for 'trains': expected true or false, got 'yes'"));
  EXPECT_TRUE(has_error(with({{4, "  seed:"}}), 4, 3, "wrong type for 'seed': expected an integer, got nothing"));
  EXPECT_TRUE(has_error(with({{18, "        nodes: 2.5"}}), 18, 16, "invalid 'nodes': '2.5' is not a whole number"));
}

TEST(ScenarioErrors, BadUnits) {
  EXPECT_TRUE(has_error(with({{3, "  horizon: 30days"}}), 3, 12,
                        "invalid 'horizon': unknown duration unit 'days' in '30days' (accepted units: us, ms, s, "
                        "min, h, d)"));
  EXPECT_TRUE(has_error(with({{12, "    bandwidth: 10Gbit"}}), 12, 16,
                        "unknown bandwidth unit 'Gbit' in '10Gbit' (accepted units: Mbps, Gbps, Tbps, MB/s, GB/s)"));
  EXPECT_TRUE(has_error(with({{20, "        memory_per_node: 1TiBs"}}), 20, 26,
                        "unknown size unit 'TiBs' in '1TiBs' (accepted units: MB, GB, TB, MiB, GiB, TiB)"));
  EXPECT_TRUE(has_error(with({{58, "  comm_overlap: 30%"}}), 58, 17, "unexpected unit '%'"));
}

TEST(ScenarioErrors, UndefinedReferences) {
  EXPECT_TRUE(has_error(with({{17, "        chip: A100-80G-SXN"}}), 17, 15,
                        "undefined chip 'A100-80G-SXN' (did you mean 'A100-80G-SXM'?)"));
  EXPECT_TRUE(has_error(with({{16, "      - site: easy"}}), 16, 15, "undefined site 'easy' (did you mean 'east'?)"));
  EXPECT_TRUE(
      has_error(with({{10, "  - between: [east, wset]"}}), 10, 21, "undefined site 'wset' (did you mean 'west'?)"));
  EXPECT_TRUE(has_error(with({{46, "    - tenant: co-100"}}), 46, 15, "undefined tenant 'co-100'"));
  EXPECT_TRUE(has_error(with({{46, "    - tenant: acme"}}), 46, 15, "undefined tenant 'acme'"));
  EXPECT_TRUE(has_error(with({{31, "  reference_chip: A100"}}), 31, 19, "undefined chip 'A100'"));
  EXPECT_TRUE(has_error(with({{53, "      data_site: wast"}}), 53, 18, "undefined site 'wast' (did you mean"));
  EXPECT_TRUE(has_error(with({{53, "      allowed_chips: [H800-SXM, H100]"}}), 53, 33, "undefined chip 'H100'"));
}

// seq_len: a whole number of tokens, 0 (attention left out) to 16 Mi, in classes and jobs.
TEST(ScenarioErrors, SequenceLengthIsAWholeNumberInRange) {
  EXPECT_TRUE(
      has_error(with({{40, "      seq_len: -1"}}), 40, 16, "invalid 'seq_len': negative value '-1' is not allowed"));
  EXPECT_TRUE(
      has_error(with({{40, "      seq_len: 20M"}}), 40, 16, "'seq_len' must be between 0 and 16777216, got 20M"));
  EXPECT_TRUE(has_error(with({{51, "      seq_len: 4.5"}}), 51, 16, "'seq_len'"));
}

TEST(ScenarioErrors, NegativeAndZeroCapacities) {
  EXPECT_TRUE(
      has_error(with({{18, "        nodes: -4"}}), 18, 16, "invalid 'nodes': negative value '-4' is not allowed"));
  EXPECT_TRUE(has_error(with({{18, "        nodes: 0"}}), 18, 16, "'nodes' must be > 0, got 0"));
  EXPECT_TRUE(has_error(with({{19, "        cpu_per_node: 0"}}), 19, 23, "'cpu_per_node' must be > 0, got 0"));
  EXPECT_TRUE(
      has_error(with({{20, "        memory_per_node: 0GB"}}), 20, 26, "'memory_per_node' must be at least 1 MiB"));
  EXPECT_TRUE(has_error(with({{24, "        cards_per_node: 33"}}), 24, 25,
                        "'cards_per_node' must be between 1 and 32, got 33"));
  EXPECT_TRUE(has_error(with({{12, "    bandwidth: 0Gbps"}}), 12, 16, "'bandwidth' must be > 0"));
  EXPECT_TRUE(has_error(with({{49, "      cards: 0"}}), 49, 14, "'cards' must be > 0, got 0"));
}

// The platform must fit in memory: a pool of 1e7 nodes x 8 cards passed the per-pool limit and
// died with bad_alloc. Refused at the pool that crosses the total, cards or nodes.
TEST(ScenarioErrors, PlatformLargerThanTheLimitsIsRefusedAtThePoolThatCrossesThem) {
  const ParseResult r = with({{18, "        nodes: 10000000"}});
  EXPECT_TRUE(
      has_error(r, 16, 9, "the platform reaches 80000000 cards at this pool, more than the limit of 4000000 cards"))
      << test::all_errors(r);
  EXPECT_TRUE(
      has_error(with({{18, "        nodes: 100000"}, {23, "        nodes: 950000"}, {24, "        cards_per_node: 1"}}),
                21, 9, "the platform reaches 1050000 nodes at this pool, more than the limit of 1000000 nodes"));
  EXPECT_TRUE(with({{18, "        nodes: 400000"}}).ok());  // 3.2 M cards: within both
}

TEST(ScenarioErrors, ImpossibleJobMemory) {
  const ParseResult r = with({{50, "      params: 700B"}});
  EXPECT_TRUE(has_error(r, 46, 7,
                        "impossible job workload.jobs[0] (tenant co-001): needs 700 GB per card (16 B/param x 7e+11 "
                        "params / 16 cards + 0 GB activations) but the most usable memory of an allowed chip is 72 "
                        "GB (A100-80G-SXM: 80 GB x 0.9)"));
  EXPECT_EQ(r.errors.size(), 1u) << test::all_errors(r);
}

TEST(ScenarioErrors, ImpossibleGang) {
  const ParseResult r = with({{49, "      cards: 64"}});
  EXPECT_TRUE(has_error(r, 46, 7,
                        "impossible job workload.jobs[0] (tenant co-001): gang of 64 cards is too large: the largest "
                        "pool of an allowed chip with enough memory holds 32 cards (A100-80G-SXM)"));
  EXPECT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  // Restricted to a chip without any pool.
  EXPECT_TRUE(has_error(with({{53, "      allowed_chips: [H800-SXM]"}}), 46, 7,
                        "none of its allowed chips (H800-SXM) has a pool in this scenario"));
}

TEST(ScenarioErrors, ImpossibleClass) {
  // A pair that does not fit is fine while each value fits with some other: the generator redraws.
  // 13B on one card needs 26 + 50 = 76 GB > 72 GB usable, but fits on 8 cards; 7B fits on one.
  EXPECT_TRUE(with({{42, "      activation_per_card: 50GB"}}).ok());
  EXPECT_TRUE(has_error(with({{37, "      cards: { values: [1, 64], weights: [0.9, 0.1] }"}}), 35, 7,
                        "impossible class workload.classes[0] (eval): a gang of 64 cards fits with none of its "
                        "models: gang of 64 cards is too large"));
  // Training the 13B model on one card: 16 B/param x 13e9 = 208 GB + 4 GB activations.
  EXPECT_TRUE(has_error(with({{37, "      cards: { values: [1], weights: [1] }"}, {41, "      trains: true"}}), 35, 7,
                        "impossible class workload.classes[0] (eval): a model of 1.3e+10 parameters fits with none "
                        "of its gang sizes: needs 212 GB per card"));
}

TEST(ScenarioErrors, DuplicateNames) {
  const ParseResult sites = with({{7, "  - name: east"}});
  EXPECT_TRUE(has_error(sites, 7, 11, "duplicate site 'east'"));
  const ParseResult tenants = with({{29, "  list: [ { name: co-001 }, { name: co-001 } ]"}});
  EXPECT_TRUE(has_error(tenants, 29, 37, "duplicate tenant 'co-001'"));
  const ParseResult providers =
      with({{13,
             "providers:\n  - { name: telco, pools: [ { site: east, chip: H800-SXM, nodes: 1, cpu_per_node: 1, "
             "memory_per_node: 1GB } ] }"}});
  EXPECT_TRUE(has_error(providers, 15, 11, "duplicate provider 'telco'"));
  const ParseResult keys = with({{4, "  horizon: 3d"}});
  EXPECT_TRUE(has_error(keys, 4, 3, "duplicate key 'horizon' (first given on line 3)"));
}

TEST(ScenarioErrors, EmptyFile) {
  const ParseResult r = parse_text("");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].format(), "t.yaml:1:1: error: scenario is empty");
  EXPECT_TRUE(has_error(parse_text("# nothing but a comment\n\n"), 1, 1, "scenario is empty"));
}

TEST(ScenarioErrors, NonMapTopLevel) {
  const ParseResult r = parse_text("- a\n- b\n");
  ASSERT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  EXPECT_TRUE(has_error(r, 1, 1, "wrong type for the scenario's top level: expected a map, got a list"));
  EXPECT_TRUE(has_error(parse_text("just words"), 1, 1, "expected a map, got 'just words'"));
}

TEST(ScenarioErrors, SyntaxError) {
  const ParseResult r = parse_text("scenario:\n  name: [tiny\n  horizon: 1d\n");
  ASSERT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  EXPECT_TRUE(has_error(r, 3, 10, "YAML syntax error: end of sequence flow not found"));
  const ParseResult tabs = parse_text("scenario:\n  name: a\n bad: 1\n");
  ASSERT_EQ(tabs.errors.size(), 1u) << test::all_errors(tabs);
  EXPECT_NE(tabs.errors[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_EQ(tabs.errors[0].pos.line, 3);
}

TEST(ScenarioErrors, BinaryJunk) {
  const ParseResult r =
      parse_text(std::string("\x7f"
                             "ELF\x02\x01\x01\x00\x00",
                             9));
  ASSERT_EQ(r.errors.size(), 1u) << test::all_errors(r);
  EXPECT_TRUE(has_error(r, 1, 1, "not a YAML text file: invalid byte 0x7F"));
  const ParseResult mid = with({{2, "  name: tiny\xff"}});
  ASSERT_EQ(mid.errors.size(), 1u) << test::all_errors(mid);
  EXPECT_TRUE(has_error(mid, 2, 13, "invalid byte 0xFF"));
}

TEST(ScenarioErrors, MissingFile) {
  const ParseResult r = parse_scenario_file("/nonexistent/dir/x.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].pos.line, 0);
  EXPECT_EQ(r.errors[0].format(), "/nonexistent/dir/x.yaml: error: cannot read scenario: No such file or directory");
  const ParseResult dir = parse_scenario_file(test::data_dir());
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_EQ(dir.errors[0].message, "cannot read scenario: Is a directory");
}

TEST(ScenarioErrors, MissingCatalog) {
  const ParseResult r = parse_text("catalog: nowhere/chips.yaml\n" + test::read_fixture("valid.yaml"));
  EXPECT_TRUE(has_error(
      r, 1, 10, "cannot read chip catalog '" + test::data_dir() + "/nowhere/chips.yaml': No such file or directory"));
  const ParseResult none = parse_scenario_string(test::read_fixture("valid.yaml"), "t.yaml", "/");
  EXPECT_TRUE(has_error(none, 1, 1, "no chip catalog: catalog/chips.yaml is not in '/' or any parent directory"));
}

TEST(ScenarioErrors, JobAndWorkloadRules) {
  EXPECT_TRUE(has_error(with({{53, "      steps: 100"}}), 46, 7,
                        "job gives both 'runtime_on_reference' and 'steps'; give exactly one"));
  EXPECT_TRUE(has_error(with({{52, "      data_site: east"}}), 46, 7, "job needs 'runtime_on_reference' or 'steps'"));
  EXPECT_TRUE(has_error(with({{48, "      arrival: 3d"}}), 48, 16,
                        "'arrival' (259200 s) must be before the horizon (172800 s)"));
  EXPECT_TRUE(has_error(with({{47, "      class: train"}}), 47, 14,
                        "unknown job class 'train' (expected pretrain, finetune, eval, inference or debug)"));
  EXPECT_TRUE(has_error(with({{33, "  diurnal: [1, 2]"}}), 33, 12, "'diurnal' needs 24 numbers (one per hour), got 2"));
  EXPECT_TRUE(has_error(with({{33, "  diurnal: [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]"}}), 33, 12,
                        "'diurnal' values are all zero"));
  EXPECT_TRUE(has_error(with({{37, "      cards: { values: [1, 8], weights: [1] }"}}), 37, 41,
                        "'cards' has 2 values but 1 weights"));
  EXPECT_TRUE(has_error(with({{37, "      cards: { values: [1, 8], weights: [0, 0] }"}}), 37, 41,
                        "'cards' weights are all zero"));
  EXPECT_TRUE(has_error(with({{38, "      runtime: { median: 90s, sigma: 1.4, min: 100s }"}}), 38, 16,
                        "'runtime' needs min <= median <= max, got min 100, median 90"));
  EXPECT_TRUE(has_error(with({{36, "      share: 0"}}), 36, 14, "'share' must be > 0, got 0"));
  EXPECT_TRUE(has_error(with({{28, "tenants: { generate: { count: 2, prefix: co }, list: [] }"}, {29, ""}}), 28, 10,
                        "'tenants' takes either 'generate' or 'list', not both"));
  EXPECT_TRUE(has_error(with({{2, "  name: my scenario"}}), 2, 9,
                        "invalid name 'my scenario': use letters, digits, '.', '_' and '-' only"));
  EXPECT_TRUE(has_error(with({{10, "  - between: [east, east]"}}), 10, 14, "a link joins two distinct sites"));
  EXPECT_TRUE(has_error(with({{60, "  comm_overlap: 1"}}), 60, 3, "unknown key 'comm_overlap' in metrics"));
}

TEST(ScenarioErrors, RateWithoutClasses) {
  std::vector<std::pair<int, std::string>> edits;
  for (int line = 34; line <= 44; ++line) edits.emplace_back(line, "");
  EXPECT_TRUE(has_error(with(edits), 32, 17, "'jobs_per_day' is 2000 but the workload has no classes"));
}

TEST(ScenarioErrors, ReportsManyErrorsInOneRunSortedByPosition) {
  const ParseResult r = with({{3, "  horizon: 2 days"},
                              {12, "    bandwidth: -1Gbps"},
                              {18, "        nodez: 4"},
                              {46, "    - tenant: co-100"},
                              {58, "  comm_overlap: 1.5"}});
  ASSERT_EQ(r.errors.size(), 6u) << test::all_errors(r);
  EXPECT_TRUE(has_error(r, 3, 12, "unknown duration unit 'days'"));
  EXPECT_TRUE(has_error(r, 12, 16, "negative value '-1Gbps'"));
  EXPECT_TRUE(has_error(r, 16, 9, "missing required key 'nodes' in pool"));
  EXPECT_TRUE(has_error(r, 18, 9, "unknown key 'nodez'"));
  EXPECT_TRUE(has_error(r, 46, 15, "undefined tenant 'co-100'"));
  EXPECT_TRUE(has_error(r, 58, 17, "'comm_overlap' must be in [0, 1), got 1.5"));
  for (std::size_t i = 1; i < r.errors.size(); ++i) {
    EXPECT_LE(r.errors[i - 1].pos.line, r.errors[i].pos.line);
  }
  EXPECT_EQ(r.errors[0].format(),
            "t.yaml:3:12: error: invalid 'horizon': unknown duration unit 'days' in '2 days' (accepted units: us, "
            "ms, s, min, h, d)");
}

// Line endings and tabs that yaml-cpp misreports: CR-only files parsed as one line ("scenario is
// empty"), a tab in the indentation as "illegal map value" without naming the tab.
TEST(ScenarioErrors, CrOnlyLineEndingsAndTabIndentationAreNamed) {
  EXPECT_TRUE(has_error(parse_text("scenario:\r  name: x\r"), 1, 10, "lone carriage return (CR-only line endings)"));
  EXPECT_TRUE(parse_text(test::read_fixture("valid.yaml")).ok());  // LF
  const ParseResult tab = parse_text("scenario:\n  name: x\n\thorizon: 1d\n");
  ASSERT_FALSE(tab.ok());
  EXPECT_NE(tab.errors[0].message.find("line 3 indents with a tab; YAML indents with spaces only"), std::string::npos)
      << test::all_errors(tab);
}

// An unclosed quote was reported where the next quote closed it (line 4 reported at 34:98), or,
// run to the end of the file, not at all. Both now name the opening quote.
TEST(ScenarioErrors, AnUnclosedQuoteIsReportedWhereItOpens) {
  const ParseResult r = with({{3, "  horizon: \"2d"}, {11, "    latency: \"0.5ms\""}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(
      r, 3, 12, "YAML syntax error: the \"...\" string opened here runs on to line 11 and swallows 'seed:' on line 4"))
      << test::all_errors(r);
  EXPECT_NE(r.errors[0].message.find("is its closing \" missing? (the parser stopped at"), std::string::npos)
      << test::all_errors(r);
  const ParseResult at_end = parse_text("scenario:\n  name: 'x\n  horizon: 1d\n");
  EXPECT_TRUE(has_error(at_end, 2, 9,
                        "YAML syntax error: the '...' string opened here is never closed and swallows 'horizon:' on "
                        "line 3: is its closing ' missing?"))
      << test::all_errors(at_end);
  EXPECT_EQ(at_end.errors.size(), 1u) << test::all_errors(at_end);
}

// A `base:` that is a loop of symbolic links was reported as "No such file or directory".
TEST(ScenarioErrors, ABaseThatIsALoopOfSymlinksIsNamedSo) {
  const std::filesystem::path d =
      std::filesystem::temp_directory_path() / ("hetsim-loop-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  std::filesystem::create_symlink(d / "b.yaml", d / "a.yaml");
  std::filesystem::create_symlink(d / "a.yaml", d / "b.yaml");
  { std::ofstream(d / "derived.yaml") << "base: a.yaml\n"; }
  const ParseResult r = parse_scenario_file((d / "derived.yaml").string());
  EXPECT_TRUE(has_error(r, 1, 7, "cannot read base scenario", (d / "derived.yaml").string()));
  EXPECT_NE(test::all_errors(r).find("Too many levels of symbolic links"), std::string::npos) << test::all_errors(r);
  std::filesystem::remove_all(d);
}

TEST(ScenarioErrors, SurvivesHostileYaml) {
  // A self-referencing alias and an alias bomb end in one diagnostic each, not a crash or a hang.
  EXPECT_FALSE(parse_text("a: &x [*x]\n").ok());
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
            ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
            ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) +
            ", *" + static_cast<char>(c - 1) + ", *" + static_cast<char>(c - 1) + "]\n";
  }
  const ParseResult r = parse_text(bomb);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.errors[0].message.find("too large"), std::string::npos) << test::all_errors(r);
  // Few values, many bytes: a 1 MiB string aliased 200 times (a 1 MB file that expanded to 1 GB
  // with a thousand aliases) is refused by the expanded size, at the value whose copies cross it.
  std::string wide = "s: &s " + std::string(1 << 20, 'x') + "\nl: [";
  for (int i = 0; i < 200; ++i) wide += i == 0 ? "*s" : ", *s";
  wide += "]\n";
  const ParseResult w = parse_text(wide);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.errors[0].message.find("expand to more than 128 MiB"), std::string::npos) << test::all_errors(w);
  EXPECT_EQ(w.errors[0].pos.line, 1);                // the aliased value (yaml-cpp keeps no position per alias)
  EXPECT_FALSE(parse_text("? [a, b]\n: 1\n").ok());  // non-scalar key
  EXPECT_FALSE(parse_text("---\na: 1\n---\nb: 2\n").ok());
}

// yaml-cpp 0.7's LoadAll never returns on these (found by fuzz/fuzz_scenario): each leaves a token
// no document can start with. The loader asks for at most two documents and reports the rest.
TEST(ScenarioErrors, StrayCommaBeforeAFlowCollectionIsAnErrorNotAHang) {
  const char* stray = "',' outside a [list] or {map}";
  EXPECT_TRUE(has_error(parse_text(",\n["), 1, 1, stray));
  EXPECT_TRUE(has_error(parse_text("'a',\n["), 1, 4, stray));
  EXPECT_TRUE(has_error(parse_text("  [a],\n  ["), 1, 6, stray));
  EXPECT_TRUE(has_error(parse_text("{a: 1}, \n{"), 1, 7, stray));
  EXPECT_TRUE(has_error(parse_text("&a',"), 1, 4, stray));
  EXPECT_TRUE(has_error(parse_text("\xEF\xBB\xBF,a'"), 1, 1, stray));  // after a byte order mark
  EXPECT_TRUE(has_error(parse_text("!t ,"), 1, 4, stray));
  EXPECT_TRUE(has_error(parse_text("'!,'!,"), 1, 5, "unexpected content after the end of the document"));
  // Where yaml-cpp itself reports the ',' the message says what a ',' is for.
  const char* hint = "a ',' separates items only inside a [list] or {map}";
  EXPECT_TRUE(has_error(parse_text("a: don't\n,y: b'\n["), 2, 1, hint));
  EXPECT_TRUE(has_error(parse_text("x: 'a\n  b',\n["), 2, 5, hint));  // multi-line quote
  EXPECT_TRUE(has_error(parse_text("a: ,b"), 1, 4, hint));
  EXPECT_TRUE(has_error(parse_text("scenario:\n  name: x\n    ,b: 2\n  c: [x, y]\n"), 3, 7, "YAML syntax error"));
  EXPECT_TRUE(has_error(parse_text("a: 1\n]"), 2, 1, "YAML syntax error"));
  EXPECT_TRUE(has_error(parse_text("a: 1\n---\nb: 2\n"), 2, 1, "expected one YAML document; a second one starts here"));
  // Anchors, aliases and tags used properly are not flagged.
  for (const auto& d : parse_text("base: &b {x: 1}\nother: *b\nscenario: !!map {name: a}\n").errors)
    EXPECT_EQ(d.message.find("YAML syntax error"), std::string::npos) << d.format();
  for (const char* ok_text : {"scenario: {name: a, seed: 1}\n", "scenario:\n  description: 'a, b'\n",
                              "scenario:\n  description: x, 'y'\n", "scenario:\n  description: 'a\n    b, c'\n"}) {
    for (const auto& d : parse_text(ok_text).errors)
      EXPECT_EQ(d.message.find("YAML syntax error"), std::string::npos) << d.format();
  }
  // Inside a flow collection a leading ',' is valid YAML and reaches the usual checks.
  const auto ok = parse_text("scenario: {name: x,\n  horizon: 1d\n  , seed: 3}\n");
  for (const auto& d : ok.errors) EXPECT_EQ(d.message.find("cannot start with ','"), std::string::npos) << d.format();
}

}  // namespace
}  // namespace hetsim
