// `hetsim sweep`: grids and point lists of scenario overrides x policies x seeds, one tidy CSV,
// resumable, and the same bytes for any thread count and any number of MPI ranks
// (docs/workflow.md, "Sweeps").
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace hetsim::e2e;

namespace {

std::vector<std::string> split(const std::string& line, char sep = ',') {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == sep && !quoted)
      out.push_back(cur), cur.clear();
    else
      cur += c;
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    out.push_back(text.substr(at, nl - at));
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

int count_results(const fs::path& runs) {
  int n = 0;
  if (!fs::exists(runs)) return 0;
  for (const auto& e : fs::directory_iterator(runs)) n += e.path().extension() == ".json";
  return n;
}

fs::path write_sweep(const std::string& name, const std::string& text) {
  const fs::path dir = fresh_dir("sweepfile-" + name);
  fs::create_directories(dir);
  const fs::path f = dir / "sweep.yaml";
  std::ofstream(f) << text;
  return f;
}

}  // namespace

TEST(Sweep, GridTimesPoliciesTimesSeedsIsOneTidyTableTheSameForAnyThreadCount) {
  const fs::path a = fresh_dir("sweep-a"), b = fresh_dir("sweep-b");
  Out o = run("sweep sweeps/small-city-load.yaml --out " + a.string(), "OMP_NUM_THREADS=2");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("3 points x 2 policies -> 18 runs | 0 done before, 18 to run on 1 rank(s) x 2 thread(s)"),
            std::string::npos)
      << o.text;
  const std::string csv = slurp(a / "results.csv");
  const auto rows = lines(csv);
  ASSERT_EQ(rows.size(), 1u + 18u) << csv;
  const auto header = split(rows[0]);
  const std::vector<std::string> lead{"run",    "scenario",    "point", "scenario.horizon", "workload.jobs_per_day",
                                      "policy", "policy_name", "seed",  "jobs_completed"};
  for (std::size_t i = 0; i < lead.size(); ++i) EXPECT_EQ(header[i], lead[i]) << rows[0];
  for (const std::string& r : rows) EXPECT_EQ(split(r).size(), header.size()) << r;
  // Sweep order: points (the grid), then policies, then seeds.
  EXPECT_EQ(rows[1].rfind("0,small-city,0,1 d,300,fifo,fifo[first-fit],1,", 0), 0u) << rows[1];
  EXPECT_EQ(rows[18].rfind("17,small-city,2,1 d,900,easy-backfill:placement=best-fit,easy-backfill[best-fit],3,", 0),
            0u)
      << rows[18];
  EXPECT_EQ(count_results(a / "runs"), 18);
  // 3 points x 2 policies x 16 metrics, each a mean over 3 seeds.
  const std::string summary = slurp(a / "results_summary.csv");
  EXPECT_EQ(lines(summary).size(), 1u + 3 * 2 * 16) << summary;
  EXPECT_NE(summary.find("\n1,1 d,600,fifo,jct_mean_s,3,"), std::string::npos) << summary;

  // A swept run is the run `hetsim run` makes with the same overrides, policy and seed.
  const fs::path single = fresh_dir("sweep-single");
  ASSERT_EQ(run("run scenarios/examples/small-city.yaml --set scenario.horizon=1d --set workload.jobs_per_day=600 "
                "--policy easy-backfill:placement=best-fit --seed 2 --quiet --out " +
                single.string())
                .code,
            0);
  const auto s = nlohmann::json::parse(slurp(single / "summary.json"));
  const auto row = split(rows[1 + 6 + 3 + 1]);  // point 1, second policy, seed 2
  ASSERT_EQ(row[7], "2");
  ASSERT_EQ(row[5], "easy-backfill:placement=best-fit");
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return std::stod(row[i]);
    }
    ADD_FAILURE() << name;
    return 0.0;
  };
  EXPECT_EQ(col("jct_mean_s"), s["jct_s"]["mean"].get<double>());
  EXPECT_EQ(col("jobs_completed"), s["jobs"]["completed"].get<double>());
  EXPECT_EQ(col("utilization"), s["utilization"]["overall"].get<double>());

  o = run("sweep sweeps/small-city-load.yaml --threads 1 --quiet --out " + b.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(o.text, "");
  EXPECT_EQ(slurp(b / "results.csv"), csv);
  EXPECT_EQ(slurp(b / "results_summary.csv"), summary);
  for (const auto& d : {a, b, single}) fs::remove_all(d);
}

