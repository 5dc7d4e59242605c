// `data:REL` paths in scenarios (docs/scenario-format.md "Data files"): looked up in $HETSIM_DATA,
// then data/ in the scenario's folder or one above it, then shared/data/ likewise; a path that
// none has stays "data:REL" and its error says where it was looked for and how to fetch it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "hetsim/scenario/sections.hpp"

using namespace hetsim;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x\n";
}

// A checkout at T/repo (scenario in repo/scenarios/repro), shared data at T/shared/data, and a
// HETSIM_DATA folder at T/env; restores HETSIM_DATA after.
struct Tree {
  Tree() : root(fs::temp_directory_path() / ("hetsim-data-paths-" + std::to_string(::getpid()))) {
    fs::remove_all(root);
    scenario_dir = root / "repo" / "scenarios" / "repro";
    fs::create_directories(scenario_dir);
    if (const char* e = std::getenv("HETSIM_DATA")) saved = e, had = true;
    ::unsetenv("HETSIM_DATA");
  }
  ~Tree() {
    if (had)
      ::setenv("HETSIM_DATA", saved.c_str(), 1);
    else
      ::unsetenv("HETSIM_DATA");
    fs::remove_all(root);
  }
  std::string resolve(const std::string& rel) const {
    return resolve_scenario_path(scenario_dir.string(), "data:" + rel);
  }
  fs::path root, scenario_dir;
  std::string saved;
  bool had = false;
};

}  // namespace

TEST(DataPaths, LookedUpInHetsimDataThenDataThenSharedData) {
  Tree t;
  const std::string rel = "openb/nodes.csv";
  EXPECT_EQ(t.resolve(rel), "data:" + rel);  // nowhere yet
  touch(t.root / "shared" / "data" / rel);
  EXPECT_EQ(t.resolve(rel), (t.root / "shared" / "data" / rel).string());
  touch(t.root / "repo" / "data" / rel);  // the checkout's data/ wins over shared
  EXPECT_EQ(t.resolve(rel), (t.root / "repo" / "data" / rel).string());
  touch(t.root / "env" / rel);
  ::setenv("HETSIM_DATA", (t.root / "env").c_str(), 1);  // and HETSIM_DATA over both
  EXPECT_EQ(t.resolve(rel), (t.root / "env" / rel).string());
  // A HETSIM_DATA without the file falls through to the others.
  EXPECT_EQ(t.resolve("openb/other.csv"), "data:openb/other.csv");
  touch(t.root / "repo" / "data" / "openb" / "other.csv");
  EXPECT_EQ(t.resolve("openb/other.csv"), (t.root / "repo" / "data" / "openb" / "other.csv").string());
}

TEST(DataPaths, OtherPathsAreUnchangedAndOnlyDataPathsGetTheHint) {
  Tree t;
  EXPECT_EQ(resolve_scenario_path("/opt/s", "c.csv"), std::string("/opt/s") + "/c.csv");
  EXPECT_EQ(resolve_scenario_path("/opt/s", "/srv/c.csv"), std::string("/srv") + "/c.csv");
  EXPECT_EQ(missing_data_hint("c.csv"), "");
  const std::string hint = missing_data_hint("data:openb/nodes.csv");
  EXPECT_NE(hint.find("$HETSIM_DATA (unset)"), std::string::npos) << hint;
  EXPECT_NE(hint.find("scripts/fetch-data.sh"), std::string::npos) << hint;
}
