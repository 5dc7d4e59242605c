// End-to-end: drives the real `hetsim` binary as a user would and checks exit codes, messages,
// outputs and byte-for-byte determinism.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "progress_bar.hpp"

namespace fs = std::filesystem;

using namespace hetsim::e2e;

TEST(Cli, EveryShippedScenarioValidates) {
  int count = 0;
  for (const auto& e : fs::recursive_directory_iterator(kSrc + "/scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string rel = fs::relative(e.path(), kSrc).string();
    if (rel.find("catalog/") != std::string::npos || rel.find("fragments/") != std::string::npos) continue;
    // The repro scenarios read public data (data: paths, docs/scenario-format.md "Data files") that
    // a clone may not have: the openb trace, Gavel's measured throughputs.
    const auto have_data = [](const std::string& folder) {
      const char* env = std::getenv("HETSIM_DATA");
      return fs::exists(kSrc + "/../shared/data/" + folder) || fs::exists(kSrc + "/data/" + folder) ||
             (env != nullptr && *env != '\0' && fs::exists(std::string(env) + "/" + folder));
    };
    if (rel.find("repro/fgd-") != std::string::npos && !have_data("openb")) continue;
    if (rel.find("repro/gavel-") != std::string::npos && !have_data("gavel")) continue;
    const Out o = run("validate " + rel);
    EXPECT_EQ(o.code, 0) << rel << "\n" << o.text;
    EXPECT_NE(o.text.find(": ok ("), std::string::npos) << o.text;
    ++count;
  }
  EXPECT_GE(count, 2);
}

TEST(Cli, GavelToyRunsOnMeasuredThroughputsDeterministically) {
  const fs::path a = fresh_dir("gavel-a"), b = fresh_dir("gavel-b");
  const Out o1 = run("run scenarios/examples/gavel-toy.yaml --quiet --out " + a.string());
  ASSERT_EQ(o1.code, 0) << o1.text;
  const Out o2 = run("run scenarios/examples/gavel-toy.yaml --quiet --out " + b.string());
  ASSERT_EQ(o2.code, 0) << o2.text;
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  EXPECT_EQ(j["policy"], "gavel[max-min,first-fit]");
  EXPECT_EQ(j["jobs"]["completed"], 400);
  EXPECT_GT(j["preemption"]["preemptions"].get<int>(), 0);  // rounds move jobs between chip types
  const auto& ps = j["policy_stats"];                       // its own counters
  EXPECT_GT(ps["rounds"].get<int>(), 0);
  EXPECT_GT(ps["recomputes"].get<int>(), 0);
  EXPECT_GE(ps["lp_solves"].get<int>(), ps["recomputes"].get<int>());
  EXPECT_EQ(ps["unsolved"].get<int>(), 0);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Cli, SiaResizesElasticJobsDeterministically) {
  // Half a day of the Sia study: elastic jobs resized between rounds, same bytes twice; the same
  // workload under las runs every job at its requested size.
  const fs::path a = fresh_dir("sia-a"), b = fresh_dir("sia-b"), c = fresh_dir("sia-las");
  const std::string cmd = "run scenarios/repro/sia-elastic.yaml --quiet --set scenario.horizon=12h --out ";
  const Out o1 = run(cmd + a.string());
  ASSERT_EQ(o1.code, 0) << o1.text;
  const Out o2 = run(cmd + b.string());
  ASSERT_EQ(o2.code, 0) << o2.text;
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  EXPECT_EQ(j["policy"], "sia[p=-0.5,first-fit]");
  EXPECT_GT(j["elastic"]["jobs"].get<int>(), 0);
  EXPECT_GT(j["elastic"]["jobs_resized"].get<int>(), 0);
  EXPECT_GT(j["preemption"]["preemptions"].get<int>(), 0);
  // Its own counters (summary.json "policy_stats"), the same twice: every round solved, the
  // answers below the relaxations' bound, some rounds searched.
  auto jb = nlohmann::json::parse(slurp(b / "summary.json"));
  auto ja = j;
  ja.erase("engine"), jb.erase("engine");
  EXPECT_EQ(ja, jb);
  const auto& ps = j["policy_stats"];
  EXPECT_GT(ps["rounds"].get<int>(), 100);
  EXPECT_EQ(ps["unsolved"].get<int>(), 0);
  EXPECT_GT(ps["bound_sum"].get<double>(), 0);
  EXPECT_LE(ps["objective_sum"].get<double>(), ps["bound_sum"].get<double>() + 1e-6);
  EXPECT_GT(ps["searches"].get<int>(), 0);
  EXPECT_LE(ps["searches"].get<int>(), ps["rounds"].get<int>());
  EXPECT_GE(ps["search_nodes"].get<int>(), ps["searches"].get<int>());        // the root, at least
  EXPECT_LE(ps["search_nodes"].get<int>(), 200 * ps["searches"].get<int>());  // mip_nodes each, at most
  EXPECT_FALSE(ps.contains("simplex_iterations"));
  const fs::path w = fresh_dir("sia-warm");
  const Out ow = run(cmd + w.string() + " --policy sia:solver=warm-relaxation");
  ASSERT_EQ(ow.code, 0) << ow.text;
  const auto jw = nlohmann::json::parse(slurp(w / "summary.json"));
  const auto& pw = jw["policy_stats"];
  EXPECT_GT(pw["simplex_iterations"].get<int>(), 0);
  EXPECT_EQ(pw["unsolved"].get<int>(), 0);
  EXPECT_TRUE(pw.contains("cold_starts"));
  EXPECT_LE(pw["objective_sum"].get<double>(), pw["bound_sum"].get<double>() + 1e-6);
  EXPECT_FALSE(pw.contains("searches"));
  fs::remove_all(w);
  const Out o3 =
      run("run scenarios/repro/sia-elastic.yaml --quiet --set scenario.horizon=12h --policy las --out " + c.string());
  ASSERT_EQ(o3.code, 0) << o3.text;
  const auto l = nlohmann::json::parse(slurp(c / "summary.json"));
  EXPECT_EQ(l["elastic"]["jobs"], j["elastic"]["jobs"]);
  EXPECT_EQ(l["elastic"]["jobs_resized"].get<int>(), 0);
  EXPECT_FALSE(l.contains("policy_stats"));  // las reports none
  // p = 0 is refused with the reason.
  const Out bad = run("run scenarios/repro/sia-elastic.yaml --quiet --policy sia:p=0");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.text.find("p must not be 0"), std::string::npos) << bad.text;
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(c);
}