TEST(Sweep, WithoutPoliciesEachPointRunsItsScenarioPolicyWhichTheSweepMayVary) {
  const fs::path a = fresh_dir("sweep-own");
  const Out o = run("sweep sweeps/small-city-backfill-depth.yaml --quiet --out " + a.string());
  ASSERT_EQ(o.code, 0) << o.text;
  const auto rows = lines(slurp(a / "results.csv"));
  ASSERT_EQ(rows.size(), 1u + 5 * 3);
  EXPECT_EQ(rows[0].rfind("run,scenario,point,workload.jobs_per_day,policy.params.max_scan,policy,", 0), 0u) << rows[0];
  EXPECT_NE(rows[1].find(",\"easy-backfill:max_scan=1,placement=best-fit\",easy-backfill[best-fit],1,"),
            std::string::npos)
      << rows[1];
  // The scan depth reaches the policy: depth 1 and depth 100 schedule differently.
  EXPECT_NE(split(rows[1]).back(), "");
  EXPECT_NE(split(rows[1])[8], split(rows[7])[8]) << rows[1] << "\n" << rows[7];
  fs::remove_all(a);
}

TEST(Sweep, RerunSkipsFinishedRunsAndRedoesMissingOnes) {
  const fs::path a = fresh_dir("sweep-resume");
  ASSERT_EQ(run("sweep sweeps/small-city-load.yaml --quiet --out " + a.string()).code, 0);
  const std::string csv = slurp(a / "results.csv");
  int removed = 0;
  for (const auto& e : fs::directory_iterator(a / "runs")) {
    if (removed < 5) fs::remove(e.path()), ++removed;
  }
  fs::remove(a / "results.csv");
  const Out o = run("sweep sweeps/small-city-load.yaml --out " + a.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("13 done before, 5 to run"), std::string::npos) << o.text;
  EXPECT_EQ(slurp(a / "results.csv"), csv);
  // A result file of another run (or a damaged one) under a run's name is not trusted.
  const fs::path victim = fs::directory_iterator(a / "runs")->path();
  std::ofstream(victim) << "{\"sweep_run_format\": 1, \"key\": \"something else\"}\n";
  const Out again = run("sweep sweeps/small-city-load.yaml --out " + a.string());
  EXPECT_NE(again.text.find("17 done before, 1 to run"), std::string::npos) << again.text;
  EXPECT_EQ(slurp(a / "results.csv"), csv);
  fs::remove_all(a);
}

// A resumed sweep reuses a result only if no file its scenario read has changed: editing the
// `base:` file of a derived scenario used to reuse the old runs (stale numbers, silently).
TEST(Sweep, EditingABaseFileInvalidatesTheResultsThatReadIt) {
  const fs::path dir = fresh_dir("sweep-base");
  fs::create_directories(dir);
  const auto write_base = [&](const char* horizon) {
    std::ofstream(dir / "base.yaml") << "base: " << kSrc
                                     << "/scenarios/examples/small-city.yaml\nset:\n  scenario.horizon: " << horizon
                                     << "\n";
  };
  write_base("1d");
  std::ofstream(dir / "derived.yaml") << "base: base.yaml\nset:\n  scenario.name: derived\n";
  std::ofstream(dir / "sweep.yaml") << "scenario: derived.yaml\npolicies: [fifo]\nseeds: 1\n"
                                       "grid:\n  workload.jobs_per_day: [300, 600]\n";
  const fs::path a = dir / "out", fresh = dir / "fresh";
  Out o = run("sweep " + (dir / "sweep.yaml").string() + " --out " + a.string());
  ASSERT_EQ(o.code, 0) << o.text;
  const std::string one_day = slurp(a / "results.csv");
  o = run("sweep " + (dir / "sweep.yaml").string() + " --out " + a.string());
  EXPECT_NE(o.text.find("2 done before, 0 to run"), std::string::npos) << o.text;  // unchanged: reused
  write_base("20h");  // two files down the chain from the sweep
  o = run("sweep " + (dir / "sweep.yaml").string() + " --out " + a.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find("0 done before, 2 to run"), std::string::npos) << o.text;
  ASSERT_EQ(run("sweep " + (dir / "sweep.yaml").string() + " --quiet --out " + fresh.string()).code, 0);
  EXPECT_EQ(slurp(a / "results.csv"), slurp(fresh / "results.csv"));
  EXPECT_NE(slurp(a / "results.csv"), one_day);
  fs::remove_all(dir);
}

