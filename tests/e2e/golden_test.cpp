// Golden outputs: the small example scenario's jobs.csv, timeseries.csv and summary.json (minus
// its wall-clock `engine` block) are diffed against files in tests/e2e/golden/. Any change in
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

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
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
}  // namespace

TEST(Golden, SmallCityOutputsAreUnchanged) {
  const fs::path out = fs::temp_directory_path() / ("hetsim-golden-" + std::to_string(::getpid()));
  fs::remove_all(out);
  const std::string cmd = "cd '" + std::string(HETSIM_SOURCE_DIR) + "' && '" + HETSIM_BINARY_DIR +
                          "/hetsim' run scenarios/examples/small-city.yaml --quiet --out '" + out.string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto summary = nlohmann::ordered_json::parse(slurp(out / "summary.json"));
  summary.erase("engine");
  const std::map<std::string, std::string> now{{"jobs.csv", slurp(out / "jobs.csv")},
                                               {"timeseries.csv", slurp(out / "timeseries.csv")},
                                               {"summary.json", summary.dump(2) + "\n"}};
  const fs::path golden = fs::path(HETSIM_SOURCE_DIR) / "tests/e2e/golden/small-city";
  if (std::getenv("HETSIM_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(golden);
    for (const auto& [name, text] : now) spill(golden / name, text);
    GTEST_SKIP() << "golden files rewritten in " << golden;
  }
  for (const auto& [name, text] : now) {
    ASSERT_TRUE(fs::exists(golden / name)) << "missing golden file " << (golden / name);
    const std::string want = slurp(golden / name);
    EXPECT_TRUE(want == text) << name << " differs from its golden copy at " << first_difference(want, text)
                              << "\n(if intended: HETSIM_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden)";
  }
  fs::remove_all(out);
}