TEST(Cli, GuaranteedSharesReclaimCardsDeterministically) {
  // Two days of the guaranteed-shares study: borrowers are stopped for the start-ups, same bytes
  // twice; with the guarantees set to 0 through --set nothing is reclaimed.
  const fs::path a = fresh_dir("guar-a"), b = fresh_dir("guar-b"), c = fresh_dir("guar-none");
  const std::string cmd = "run scenarios/repro/guarantees.yaml --quiet --set scenario.horizon=2d --out ";
  const Out o1 = run(cmd + a.string());
  ASSERT_EQ(o1.code, 0) << o1.text;
  const Out o2 = run(cmd + b.string());
  ASSERT_EQ(o2.code, 0) << o2.text;
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  EXPECT_EQ(j["guarantees"]["tenants"], 2);
  EXPECT_GT(j["guarantees"]["reclaims"].get<int>(), 0);
  EXPECT_EQ(j["guarantees"]["by_tenant"]["startup-a"]["cards"], 64);
  const Out o3 =
      run("run scenarios/repro/guarantees.yaml --quiet --set scenario.horizon=2d"
          " --set tenants.list.1.guarantee.telecom=0 --set tenants.list.2.guarantee.telecom=0 --out " +
          c.string());
  ASSERT_EQ(o3.code, 0) << o3.text;
  const auto n = nlohmann::json::parse(slurp(c / "summary.json"));
  EXPECT_EQ(n["guarantees"]["tenants"], 0);
  EXPECT_EQ(n["guarantees"]["reclaims"], 0);
  // Guarantees beyond the provider's cards are refused with the position.
  const Out bad = run("run scenarios/repro/guarantees.yaml --quiet --set tenants.list.1.guarantee.telecom=200");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(
      bad.text.find("guarantees at provider 'telecom' reach 264 cards (tenant startup-b), more than its 256 cards"),
      std::string::npos)
      << bad.text;
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(c);
}