TEST(Sweep, AKilledSweepLosesOnlyTheRunsInFlight) {
  // Four five-day runs of the default city, one at a time (about 0.6 s each here).
  const fs::path sweep = write_sweep("kill", "scenario: " + kSrc +
                                                 "/scenarios/shanghai-modu.yaml\n"
                                                 "policies: [easy-backfill]\nseeds: 1-4\n"
                                                 "set: { scenario.horizon: 5 d }\n");
  const fs::path a = fresh_dir("sweep-killed"), whole = fresh_dir("sweep-whole");
  const std::string args = "sweep " + sweep.string() + " --threads 1 --quiet --out ";
  const pid_t pid = spawn(args + a.string());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_results(a / "runs") < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before it could be killed";
  const int done = count_results(a / "runs");
  ASSERT_GE(done, 1);
  ASSERT_LT(done, 4);
  EXPECT_FALSE(fs::exists(a / "results.csv"));
  const Out o = run("sweep " + sweep.string() + " --threads 2 --out " + a.string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_NE(o.text.find(std::to_string(done) + " done before, " + std::to_string(4 - done) + " to run"),
            std::string::npos)
      << o.text;
  for (const auto& e : fs::directory_iterator(a / "runs")) {
    EXPECT_EQ(e.path().extension(), ".json") << "left behind: " << e.path();
  }
  ASSERT_EQ(run(args + whole.string()).code, 0);
  EXPECT_EQ(slurp(a / "results.csv"), slurp(whole / "results.csv"));
  for (const auto& d : {a, whole, sweep.parent_path()}) fs::remove_all(d);
}

#ifdef HETSIM_TEST_MPIRUN
// mpirun as root in containers, more ranks than cores on small CI machines.
const std::string kMpirun = std::string("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ") +
                            HETSIM_TEST_MPIRUN + " --oversubscribe -x OMP_NUM_THREADS=1 -n ";

TEST(Sweep, UnderMpirunTheRanksShareTheRunsAndGatherTheSameTable) {
  const fs::path ref = fresh_dir("sweep-ref");
  ASSERT_EQ(run("sweep sweeps/small-city-load.yaml --threads 2 --quiet --out " + ref.string()).code, 0);
  for (int ranks : {2, 3}) {
    const fs::path d = fresh_dir("sweep-mpi" + std::to_string(ranks));
    const Out o = run_command(kMpirun + std::to_string(ranks) + " '" + kBin +
                              "' sweep sweeps/small-city-load.yaml --out " + d.string());
    ASSERT_EQ(o.code, 0) << o.text;
    EXPECT_NE(o.text.find("18 to run on " + std::to_string(ranks) + " rank(s) x 1 thread(s)"), std::string::npos)
        << o.text;
    EXPECT_EQ(slurp(d / "results.csv"), slurp(ref / "results.csv")) << ranks << " ranks";
    EXPECT_EQ(slurp(d / "results_summary.csv"), slurp(ref / "results_summary.csv")) << ranks << " ranks";
    EXPECT_EQ(count_results(d / "runs"), 18);
    // Resuming under MPI: rank 0 decides what is left.
    int removed = 0;
    for (const auto& e : fs::directory_iterator(d / "runs")) {
      if (removed < 4) fs::remove(e.path()), ++removed;
    }
    const Out again = run_command(kMpirun + std::to_string(ranks) + " '" + kBin +
                                  "' sweep sweeps/small-city-load.yaml --out " + d.string());
    ASSERT_EQ(again.code, 0) << again.text;
    EXPECT_NE(again.text.find("14 done before, 4 to run"), std::string::npos) << again.text;
    EXPECT_EQ(slurp(d / "results.csv"), slurp(ref / "results.csv"));
    // Bad input: every rank stops, one says why.
    const Out bad =
        run_command(kMpirun + std::to_string(ranks) + " '" + kBin + "' sweep no-such-sweep.yaml --out " + d.string());
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.text.find("cannot read sweep"), std::string::npos) << bad.text;
    fs::remove_all(d);
  }
  // An error on rank 0 after the runs (results.csv cannot be written: it is a folder) ends every
  // rank with a message instead of leaving the others waiting in a collective.
  const fs::path blocked = fresh_dir("sweep-mpi-blocked");
  fs::create_directories(blocked / "results.csv");
  const Out o = run_command("timeout 120 env " + kMpirun + "2 '" + kBin +
                            "' sweep sweeps/small-city-load.yaml --quiet --out " + blocked.string());
  EXPECT_NE(o.code, 0) << o.text;
  EXPECT_NE(o.code, 124) << "the MPI job hung:\n" << o.text;
  EXPECT_NE(o.text.find("internal error on rank 0"), std::string::npos) << o.text;
  // Ranks that see different sweeps (a file differing between machines) all stop, and say so.
  const fs::path other = write_sweep("mpi-other", "scenario: " + kSrc +
                                                      "/scenarios/examples/small-city.yaml\n"
                                                      "policies: [sjf]\nseeds: 1-2\n");
  const Out differ = run_command("timeout 120 env " + kMpirun + "1 '" + kBin +
                                 "' sweep sweeps/small-city-load.yaml --out " + blocked.string() + "-2 : -n 1 '" +
                                 kBin + "' sweep " + other.string() + " --out " + blocked.string() + "-2");
  EXPECT_EQ(differ.code, 2) << differ.text;
  EXPECT_NE(differ.text.find("rank 1 sees a different sweep than rank 0"), std::string::npos) << differ.text;
  for (const auto& d : {ref, blocked, fs::path(blocked.string() + "-2"), other.parent_path()}) fs::remove_all(d);
}
#else
TEST(Sweep, UnderALauncherWithoutMpiItRefusesInsteadOfRunningEverythingTwice) {
  const Out o = run("sweep sweeps/small-city-load.yaml --out /tmp/never", "OMPI_COMM_WORLD_SIZE=2");
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("built without MPI"), std::string::npos) << o.text;
}
#endif

