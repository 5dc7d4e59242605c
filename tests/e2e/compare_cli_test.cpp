// `hetsim compare`: several policies x seeds of one scenario, one table (docs/policies.md).
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_support.hpp"

using namespace hetsim::e2e;

TEST(Compare, RunsEveryPolicyOnEverySeedAndIsTheSameForAnyThreadCount) {
  const fs::path a = fresh_dir("compare-a"), b = fresh_dir("compare-b");
  const std::string args =
      "compare scenarios/examples/small-city.yaml --policies fifo,easy-backfill "
      "--policy easy-backfill:placement=best-fit,mix_chips=fallback --seeds 1-3 --keep-runs --out ";
  Out o = run(args + a.string(), "OMP_NUM_THREADS=2");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("3 policies x 3 seeds"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("±"), std::string::npos) << o.text;
  // The console table puts jobs completed and left pending before the times (issue 24): a policy
  // that leaves jobs waiting must not look best by mean JCT alone.
  const std::size_t header = o.text.find("  policy ");
  ASSERT_NE(header, std::string::npos) << o.text;
  const std::string head = o.text.substr(header, o.text.find('\n', header) - header);
  EXPECT_LT(head.find("jobs_completed"), head.find("jct_mean_s")) << head;
  EXPECT_LT(head.find("jobs_pending_at_end"), head.find("jct_mean_s")) << head;
  const std::string csv = slurp(a / "compare.csv");
  EXPECT_EQ(line_count(csv), 1 + 9) << csv;
  EXPECT_EQ(csv.rfind("policy,policy_name,seed,jobs_completed,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\"easy-backfill:placement=best-fit,mix_chips=fallback\",\"easy-backfill[best-fit,mix]\",2,"),
            std::string::npos)
      << csv;
  const std::string summary = slurp(a / "compare_summary.csv");
  EXPECT_EQ(line_count(summary), 1 + 3 * 16) << summary;  // 3 policies x 16 metrics
  EXPECT_NE(slurp(a / "compare.md").find("| fifo |"), std::string::npos);
  // A compared run is the same run `hetsim run` makes.
  const fs::path single = fresh_dir("compare-single");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --policy fifo --seed 2 --quiet --out " + single.string()).code,
            0);
  EXPECT_EQ(slurp(single / "jobs.csv"), slurp(a / "runs/fifo-s2/jobs.csv"));
  o = run(args + b.string() + " --progress on", "OMP_NUM_THREADS=1");
  ASSERT_EQ(o.code, 0) << o.text;
  // The runs are counted on stderr (they were minutes of silence on the city); same results.
  EXPECT_NE(o.text.find("hetsim compare: runs 9 / 9 (100 %), done in "), std::string::npos) << o.text;
  EXPECT_EQ(slurp(b / "compare.csv"), csv);
  EXPECT_EQ(slurp(b / "compare_summary.csv"), summary);
  for (const auto& d : {a, b, single}) fs::remove_all(d);
}

TEST(Compare, BadRequestsExitTwoWithAReason) {
  struct Case {
    std::string args, says;
  };
  for (const Case& c : std::vector<Case>{
           {"compare scenarios/examples/small-city.yaml", "name the policies"},
           {"compare scenarios/examples/small-city.yaml --policies fifo,nosuch", "nosuch"},
           {"compare scenarios/examples/small-city.yaml --policies fifo,fifo", "listed twice"},
           {"compare scenarios/examples/small-city.yaml --policies fifo --seeds 3-1", "--seeds"},
           {"compare scenarios/examples/small-city.yaml --policy fifo:placement=sideways", "placement"},
           {"compare scenarios/examples/small-city.yaml --policies fifo --set workload.jobs_per_day=-1",
            "jobs_per_day"},
           {"compare tests/e2e/data/mixed-sample.yaml --policies fifo", "hetsim run"},
           {"compare no-such-file.yaml --policies fifo", "cannot read"},
       }) {
    const Out o = run(c.args);
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.text;
    EXPECT_NE(o.text.find(c.says), std::string::npos) << c.args << "\n" << o.text;
  }
}