TEST(Cli, DataStagingFromTheCommandLineCopiesAndIsDeterministic) {
  // The small city's pretraining class given data, staging switched on, both through --set.
  const fs::path a = fresh_dir("staging-a"), b = fresh_dir("staging-b");
  const std::string cmd =
      "run scenarios/examples/small-city.yaml --quiet --set data_staging.enabled=true"
      " --set 'workload.classes.0.data={median: 50GB, sigma: 1, min: 1GB, max: 500GB}'"
      " --policy easy-backfill:data=weigh --out ";
  const Out o1 = run(cmd + a.string());
  ASSERT_EQ(o1.code, 0) << o1.text;
  const Out o2 = run(cmd + b.string());
  ASSERT_EQ(o2.code, 0) << o2.text;
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  const auto j = nlohmann::json::parse(slurp(a / "summary.json"));
  EXPECT_EQ(j["policy"], "easy-backfill[first-fit,data=weigh]");
  EXPECT_GT(j["staging"]["jobs_staged"].get<int>(), 0);
  EXPECT_GT(j["staging"]["staging_card_hours"].get<double>(), 0);
  const std::string csv = slurp(a / "jobs.csv");
  EXPECT_NE(csv.substr(0, csv.find('\n')).find(",staging_s,staged_gb"), std::string::npos);
  // A value of the wrong type is a positioned error naming the override.
  const Out bad = run("run scenarios/examples/small-city.yaml --quiet --set data_staging.enabled=maybe");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.text.find("wrong type for 'enabled'"), std::string::npos) << bad.text;
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Cli, RunWritesDocumentedOutputsAndIsDeterministic) {
  const fs::path a = fresh_dir("a"), b = fresh_dir("b");
  const Out o1 = run("run scenarios/examples/small-city.yaml --out " + a.string());
  ASSERT_EQ(o1.code, 0) << o1.text;
  EXPECT_NE(o1.text.find("utilization by chip"), std::string::npos);
  const Out o2 = run("run scenarios/examples/small-city.yaml --quiet --out " + b.string());
  ASSERT_EQ(o2.code, 0) << o2.text;
  EXPECT_TRUE(o2.text.find("utilization") == std::string::npos);
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  EXPECT_EQ(slurp(a / "timeseries.csv"), slurp(b / "timeseries.csv"));
  auto j1 = nlohmann::json::parse(slurp(a / "summary.json"));
  auto j2 = nlohmann::json::parse(slurp(b / "summary.json"));
  for (const char* key :
       {"scenario", "seed", "policy", "cluster", "jobs", "jct_s", "wait_s", "makespan_s", "utilization", "engine"}) {
    EXPECT_TRUE(j1.contains(key)) << key;
  }
  for (const char* key : {"cards", "chip_types", "providers", "sites"}) EXPECT_TRUE(j1["cluster"].contains(key));
  for (const char* key : {"mean", "p50", "p95", "p99"}) EXPECT_TRUE(j1["jct_s"].contains(key));
  for (const char* key : {"overall", "by_chip", "by_site", "by_provider"}) EXPECT_TRUE(j1["utilization"].contains(key));
  for (const char* key : {"events", "wall_s", "events_per_s"}) EXPECT_TRUE(j1["engine"].contains(key));
  j1.erase("engine");
  j2.erase("engine");
  EXPECT_EQ(j1.dump(), j2.dump());
  // No temporary files are left behind.
  for (const auto& e : fs::directory_iterator(a)) EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Cli, SeedPolicyAndSetChangeTheRun) {
  const fs::path a = fresh_dir("s1"), b = fresh_dir("s2"), c = fresh_dir("s3");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --seed 1 --out " + a.string()).code, 0);
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --seed 2 --out " + b.string()).code, 0);
  EXPECT_NE(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  EXPECT_EQ(nlohmann::json::parse(slurp(b / "summary.json"))["seed"], 2);
  const Out o =
      run("run scenarios/examples/small-city.yaml --quiet --policy fifo:placement=spread "
          "--set workload.jobs_per_day=100 --out " +
          c.string());
  ASSERT_EQ(o.code, 0) << o.text;
  const auto s = nlohmann::json::parse(slurp(c / "summary.json"));
  EXPECT_EQ(s["policy"], "fifo[spread]");
  EXPECT_LT(s["jobs"]["submitted"].get<int>(), 400);
  for (const auto& d : {a, b, c}) fs::remove_all(d);
}

TEST(Cli, BadScenarioReportsEveryErrorWithPositionAndExits2) {
  const Out o = run("validate tests/e2e/data/bad-mixed.yaml");
  EXPECT_EQ(o.code, 2) << o.text;
  for (const char* expected :
       {"tests/e2e/data/bad-mixed.yaml:8:23: error: undefined site 'west' (did you mean 'east'?)",
        "tests/e2e/data/bad-mixed.yaml:12:43: error: unknown key 'nodez' in pool (did you mean 'nodes'?)",
        "tests/e2e/data/bad-mixed.yaml:13:50: error: invalid 'nodes': negative value '-3'",
        "tests/e2e/data/bad-mixed.yaml:14:29: error: undefined chip 'H100-PCIe'",
        "tests/e2e/data/bad-mixed.yaml:24:26: error: invalid 'median': unknown duration unit 'parsecs'"}) {
    EXPECT_NE(o.text.find(expected), std::string::npos) << "missing '" << expected << "' in:\n" << o.text;
  }
  // `run` reports the same errors and writes nothing.
  const fs::path d = fresh_dir("bad");
  const Out r = run("run tests/e2e/data/bad-mixed.yaml --out " + d.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_FALSE(fs::exists(d));
}

// `validate` reports every error in one round: the scenario's, the policy's name and parameters
// (with did-you-mean), and a replay's trace rows. They used to come in rounds, each only once the
// previous kind was fixed, though the docs said "all at once".
TEST(Cli, ValidateReportsTheScenarioAndThePolicyInOneRound) {
  const fs::path d = fresh_dir("one-round");
  fs::create_directories(d);
  std::string text = slurp(fs::path(kSrc) / "scenarios/examples/small-city.yaml");
  auto swap = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  swap("  horizon: 2d\n", "  horizon: 2 days\n");
  swap("scenario:\n", "catalog: " + kSrc + "/scenarios/catalog/chips.yaml\nscenario:\n");
  const std::string base = text;
  swap("  name: easy-backfill\n", "  name: easy-backfil\n");
  { std::ofstream(d / "name.yaml") << text; }
  Out o = run("validate " + (d / "name.yaml").string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("name.yaml:7:12: error: invalid 'horizon'"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("name.yaml:93:3: error: unknown policy 'easy-backfil' (did you mean 'easy-backfill'?)"),
            std::string::npos)
      << o.text;
  text = base;
  swap("params: { placement: best-fit }", "params: { placment: best-fit, max_scan: 0 }");
  { std::ofstream(d / "params.yaml") << text; }
  o = run("validate " + (d / "params.yaml").string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("params.yaml:7:12: error: invalid 'horizon'"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("params.yaml:94:23: error: policy 'easy-backfill': unknown parameter 'placment' (did you "
                        "mean 'placement'?)"),
            std::string::npos)
      << o.text;
  EXPECT_NE(o.text.find("params.yaml:94:43: error: policy 'easy-backfill': parameter 'max_scan' = '0': must be in"),
            std::string::npos)
      << o.text;
  // A --policy typo is reported with the scenario's errors too, and every compare policy at once.
  const Out cli = run("run " + (d / "params.yaml").string() + " --policy fif");
  EXPECT_EQ(cli.code, 2);
  EXPECT_NE(cli.text.find("params.yaml:7:12: error: invalid 'horizon'"), std::string::npos) << cli.text;
  EXPECT_NE(cli.text.find("hetsim: unknown policy 'fif' (did you mean 'fifo'?)"), std::string::npos) << cli.text;
  const Out cmp = run("compare scenarios/examples/small-city.yaml --policies fifo,sjff,easy-backfil");
  EXPECT_EQ(cmp.code, 2);
  EXPECT_NE(cmp.text.find("unknown policy 'sjff' (did you mean 'sjf'?)"), std::string::npos) << cmp.text;
  EXPECT_NE(cmp.text.find("unknown policy 'easy-backfil' (did you mean 'easy-backfill'?)"), std::string::npos)
      << cmp.text;
  // `run` reports the same, at the same places.
  const Out r = run("run " + (d / "params.yaml").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.text.find("params.yaml:94:23: error: policy 'easy-backfill': unknown parameter 'placment'"),
            std::string::npos)
      << r.text;
  fs::remove_all(d);
}

TEST(Cli, ValidateReportsAReplaysTraceRowsWithItsScenarioErrors) {
  const fs::path d = fresh_dir("one-round-replay");
  fs::create_directories(d);
  {
    std::ofstream(d / "replay.yaml") << "scenario:\n  name: r\n  seed: 1\nsharing_replay:\n  nodes: " << kSrc
                                     << "/tests/workload/data/openb/bad_nodes.csv\n  pods: " << kSrc
                                     << "/tests/workload/data/openb/pods.csv\n  inflation_pct: 0\n";
  }
  const Out o = run("validate " + (d / "replay.yaml").string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("replay.yaml:7:18: error:"), std::string::npos) << o.text;  // inflation_pct
  EXPECT_NE(o.text.find("bad_nodes.csv:"), std::string::npos) << o.text;            // and the rows, at once
  fs::remove_all(d);
}

// scenario.stop_when_jobs_end (Gavel's measurement window): the run ends once the window's jobs
// have all ended, with later arrivals still to come; bad windows are positioned errors.
TEST(Cli, ARunStopsWhenItsWindowOfJobsHasEnded) {
  const fs::path d = fresh_dir("stop-window");
  const Out o = run(
      "run scenarios/examples/small-city.yaml --quiet --set 'scenario.stop_when_jobs_end=[0, 10]' --out " + d.string());
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string jobs = slurp(d / "jobs.csv");
  std::istringstream in(jobs);
  std::string line;
  std::getline(in, line);
  int window_done = 0, not_arrived = 0;
  while (std::getline(in, line)) {
    const int id = std::stoi(line.substr(0, line.find(',')));
    if (id < 10) window_done += line.find(",completed,") != std::string::npos ? 1 : 0;
    not_arrived += line.find(",not_arrived,") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(window_done, 10);
  EXPECT_GT(not_arrived, 0);  // stopped long before the 2-day horizon
  // Past saturation: the run ends once more jobs than the limit wait.
  const fs::path q = fresh_dir("stop-waiting");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --set workload.jobs_per_day=20000 "
                "--set scenario.stop_when_waiting_exceeds=50 --out " +
                q.string())
                .code,
            0);
  const std::string summary = slurp(q / "summary.json");
  EXPECT_NE(summary.find("\"not_arrived\": "), std::string::npos);
  EXPECT_EQ(summary.find("\"not_arrived\": 0,"), std::string::npos) << summary;  // stopped early
  fs::remove_all(q);
  for (const auto& [value, message] : std::vector<std::pair<std::string, std::string>>{
           {"[5, 3]", "'stop_when_jobs_end' needs first < last, got [5, 3)"},
           {"[5]", "wrong type for 'stop_when_jobs_end': expected a list [first, last) of two job ids"},
           {"[1000000, 1000001]", "the window starts at job 1000000 but this seed's workload has"}}) {
    const Out bad =
        run("run scenarios/examples/small-city.yaml --quiet --set 'scenario.stop_when_jobs_end=" + value + "'");
    EXPECT_EQ(bad.code, 2) << value << "\n" << bad.text;
    EXPECT_NE(bad.text.find(message), std::string::npos) << value << "\n" << bad.text;
  }
  fs::remove_all(d);
}

TEST(Cli, UsageErrorsAreClearAndExit2) {
  Out o = run("run does/not/exist.yaml");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("does/not/exist.yaml"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("cannot read"), std::string::npos) << o.text;
  EXPECT_EQ(std::count(o.text.begin(), o.text.end(), '\n'), 1) << "not one line: " << o.text;
  o = run("run scenarios/examples/small-city.yaml --policy fifoo");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("unknown policy 'fifoo'"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("easy-backfill"), std::string::npos) << o.text;
  o = run("run scenarios/examples/small-city.yaml --policy easy-backfill:max_scan=0");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("max_scan"), std::string::npos) << o.text;
  o = run("run scenarios/examples/small-city.yaml --set nosuch.key=1");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("nosuch"), std::string::npos) << o.text;
  o = run("run scenarios/examples/small-city.yaml --set novalue");
  EXPECT_EQ(o.code, 2);
  o = run("run scenarios/examples/small-city.yaml --device tpu");
  EXPECT_EQ(o.code, 2);
  o = run("run scenarios/examples/small-city.yaml --out /proc/hetsim-cannot-write-here");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("--out /proc/hetsim-cannot-write-here"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find("utilization"), std::string::npos) << "ran before failing: " << o.text;
  // Sizes that would exhaust memory or never finish are refused up front, with a position.
  o = run("run scenarios/examples/small-city.yaml --set workload.jobs_per_day=1e12");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("small-city.yaml:44:17: error: 'jobs_per_day' x horizon would generate"), std::string::npos)
      << o.text;
  o = run("run scenarios/examples/small-city.yaml --set scenario.horizon=100000d");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("more than the limit"), std::string::npos) << o.text;
  o = run("run scenarios/examples/small-city.yaml --set metrics.timeseries_interval=1us");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("'timeseries_interval' of 1e-06 s gives"), std::string::npos) << o.text;
  // Seeds take scenario.seed's range, [0, 1e15] (2^64 - 1 was taken here while the scenario refused it).
  for (const char* bad :
       {"-1", "99999999999999999999999", "1.5", "abc", "+3", "18446744073709551615", "1000000000000001"}) {
    o = run(std::string("run scenarios/examples/small-city.yaml --quiet --seed ") + bad);
    EXPECT_EQ(o.code, 2) << bad;
    EXPECT_NE(o.text.find("--seed"), std::string::npos) << o.text;
  }
  o = run("frobnicate");
  EXPECT_EQ(o.code, 2);
  o = run("");
  EXPECT_EQ(o.code, 2);
}

