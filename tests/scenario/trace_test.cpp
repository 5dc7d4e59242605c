// `workload.trace` (docs/scenario-format.md "Job traces"): a CSV of jobs whose columns are an
// explicit job's keys; every bad cell is reported at its own line and column of the CSV file.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "scenario_test_support.hpp"

using namespace hetsim;
namespace fs = std::filesystem;

namespace {

struct TraceFile {
  explicit TraceFile(const std::string& text)
      : path(fs::temp_directory_path() /
             ("hetsim-trace-" + std::to_string(::getpid()) + "-" + std::to_string(next++) + ".csv")) {
    std::ofstream(path) << text;
  }
  ~TraceFile() { fs::remove(path); }
  static inline int next = 0;  // several files may be alive at once
  fs::path path;
};

// valid.yaml (tenants co-001..co-012, chips A100-80G-SXM and Ascend-910B3) with the trace added.
ParseResult with_trace(const std::string& file, const std::string& extra = "") {
  return test::parse_text(
      test::valid_with({{33, "  tenant_zipf: 1.0\n  trace: {file: '" + file +
                                 "', defaults: {class: eval, params: 1B, tokens_per_step: 100K}" + extra + "}"}}));
}

}  // namespace

TEST(Trace, RowsBecomeExplicitJobsWithTheDefaultsForEmptyCells) {
  const TraceFile t(
      "# a comment\n"
      "arrival,tenant,class,cards,runtime_on_reference,allowed_chips,priority,params\n"
      "10min,co-001,finetune,8,2h,A100-80G-SXM|Ascend-910B3,1,\n"
      "\n"
      "\"1h\",co-002,eval,1,600,,,2B\n");
  const ParseResult r = with_trace(t.path.string());
  ASSERT_TRUE(r.ok()) << test::all_errors(r);
  const std::size_t before = test::parse_text(test::read_fixture("valid.yaml")).spec.workload.jobs.size();
  ASSERT_EQ(r.spec.workload.jobs.size(), before + 2);
  const ExplicitJobSpec& a = r.spec.workload.jobs[before];
  EXPECT_EQ(a.tenant, "co-001");
  EXPECT_DOUBLE_EQ(a.arrival_s, 600);
  EXPECT_EQ(a.cards, 8u);
  EXPECT_DOUBLE_EQ(a.reference_runtime_s, 7200);
  EXPECT_EQ(a.allowed_chips, (std::vector<std::string>{"A100-80G-SXM", "Ascend-910B3"}));
  EXPECT_EQ(a.priority, 1);
  EXPECT_DOUBLE_EQ(a.params, 1e9);  // the default
  const ExplicitJobSpec& b = r.spec.workload.jobs[before + 1];
  EXPECT_DOUBLE_EQ(b.arrival_s, 3600);  // a quoted cell
  EXPECT_DOUBLE_EQ(b.params, 2e9);      // its own value over the default
  EXPECT_DOUBLE_EQ(b.tokens_per_step, 1e5);
  EXPECT_EQ(r.spec.job_pos[before].file, t.path.string());
  EXPECT_EQ(r.spec.job_pos[before + 1].line, 5);
}

TEST(Trace, EveryBadCellIsReportedAtItsLineAndColumnOfTheCsv) {
  const TraceFile t(
      "arrival,tenant,cards,runtime_on_reference,allowed_chips\n"
      "0,co-001,eight,1h,\n"              // line 2: cards, column 10
      "0,nobody,8,1h,\n"                  // line 3: tenant, column 3
      "0,co-001,8,1h,A100-80G-SXM|K80\n"  // line 4: the second chip, column 28
      "0,co-001,8\n"                      // line 5: 3 cells of 5
      "0,co-001,8,,\n"                    // line 6: no runtime or steps
      "\"0,co-001,8,1h,\n");              // line 7: an unterminated quote
  const std::string errors = test::all_errors(with_trace(t.path.string()));
  const std::string f = t.path.string();
  for (const std::string& expect :
       {f + ":2:10: error:", f + ":3:3: error: undefined tenant 'nobody'", f + ":4:28: error: undefined chip 'K80'",
        f + ":5:1: error: row has 3 cells, the header 5",
        f + ":6:1: error: job needs 'runtime_on_reference' or 'steps'", f + ":7:1: error: unterminated quoted cell"}) {
    EXPECT_NE(errors.find(expect), std::string::npos) << expect << "\nin:\n" << errors;
  }
}

TEST(Trace, TheHeaderAndTheBlockAreChecked) {
  const TraceFile t("arrival,tenant,gpus,cards\n0,co-001,8,8\n");
  std::string errors = test::all_errors(with_trace(t.path.string()));
  EXPECT_NE(errors.find(t.path.string() + ":1:16: error: unknown column 'gpus'"), std::string::npos) << errors;
  errors = test::all_errors(with_trace(t.path.string(), ", color: red"));
  EXPECT_NE(errors.find("unknown key 'color'"), std::string::npos) << errors;
  // An unknown key in the defaults is reported once, at the defaults, not again at every row.
  const TraceFile rows("arrival,tenant,cards,runtime_on_reference\n0,co-001,8,1h\n0,co-002,8,1h\n");
  errors = test::all_errors(test::parse_text(
      test::valid_with({{33, "  tenant_zipf: 1.0\n  trace: {file: '" + rows.path.string() +
                                 "', defaults: {class: eval, params: 1B, tokens_per_step: 100K, color: red}}"}})));
  EXPECT_NE(errors.find("unknown key 'color' in workload.trace.defaults"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("unknown key 'color'"), errors.rfind("unknown key 'color'")) << errors;
  errors = test::all_errors(with_trace("data:nowhere/jobs.csv"));
  EXPECT_NE(errors.find("cannot read job trace 'data:nowhere/jobs.csv'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("scripts/fetch-data.sh"), std::string::npos) << errors;
  const TraceFile empty("# nothing but a comment\n");
  errors = test::all_errors(with_trace(empty.path.string()));
  EXPECT_NE(errors.find("has no header line"), std::string::npos) << errors;
}

TEST(Trace, AnImpossibleJobIsReportedAtItsRow) {
  // 70B parameters trained on one card need 1.1 TB: no chip holds that.
  const TraceFile t("arrival,tenant,cards,runtime_on_reference,params\n0,co-001,1,1h,70B\n");
  const std::string errors = test::all_errors(with_trace(t.path.string()));
  EXPECT_NE(errors.find(t.path.string() + ":2:1: error: impossible job of the trace (tenant co-001)"),
            std::string::npos)
      << errors;
}
