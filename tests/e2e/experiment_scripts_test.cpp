// The experiment scripts run end to end on a small scenario (Debian's python3-pandas and
// python3-matplotlib; skipped when /usr/bin/python3 cannot import them).
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace hetsim::e2e {
namespace {

bool python_has_plotting() {
  return std::system("/usr/bin/python3 -c 'import pandas, matplotlib' >/dev/null 2>&1") == 0;
}

Out run_script(const std::string& args) { return run_command("/usr/bin/python3 " + args); }

TEST(ExperimentScripts, MixedCityGridRunsResumesAndPlots) {
  if (!python_has_plotting()) GTEST_SKIP() << "/usr/bin/python3 lacks pandas or matplotlib";
  const fs::path out = fresh_dir("mixed-city");
  const std::string args = "scripts/mixed_city_experiment.py --hetsim '" + kBin +
                           "' --scenario tests/e2e/data/mixed-small-city.yaml --base-rate 600 --loads 1"
                           " --etas 0.5,1.0 --seeds 1 -j 2 --out '" +
                           out.string() + "'";
  Out o = run_script(args);
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string results = slurp(out / "results.csv");
  EXPECT_EQ(line_count(results), 5) << results;  // header + homogeneous, planner, eta 0.5, eta 1
  EXPECT_NE(results.find("pretrain_jct_mean_s"), std::string::npos);
  EXPECT_NE(results.find("L1-planner-s1,1.0,planner"), std::string::npos) << results;
  const std::string breakeven = slurp(out / "breakeven.csv");
  EXPECT_EQ(breakeven.rfind(
                "load,homogeneous_pretrain_jct_mean_s,planner_pretrain_jct_mean_s,planner_mean_eta,breakeven_eta", 0),
            0u)
      << breakeven;
  EXPECT_GT(fs::file_size(out / "mixed-city.png"), 10000u);
  EXPECT_GT(fs::file_size(out / "mixed-city.svg"), 10000u);
  // The planner run mixed some gangs: the scenario is built so that FIFO's head can.
  EXPECT_EQ(slurp(out / "runs/L1-planner-s1/summary.json").find("\"jobs_started\": 0,"), std::string::npos);
  // Rerunning skips every finished run.
  o = run_script(args);
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(o.text.find("ran "), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("cached L1-eta1-s1"), std::string::npos) << o.text;
  fs::remove_all(out);
}

// scripts/validate_mfu.py (docs/validation.md, "Validation: published training throughput"): every
// published row gets a prediction, the means are printed, nothing is dropped.
TEST(ExperimentScripts, ValidateMfuPredictsEveryPublishedRow) {
  const fs::path out = fresh_dir("validate-mfu");
  const Out o = run_script("scripts/validate_mfu.py --hetsim '" + kBin + "' --out '" + (out / "v.md").string() + "'");
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string md = slurp(out / "v.md");
  EXPECT_EQ(line_count(md.substr(0, md.find("\n\n") + 1)), 38) << md;  // header, rule, 36 rows
  EXPECT_EQ(md.find("infeasible"), std::string::npos) << md;
  EXPECT_NE(md.find("MFU/HFU rows (30): mean absolute error"), std::string::npos) << md;
  EXPECT_NE(md.find("tokens/s per card rows (3): mean absolute error"), std::string::npos) << md;
  for (const char* chip : {"| H100-SXM |", "| A100-80G-SXM |", "| Ascend-910B3 |", "| V100-SXM3-32G |"})
    EXPECT_NE(md.find(chip), std::string::npos) << chip;
  fs::remove_all(out);
}

// scripts/mixed_claim_bands.py (docs/mixed-training.md, "What the model supports"): the grid's
// machinery on its quick setting: every run recorded, a band per claim and ratio.
TEST(ExperimentScripts, MixedClaimBandsTabulatesEachClaim) {
  const fs::path out = fresh_dir("claim-bands");
  const Out o =
      run_script("scripts/mixed_claim_bands.py --quick -j 2 --hetsim '" + kBin + "' --out '" + out.string() + "'");
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string runs = slurp(out / "runs.csv");
  EXPECT_EQ(line_count(runs), 1 + 6 + 3) << runs;  // hethub: 3 links + 3 other vendors; baai: 3 RDMA
  EXPECT_EQ(runs.find(",0,"), std::string::npos) << "an infeasible run: " << runs;
  const std::string bands = slurp(out / "bands.md");
  for (const char* row : {"| hethub | 0.9749 | 6 (6) | mixing_efficiency |", "| hethub | 0.9749 | 6 (6) | eta |",
                          "| baai | 0.8530 | 3 (3) | pooling_gain |"})
    EXPECT_NE(bands.find(row), std::string::npos) << row << "\n" << bands;
  fs::remove_all(out);
}

// The Gavel replay's machinery on the toy table (the real one lives in ../shared): two policies,
// one rate, one seed, a window of the stream; results, ratios, plot, resuming.
// scripts/fgd_protocols.py (docs/validation.md): every setting's table and FGD's lead, here on the
// self-made openb sample instead of ../shared's traces.
TEST(ExperimentScripts, FgdProtocolsTabulatesEachSettingAndTheLead) {
  const fs::path out = fresh_dir("fgd-protocols");
  const std::string data = kSrc + "/tests/workload/data/openb/";
  const Out o = run_script("scripts/fgd_protocols.py --binary '" + kBin +
                           "' --traces default --settings reference,exact" + " --set sharing_replay.nodes=" + data +
                           "nodes.csv --set sharing_replay.pods=" + data + "pods.csv --out '" + out.string() + "'");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("**reference**: the reference simulator's protocol"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("**exact**: hetsim's former default"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("| policy | default |"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("| random-fit | "), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("| reference | "), std::string::npos) << o.text;
  EXPECT_TRUE(fs::exists(out / "default-reference" / "fgd_summary.csv"));
  EXPECT_TRUE(fs::exists(out / "default-exact" / "fgd_curve.csv"));
  // The two protocols are different runs: the reference one is tuned to 130 %, not drawn.
  EXPECT_NE(slurp(out / "default-reference" / "fgd_runs.csv"), slurp(out / "default-exact" / "fgd_runs.csv"));
  EXPECT_EQ(
      run_script("scripts/fgd_protocols.py --binary '" + kBin + "' --settings nosuch --out '" + out.string() + "'")
          .code,
      2);
  fs::remove_all(out);
}

TEST(ExperimentScripts, GavelReplayRunsResumesAndTabulates) {
  if (!python_has_plotting()) GTEST_SKIP() << "/usr/bin/python3 lacks pandas or matplotlib";
  const fs::path out = fresh_dir("gavel-replay");
  const std::string args = "scripts/gavel_replay.py --hetsim '" + kBin +
                           "' --scenario scenarios/examples/gavel-toy.yaml --rates 1.5 --seeds 1 --jobs-per-run 80"
                           " --window 20,60 --policies gavel-las,las-agnostic -j 2 --quick --out '" +
                           out.string() + "'";
  Out o = run_script(args);
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string results = slurp(out / "results.csv");
  EXPECT_EQ(line_count(results), 3) << results;
  EXPECT_NE(results.find("r1.5-gavel-las-s1,1.5,gavel-las,\"gavel[max-min,first-fit]\",1,80,40,"), std::string::npos)
      << results;
  const std::string ratios = slurp(out / "ratios.csv");
  EXPECT_EQ(ratios.rfind("rate_per_hour,gavel-las_jct_h,las-agnostic_jct_h,las_agnostic_over_gavel\n", 0), 0u)
      << ratios;
  EXPECT_GT(fs::file_size(out / "gavel-replay.png"), 10000u);
  o = run_script(args);
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(o.text.find("ran "), std::string::npos) << o.text;
  // A window beyond the stream is refused before anything runs.
  o = run_script("scripts/gavel_replay.py --hetsim '" + kBin + "' --jobs-per-run 10 --window 5,20 --out '" +
                 out.string() + "'");
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.text.find("--window"), std::string::npos) << o.text;
  // Gavel's protocol (the default): arrivals go on while the window runs, and each run ends when
  // the window is done, long before the stream of 400 would be.
  const fs::path gavel = fresh_dir("gavel-protocol");
  o = run_script("scripts/gavel_replay.py --hetsim '" + kBin +
                 "' --scenario scenarios/examples/gavel-toy.yaml --rates 1.5 "
                 "--seeds 1 --jobs-per-run 400 --window 20,60 --policies gavel-las -j 1 --out '" +
                 gavel.string() + "'");
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string stopped = slurp(gavel / "results.csv");
  EXPECT_NE(stopped.find("r1.5-gavel-las-s1,1.5,gavel-las,\"gavel[max-min,first-fit]\",1,"), std::string::npos)
      << stopped;
  EXPECT_NE(stopped.find(",40,True,"), std::string::npos) << stopped;  // the window's 40 jobs, all finished
  const std::string jobs = slurp(gavel / "runs/r1.5-gavel-las-s1/jobs.csv");
  EXPECT_NE(jobs.find(",not_arrived,"), std::string::npos);  // stopped with the stream still flowing
  // A stream too short to outlast the window is an error, not a drained result.
  o = run_script("scripts/gavel_replay.py --hetsim '" + kBin +
                 "' --scenario scenarios/examples/gavel-toy.yaml --rates 1.5 "
                 "--seeds 1 --jobs-per-run 61 --window 20,60 --policies gavel-las -j 1 --out '" +
                 gavel.string() + "/dry'");
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.text.find("the stream ran dry"), std::string::npos) << o.text;
  fs::remove_all(out);
  fs::remove_all(gavel);
}

// The scale benchmark's machinery on two small sizes and one simulated day: derived scenarios,
// one run each, the table, resuming, and a positioned error for an invalid size.
TEST(ExperimentScripts, ScaleBenchmarkRunsResumesAndTabulates) {
  if (!python_has_plotting()) GTEST_SKIP() << "/usr/bin/python3 lacks pandas or matplotlib";
  const fs::path out = fresh_dir("scale");
  const std::string args =
      "bench/scale_city.py --hetsim '" + kBin + "' --sizes 10k,12k --days 1 --out '" + out.string() + "'";
  Out o = run_script(args);
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string csv = slurp(out / "scale.csv");
  EXPECT_EQ(line_count(csv), 3) << csv;
  EXPECT_EQ(csv.rfind("size,cards,nodes,jobs,events,wall_s,engine_wall_s,events_per_s,peak_rss_mib,utilization\n", 0),
            0u)
      << csv;
  EXPECT_NE(csv.find("\n10k,9960,1245,"), std::string::npos) << csv;  // every pool's nodes x 0.1816
  EXPECT_NE(csv.find("\n12k,12032,1504,"), std::string::npos) << csv;
  const std::string derived = slurp(out / "scale-10k.yaml");
  EXPECT_NE(derived.find("base: "), std::string::npos) << derived;
  EXPECT_NE(derived.find("workload.jobs_per_day: 6720"), std::string::npos) << derived;  // 37,000 x 0.1816
  EXPECT_FALSE(fs::exists(out / "run-10k" / "jobs.csv"));                                // deleted after reading
  EXPECT_GT(fs::file_size(out / "scale.png"), 10000u);
  o = run_script(args);  // resumes: nothing is rerun
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(o.text.find("cards ..."), std::string::npos) << o.text;
  // At 1k cards the city's 1,024-card pretraining gangs fit no pool: hetsim's own error, positioned.
  o = run_script("bench/scale_city.py --hetsim '" + kBin + "' --sizes 1k --days 1 --out '" + out.string() + "'");
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.text.find("shanghai-modu.yaml:"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("impossible class"), std::string::npos) << o.text;
  fs::remove_all(out);
}

}  // namespace
}  // namespace hetsim::e2e