// Input that used to be taken silently or fail late (issue 22): empty option values were read as
// "not given", a repeated policy parameter kept its last value, and an output name that is a
// directory failed after the run with "internal error" and the files before it replaced.
TEST(Cli, EmptyValuesRepeatedParametersAndUnwritableOutputNamesAreRefusedUpFront) {
  for (const std::string args :
       {"run scenarios/examples/small-city.yaml --out ''", "run scenarios/examples/small-city.yaml --trace-out ''",
        "run tests/e2e/data/fgd-sample.yaml --seeds ''", "compare scenarios/examples/small-city.yaml --seeds ''",
        "run ''"}) {
    const Out o = run(args);
    EXPECT_EQ(o.code, 2) << args << "\n" << o.text;
    EXPECT_NE(o.text.find("an empty value is not allowed"), std::string::npos) << args << "\n" << o.text;
  }
  Out o = run("run scenarios/examples/small-city.yaml --quiet --policy fifo:placement=packing,placement=spread");
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("'placement' is given twice"), std::string::npos) << o.text;
  const fs::path d = fresh_dir("dir-named-summary");
  fs::create_directories(d / "summary.json");
  { std::ofstream(d / "jobs.csv") << "previous"; }
  o = run("run scenarios/examples/small-city.yaml --quiet --out " + d.string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("summary.json is a directory"), std::string::npos) << o.text;
  EXPECT_EQ(slurp(d / "jobs.csv"), "previous");  // refused before anything was written
  fs::remove_all(d);
}

