// `hetsim run --trace-out FILE`: the schedule as Chrome/Perfetto trace-event JSON.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

using namespace hetsim::e2e;

TEST(TraceOut, OneSlicePerCardHeldNoCardDoubleBookedSameBytesEveryRun) {
  const fs::path dir = fresh_dir("trace");
  fs::create_directories(dir);
  const std::string trace = (dir / "t.json").string();
  Out o =
      run("run scenarios/examples/small-city.yaml --quiet --out " + (dir / "out").string() + " --trace-out " + trace);
  ASSERT_EQ(o.code, 0) << o.text;
  const nlohmann::json doc = nlohmann::json::parse(slurp(trace));
  EXPECT_EQ(doc["otherData"]["scenario"], "small-city");
  // Cards held by started jobs, from jobs.csv (cards column, status running or completed).
  std::istringstream csv(slurp(dir / "out/jobs.csv"));
  std::string line;
  std::getline(csv, line);
  uint64_t held = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    if (f[4] == "running" || f[4] == "completed") held += std::stoull(f[9]);
  }
  std::map<std::pair<int, int>, std::vector<std::pair<int64_t, int64_t>>> by_card;
  std::map<int, bool> named;
  uint64_t slices = 0;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "X") {
      ++slices;
      ASSERT_GE(e["dur"].get<int64_t>(), 0);
      by_card[{e["pid"].get<int>(), e["tid"].get<int>()}].push_back(
          {e["ts"].get<int64_t>(), e["ts"].get<int64_t>() + e["dur"].get<int64_t>()});
      named.emplace(e["pid"].get<int>(), false);
    } else if (e["name"] == "process_name") {
      named[e["pid"].get<int>()] = true;
    }
  }
  EXPECT_EQ(slices, held);
  EXPECT_GT(slices, 1000u);
  for (const auto& [pid, ok] : named) EXPECT_TRUE(ok) << "process " << pid << " has no name";
  for (auto& [card, spans] : by_card) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      EXPECT_LE(spans[i - 1].second, spans[i].first) << "card " << card.first << "/" << card.second << " double-booked";
    }
  }
  o = run("run scenarios/examples/small-city.yaml --quiet --trace-out " + (dir / "t2.json").string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(slurp(dir / "t2.json"), slurp(trace));
  fs::remove_all(dir);
}

TEST(TraceOut, RefusedWhereItCannotApplyOrBeWritten) {
  Out o = run("run tests/e2e/data/mixed-sample.yaml --trace-out /tmp/never.json");
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("--trace-out is for simulations"), std::string::npos) << o.text;
  o = run("run scenarios/examples/small-city.yaml --trace-out /proc/no/such/t.json");
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("--trace-out"), std::string::npos) << o.text;
}

// Outputs replace only what the run owns (atomic_file.hpp's rule): a symlink is written through,
// a device or a pipe is streamed to, stdout ("-") gets the trace alone, the rest is refused.
TEST(TraceOut, OutputPathsAreWrittenThroughNeverReplaced) {
  const fs::path dir = fresh_dir("trace-paths");
  fs::create_directories(dir / "out");
  const std::string small = "run scenarios/examples/small-city.yaml --set scenario.horizon=1d ";

  // A symlink to a regular file: the target gets the trace, the link stays a link.
  { std::ofstream(dir / "real.json") << "old"; }
  fs::create_symlink(dir / "real.json", dir / "link.json");
  Out o = run(small + "--quiet --trace-out " + (dir / "link.json").string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  const nlohmann::json doc = nlohmann::json::parse(slurp(dir / "real.json"));
  EXPECT_EQ(doc["otherData"]["scenario"], "small-city");

  // Inside --out too: jobs.csv as a link to a file elsewhere.
  { std::ofstream(dir / "elsewhere.csv") << "old"; }
  fs::create_symlink(dir / "elsewhere.csv", dir / "out/jobs.csv");
  o = run(small + "--quiet --out " + (dir / "out").string());
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_TRUE(fs::is_symlink(dir / "out/jobs.csv"));
  EXPECT_EQ(slurp(dir / "elsewhere.csv").rfind("job_id,", 0), 0u) << "jobs.csv went through the link";

  // A character device stays one (as root, rename used to turn /dev/null into a regular file).
  o = run(small + "--quiet --trace-out /dev/null");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));

  // stdout: the trace alone (the summary table goes to stderr), through a pipe.
  o = run_command("'" + kBin + "' " + small + "--trace-out - 2>/dev/null | cat");
  ASSERT_EQ(o.code, 0) << o.text;
  EXPECT_EQ(nlohmann::json::parse(o.text)["otherData"]["scenario"], "small-city");

  // Refused with exit 2 before the run: a directory, a link to nothing.
  o = run(small + "--trace-out " + dir.string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("is a directory"), std::string::npos) << o.text;
  fs::create_symlink(dir / "nothing.json", dir / "dangling.json");
  o = run(small + "--trace-out " + (dir / "dangling.json").string());
  EXPECT_EQ(o.code, 2) << o.text;
  EXPECT_NE(o.text.find("symbolic link to nothing"), std::string::npos) << o.text;
  EXPECT_FALSE(fs::exists(dir / "nothing.json"));
  fs::remove_all(dir);
}