TEST(Sweep, BadSweepFilesExitTwoWithTheirPosition) {
  struct Case {
    std::string text, says;
  };
  const std::string scenario = "scenario: " + kSrc + "/scenarios/examples/small-city.yaml\n";
  for (const Case& c : std::vector<Case>{
           {"policies: [fifo]\n", "sweep.yaml:1:1: error: missing required key 'scenario'"},
           {scenario + "policies: [fifo]\ngird: {a: [1]}\n", "sweep.yaml:3:1: error: unknown key 'gird'"},
           {scenario + "policies: [fifo, nosuch]\n", "sweep.yaml:2:18: error: unknown policy 'nosuch'"},
           {scenario + "policies: [fifo, fifo]\n", "listed twice"},
           {scenario + "policies: []\n", "'policies' is empty"},
           {scenario + "seeds: 5-1\n", "sweep.yaml:2:8: error: --seeds"},
           {scenario + "seeds: [1, [2]]\n", "sweep.yaml:2:12: error: wrong type for a seed"},
           {scenario + "grid: {workload.jobs_per_day: 600}\n", "sweep.yaml:2:31: error: wrong type for grid values"},
           {scenario + "grid: {workload.jobs_per_day: []}\n", "a non-empty list"},
           {scenario + "grid: {workload..jobs_per_day: [1]}\n", "not a dotted scenario key"},
           {scenario + "set: {workload.jobs_per_day: 5}\ngrid: {workload.jobs_per_day: [1, 2]}\n",
            "sweep.yaml:3:32: error: 'workload.jobs_per_day' is already set at line 2"},
           {scenario + "points:\n  - {workload.jobs_per_day: 600}\n  - {workload.jobs_per_day: -3}\n",
            "sweep.yaml:4:5: error: point 1 (workload.jobs_per_day=-3) is not a valid scenario:"},
           {scenario + "points:\n  - {workload.jobs_per_dya: 600}\n", "jobs_per_dya"},
           {scenario + "grid: {policy.params.placement: [first-fit, sideways]}\n", "sideways"},
           {scenario + "grid: {a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6,7,8,9,10], "
                       "d: [1,2,3,4,5,6,7,8,9,10], e: [1,2,3,4,5,6,7,8,9,10], f: [1,2,3,4,5,6,7,8,9,10], "
                       "g: [1,2,3,4,5,6,7,8,9,10]}\n",
            "more than 100000"},
           // 1e6 points (was accepted: 3.8 GB and 70 minutes of silent validation).
           {scenario + "grid: {a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6,7,8,9,10], "
                       "d: [1,2,3,4,5,6,7,8,9,10], e: [1,2,3,4,5,6,7,8,9,10], f: [1,2,3,4,5,6,7,8,9,10]}\n",
            "the grid has more than 100000 points"},
           {"scenario: " + kSrc + "/tests/e2e/data/mixed-sample.yaml\n", "a sweep runs cluster simulations"},
           {"scenario: nowhere.yaml\n", "cannot read scenario"},
           {"[1, 2]\n", "sweep.yaml:1:1: error: wrong type for the sweep's top level"},
           {scenario + "grid: {workload.jobs_per_day: [300, 300]}\n",
            "sweep.yaml:2:37: error: point 1 repeats point 0 (the same values)"},
           {scenario + "points:\n  - {workload.jobs_per_day: 600, scenario.horizon: 1 d}\n"
                       "  - {scenario.horizon: 1 d, workload.jobs_per_day: 600}\n",
            "sweep.yaml:4:5: error: point 1 repeats point 0"},
           {scenario + "set: {workload.jobs_per_day: -3}\n",
            "sweep.yaml:1:1: error: point 0 (workload.jobs_per_day=-3) is not a valid scenario"},
           {"", "sweep is empty"},
           // Found by fuzz/fuzz_sweep_keys: a key with '=' or a newline let two different points
           // write the same resume key ("set a=1\nset b=2" from {"a=1\nset b": 2} and {a: 1, b: 2}).
           {scenario + "points:\n  - {\"a=1\\nset b\": 2}\n",
            "sweep.yaml:3:6: error: 'a=1\nset b' is not a dotted scenario key"},
           {scenario + "grid: {\"workload.jobs_per_day=1\": [1]}\n", "is not a dotted scenario key"},
       }) {
    const fs::path f = write_sweep("bad", c.text);
    const Out o = run("sweep " + f.string() + " --out " + (f.parent_path() / "out").string());
    EXPECT_EQ(o.code, 2) << c.text << "\n" << o.text;
    EXPECT_NE(o.text.find(c.says), std::string::npos) << c.text << "\n" << o.text;
    EXPECT_FALSE(fs::exists(f.parent_path() / "out" / "results.csv"));
    fs::remove_all(f.parent_path());
  }
  // Checking the points counts them on stderr with --progress on (auto: a terminal, after 2 s).
  {
    const fs::path out = fresh_dir("sweep-progress");
    const Out o = run("sweep sweeps/small-city-load.yaml --progress on --out " + out.string());
    EXPECT_EQ(o.code, 0) << o.text;
    EXPECT_NE(o.text.find("hetsim sweep: checking points 3 / 3 (100 %), done in "), std::string::npos) << o.text;
    EXPECT_EQ(run("sweep sweeps/small-city-load.yaml --progress sometimes --out " + out.string()).code, 2);
    fs::remove_all(out);
  }
  const Out missing = run("sweep no-such-sweep.yaml --out /tmp/never");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.text.find("no-such-sweep.yaml: error: cannot read sweep"), std::string::npos) << missing.text;
  EXPECT_EQ(run("sweep sweeps/small-city-load.yaml").code, 2);  // --out is required
  EXPECT_EQ(run("sweep sweeps/small-city-load.yaml --out /tmp/never --threads 0").code, 2);
}