// --progress on draws the line on stderr and ends it; auto stays silent when stderr is not a
// terminal (as here); neither changes an output byte.
TEST(Cli, ProgressLineOnlyWhenAskedOrOnATerminal) {
  const fs::path a = fresh_dir("progress-on"), b = fresh_dir("progress-auto");
  const Out on = run("run scenarios/examples/small-city.yaml --quiet --progress on --out " + a.string());
  ASSERT_EQ(on.code, 0) << on.text;
  EXPECT_NE(on.text.find("hetsim: simulated 2.0 d / 2.0 d (100 %)"), std::string::npos) << on.text;
  EXPECT_NE(on.text.find("events/s, done in "), std::string::npos) << on.text;
  const Out quiet = run("run scenarios/examples/small-city.yaml --quiet --out " + b.string());
  ASSERT_EQ(quiet.code, 0) << quiet.text;
  EXPECT_EQ(quiet.text.find("simulated"), std::string::npos) << quiet.text;
  for (const char* f : {"jobs.csv", "timeseries.csv"}) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  const Out bad = run("run scenarios/examples/small-city.yaml --progress sometimes");
  EXPECT_EQ(bad.code, 2) << bad.text;
  EXPECT_NE(bad.text.find("--progress"), std::string::npos) << bad.text;
  // A trace replay counts its runs the same way (it was silent until the whole grid was done).
  const fs::path c = fresh_dir("progress-replay-on"), e = fresh_dir("progress-replay-off");
  const Out replay = run("run tests/e2e/data/fgd-sample.yaml --quiet --seeds 1-3 --progress on --out " + c.string());
  ASSERT_EQ(replay.code, 0) << replay.text;
  EXPECT_NE(replay.text.find("hetsim: replay runs 6 / 6 (100 %), done in "), std::string::npos) << replay.text;
  const Out silent = run("run tests/e2e/data/fgd-sample.yaml --quiet --seeds 1-3 --out " + e.string());
  ASSERT_EQ(silent.code, 0) << silent.text;
  EXPECT_EQ(silent.text.find("replay runs"), std::string::npos) << silent.text;
  EXPECT_EQ(slurp(c / "fgd_curve.csv"), slurp(e / "fgd_curve.csv"));
}

