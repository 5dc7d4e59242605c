// Golden outputs: the small example scenario's jobs.csv, timeseries.csv and summary.json (minus
// its wall-clock `engine` block), and six 16-hour variants of it that each exercise one mechanism
// (preemption under las with checkpoints, node/site/link failures, data staging, guaranteed shares,
// gavel, sia on elastic jobs), are diffed against files in tests/e2e/golden/<case>/. Any change in
// behaviour, intended or not, shows up here. After an intended change, regenerate with
//   HETSIM_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden
// and review the diff of tests/e2e/golden/ in the commit. The files hold floating-point results
// of libm (log, exp) and of the perf model: they are exact for this toolchain and machine kind
// (Debian 12, g++ 12, x86-64), which is what CI runs on.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../support/files.hpp"

namespace fs = std::filesystem;

namespace {
using hetsim::test::slurp;
void spill(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// First differing line, for a readable failure.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ea = !std::getline(a, la), eb = !std::getline(b, lb);
    if (ea && eb) return "identical";
    if (ea != eb || la != lb) return "line " + std::to_string(line) + ":\n  golden: " + la + "\n  now:    " + lb;
  }
}
// One golden run: the small example city with its own options. The city itself keeps all three
// files; each variant, cut to 16 hours to keep its files small, keeps jobs.csv and summary.json and
// exercises one mechanism a change could silently move.
struct GoldenCase {
  std::string name;
  std::string args;
  bool timeseries;
};

void expect_golden(const GoldenCase& c) {
  const fs::path out = fs::temp_directory_path() / ("hetsim-golden-" + c.name + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const std::string cmd = "cd '" + std::string(HETSIM_SOURCE_DIR) + "' && '" + HETSIM_BINARY_DIR +
                          "/hetsim' run scenarios/examples/small-city.yaml --quiet --out '" + out.string() + "' " +
                          c.args;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto summary = nlohmann::ordered_json::parse(slurp(out / "summary.json"));
  summary.erase("engine");
  std::map<std::string, std::string> now{{"jobs.csv", slurp(out / "jobs.csv")},
                                         {"summary.json", summary.dump(2) + "\n"}};
  if (c.timeseries) now["timeseries.csv"] = slurp(out / "timeseries.csv");
  const fs::path golden = fs::path(HETSIM_SOURCE_DIR) / "tests/e2e/golden" / c.name;
  if (std::getenv("HETSIM_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(golden);
    for (const auto& [name, text] : now) spill(golden / name, text);
    fs::remove_all(out);
    GTEST_SKIP() << "golden files rewritten in " << golden;
  }
  for (const auto& [name, text] : now) {
    ASSERT_TRUE(fs::exists(golden / name)) << "missing golden file " << (golden / name);
    const std::string want = slurp(golden / name);
    EXPECT_TRUE(want == text) << c.name << "/" << name << " differs from its golden copy at "
                              << first_difference(want, text)
                              << "\n(if intended: HETSIM_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden)";
  }
  fs::remove_all(out);
}

const std::string kShort = "--set scenario.horizon=16h ";  // past the hand-written job's noon arrival
}  // namespace

TEST(Golden, SmallCityOutputsAreUnchanged) { expect_golden({"small-city", "", true}); }

// Preemption: least attained service stops long runs for newcomers; periodic checkpoints lose work.
TEST(Golden, PreemptionUnderLasIsUnchanged) {
  expect_golden(
      {"small-city-las", kShort + "--policy las:placement=best-fit --set preemption.checkpoint_interval=30min", false});
}

// Failures: node failures, a site outage and a link outage, with hourly checkpoints.
TEST(Golden, FailuresAreUnchanged) {
  expect_golden({"small-city-failures",
                 kShort + "--set 'failures.nodes=[{chip: all, mtbf: 100h, mttr: 1h}]' "
                          "--set 'failures.sites=[{site: harbor, at: 4h, duration: 1h}]' "
                          "--set 'failures.links=[{between: [downtown, harbor], at: 2h, duration: 30min}]' "
                          "--set preemption.checkpoint_interval=1h",
                 false});
}

// Data staging over the 10 Gb/s link: fine-tuning and pretraining jobs carry datasets, placed as
// the city places them (data ignored), so gangs away from their data copy it first.
TEST(Golden, DataStagingIsUnchanged) {
  expect_golden({"small-city-staging",
                 kShort + "--set data_staging.enabled=true --set data_staging.link_share=0.5 "
                          "--set 'workload.classes.1.data={median: 50GB, sigma: 1.0, max: 2TB}' "
                          "--set 'workload.classes.2.data={median: 500GB, sigma: 0.5, max: 5TB}'",
                 false});
}

// Guaranteed shares: lab-b owns half the A100 provider's cards; others borrow and are reclaimed.
TEST(Golden, GuaranteesAreUnchanged) {
  expect_golden({"small-city-guarantees", kShort + "--set 'tenants.list.1.guarantee={cloud: 48}' --policy las", false});
}

// The round-based policies: Gavel's max-min program and Sia's integer program on elastic jobs.
TEST(Golden, GavelIsUnchanged) { expect_golden({"small-city-gavel", kShort + "--policy gavel", false}); }

TEST(Golden, SiaIsUnchanged) {
  // 20 branch-and-bound nodes a round (default 200) keep the run near 2 s.
  expect_golden(
      {"small-city-sia", kShort + "--set workload.classes.1.elastic.share=0.5 --policy sia:mip_nodes=20", false});
}