TEST(Cli, CountProgressLine) {
  EXPECT_EQ(hetsim::CountProgress::line("hetsim sweep: checking points", 250, 1000, 10.0),
            "hetsim sweep: checking points 250 / 1000 ( 25 %), ETA 30 s");
  EXPECT_EQ(hetsim::CountProgress::line("x", 0, 0, 1.0), "x 0 / 0 (100 %)");
}

TEST(Cli, DeviceCudaWithoutAGpuIsAClearError) {
  const Out probe = run("run scenarios/examples/small-city.yaml --quiet --device auto");
  ASSERT_EQ(probe.code, 0) << probe.text;
  const Out o = run("run scenarios/examples/small-city.yaml --quiet --device cuda");
  if (o.code == 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.text.find("--device cpu"), std::string::npos) << o.text;
}

TEST(Cli, HelpAndListsWork) {
  Out o = run("--help");
  EXPECT_EQ(o.code, 0);
  for (const char* sub : {"run", "validate", "list"}) EXPECT_NE(o.text.find(sub), std::string::npos);
  for (const char* sub : {"run", "validate", "list"}) EXPECT_EQ(run(std::string(sub) + " --help").code, 0);
  o = run("list policies");
  EXPECT_EQ(o.code, 0);
  for (const char* p : {"fifo", "sjf", "easy-backfill", "placement", "first-fit|best-fit|packing|spread", "max_scan",
                        "GPU-sharing placements", "gpu-clustering", "random-fit", "--policy py:FILE.py:CLASS"}) {
    EXPECT_NE(o.text.find(p), std::string::npos) << p;
  }
  // Each policy's --policy form with its defaults, as compare takes it: and compare does take it.
  const std::size_t form = o.text.find("--policy easy-backfill:");
  ASSERT_NE(form, std::string::npos) << o.text;
  const std::string easy = o.text.substr(form + 9, o.text.find('\n', form) - form - 9);
  EXPECT_NE(easy.find("max_scan=500"), std::string::npos) << easy;
  EXPECT_NE(o.text.find("--policy fifo:placement="), std::string::npos) << o.text;
  EXPECT_EQ(run("compare scenarios/examples/small-city.yaml --seeds 1 --policy " + easy).code, 0) << easy;
  o = run("list chips");
  EXPECT_EQ(o.code, 0);
  for (const char* c : {"A100-80G-SXM", "Ascend-910B3", "MLU590", "MTT-S4000", "Kunlun-P800"}) {
    EXPECT_NE(o.text.find(c), std::string::npos) << c;
  }
  EXPECT_EQ(run("list gadgets").code, 2);
}

// The output tables are generated from the lists that write the outputs: docs/scenario-format.md
// holds them verbatim, and a run's jobs.csv has exactly the listed columns.
TEST(Cli, ListOutputsMatchesTheDocsAndTheFiles) {
  const Out o = run("list outputs");
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string docs = slurp(kSrc + "/docs/scenario-format.md");
  std::vector<std::string> tables;
  std::string table;
  std::istringstream in(o.text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) == 0 || line.rfind("|---", 0) == 0) {
      table += line + "\n";
    } else if (!table.empty()) {
      tables.push_back(table);
      table.clear();
    }
  }
  if (!table.empty()) tables.push_back(table);
  ASSERT_EQ(tables.size(), 2u) << o.text;
  for (const std::string& t : tables)
    EXPECT_NE(docs.find(t), std::string::npos) << "docs/scenario-format.md lacks, verbatim:\n" << t;

  // The jobs.csv table's column names, in order, are the header of a run's jobs.csv.
  std::string header;
  std::istringstream rows(tables[0]);
  while (std::getline(rows, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::size_t a = 3, b = line.find('`', a);
    header += (header.empty() ? "" : ",") + line.substr(a, b - a);
  }
  const fs::path dir = fresh_dir("list-outputs");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --quiet --out " + dir.string()).code, 0);
  const std::string csv = slurp(dir / "jobs.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), header);
  // And each headline metric names a value its summary.json holds.
  std::istringstream metrics(tables[1]);
  const nlohmann::json summary = nlohmann::json::parse(slurp(dir / "summary.json"));
  int named = 0;
  while (std::getline(metrics, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::size_t p = line.find("| `/");
    ASSERT_NE(p, std::string::npos) << line;
    const std::string path = line.substr(p + 3, line.find('`', p + 3) - p - 3);
    EXPECT_TRUE(summary.contains(nlohmann::json::json_pointer(path))) << path;
    ++named;
  }
  EXPECT_GE(named, 10);
}

TEST(Repository, CiRunsTheTestCommandFromTheReadme) {
  const std::string readme = slurp(kSrc + "/README.md");
  const std::string ci = slurp(kSrc + "/.ci/run");
  // The README's second fenced command is the test command; CI must call it verbatim.
  std::vector<std::string> commands;
  std::istringstream in(readme);
  std::string line;
  bool fence = false;
  while (std::getline(in, line) && commands.size() < 2) {
    if (line.rfind("```", 0) == 0) {
      fence = !fence;
      continue;
    }
    if (fence && !line.empty()) commands.push_back(line);
  }
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_NE(commands[0].find("build/hetsim run scenarios/shanghai-modu.yaml"), std::string::npos);
  EXPECT_NE(commands[1].find("ctest"), std::string::npos);
  EXPECT_NE(ci.find("\n" + commands[1] + "\n"), std::string::npos) << "CI does not run: " << commands[1];
}

// The default scenario, 30 days and 1.1 M jobs, with every invariant checked after every decision
// (sim/run/invariants.hpp); the checks must not change a byte of the results.
TEST(Cli, DefaultScenarioRunsCleanWithInvariantChecksAndSameResults) {
  const fs::path a = fresh_dir("inv-on"), b = fresh_dir("inv-off");
  const Out on = run("run scenarios/shanghai-modu.yaml --check-invariants --quiet --out " + a.string());
  ASSERT_EQ(on.code, 0) << on.text;
  EXPECT_TRUE(on.text.empty()) << on.text;
  const Out off = run("run scenarios/shanghai-modu.yaml --quiet --out " + b.string());
  ASSERT_EQ(off.code, 0) << off.text;
  EXPECT_EQ(slurp(a / "jobs.csv"), slurp(b / "jobs.csv"));
  EXPECT_EQ(slurp(a / "timeseries.csv"), slurp(b / "timeseries.csv"));
}

// A policy written in Python (docs/writing-a-policy.md) is named py:MODULE:CLASS; a malformed name
// and a module that does not exist are bad input (exit 2) in every build, with Python (the module
// is not found) or without (the build says it cannot run Python policies).
TEST(Cli, PythonPolicyNamesAreCheckedInEveryBuild) {
  for (const char* bad : {"py:only_a_module", "py::Class", "py:mod:"}) {
    const Out o = run(std::string("run scenarios/examples/small-city.yaml --quiet --policy ") + bad);
    EXPECT_EQ(o.code, 2) << bad << o.text;
    EXPECT_NE(o.text.find("a Python policy is py:MODULE:CLASS"), std::string::npos) << o.text;
  }
  const Out o = run("run scenarios/examples/small-city.yaml --quiet --policy py:no_such_module_zz:Policy");
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_TRUE(o.text.find("No module named 'no_such_module_zz'") != std::string::npos ||
              o.text.find("need a hetsim built with Python") != std::string::npos)
      << o.text;
  const Out cmp = run("compare scenarios/examples/small-city.yaml --policy fifo --policy py:no_such_module_zz:P");
  EXPECT_EQ(cmp.code, 2) << cmp.text;
}
