// Derived scenarios: `base:` plus `set:` (docs/scenario-format.md, "Derived scenarios").
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scenario_test_support.hpp"

namespace hetsim {
namespace {

namespace fs = std::filesystem;
using test::all_errors;

class DerivedScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hetsim-derived-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
    fs::copy_file(test::data_dir() + "/valid.yaml", dir_ / "valid.yaml", fs::copy_options::overwrite_existing);
    fs::create_directories(dir_ / "catalog");
    fs::copy_file(test::data_dir() + "/catalog/chips.yaml", dir_ / "catalog/chips.yaml",
                  fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  ParseResult parse(const std::string& name, const ScenarioOverrides& ov = {}) {
    return parse_scenario_file((dir_ / name).string(), ov);
  }
  // Some diagnostic is in file `name` at line:col and contains `text`.
  ::testing::AssertionResult has(const ParseResult& r, const std::string& name, int line, int col,
                                 const std::string& text) {
    return test::has_error(r, line, col, text, (dir_ / name).lexically_normal().string());
  }
  fs::path dir_;
};

TEST_F(DerivedScenario, SetReplacesValuesOfTheBaseInOrderAndCommandLineOverridesComeLast) {
  write("sub/derived.yaml",
        "# a comment\n"
        "base: ../valid.yaml\n"
        "set:\n"
        "  scenario.name: derived\n"
        "  providers.0.pools.0.nodes: 6\n"
        "  policy: { name: fifo }\n"
        "  scenario.seed: 11\n"
        "  scenario.seed: 12\n");
  ParseResult r = parse("sub/derived.yaml");
  // YAML keys are unique: the second scenario.seed is a duplicate key, reported where it is.
  EXPECT_TRUE(has(r, "sub/derived.yaml", 8, 3, "duplicate key 'scenario.seed'")) << all_errors(r);
  write("sub/derived.yaml",
        "base: ../valid.yaml\n"
        "set:\n"
        "  scenario.name: derived\n"
        "  providers.0.pools.0.nodes: 6\n"
        "  policy: { name: fifo }\n");
  r = parse("sub/derived.yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.spec.name, "derived");
  EXPECT_EQ(r.spec.providers[0].pools[0].nodes, 6u);
  EXPECT_EQ(r.spec.policy.name, "fifo");
  EXPECT_EQ(r.spec.seed, 7u);  // untouched values come from the base
  r = parse("sub/derived.yaml", {{"providers.0.pools.0.nodes", "3"}});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.spec.providers[0].pools[0].nodes, 3u);
  // A base may itself be derived.
  write("twice.yaml", "base: sub/derived.yaml\nset: { scenario.horizon: 1d }\n");
  r = parse("twice.yaml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.spec.name, "derived");
  EXPECT_EQ(r.spec.horizon_s, 86400);
}

TEST_F(DerivedScenario, ErrorsPointAtTheFileThatHoldsTheProblem) {
  write("b.yaml", "base: a.yaml\n");
  struct Case {
    std::string a_yaml, file;  // a.yaml's text, and the file the error must be reported in
    int line, col;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"base: missing.yaml\n", "a.yaml", 1, 7, "cannot read base scenario"},
           {"base: b.yaml\n", "b.yaml", 1, 7, "is its own base"},  // b.yaml's base is a.yaml
           {"base: a.yaml\n", "a.yaml", 1, 7, "is its own base"},
           {"base: /dev/null\n", "a.yaml", 1, 7, "not a regular file"},
           {"base: valid.yaml\npolicy: { name: fifo }\n", "a.yaml", 2, 1, "unknown key 'policy'"},
           {"base: valid.yaml\nset: [a, b]\n", "a.yaml", 2, 6, "'set'"},
           // A path that does not exist in the base: at the set key, in the derived file.
           {"base: valid.yaml\nset:\n  providers.5.nodes: 3\n", "a.yaml", 3, 3, "is a list of 1 items"},
       }) {
    write("a.yaml", c.a_yaml);
    EXPECT_TRUE(has(parse("a.yaml"), c.file, c.line, c.col, c.says)) << c.a_yaml;
  }
  // A value of the wrong type: where the base had the value, naming the set entry.
  write("a.yaml", "base: valid.yaml\nset:\n  providers.0.pools.0.nodes: many\n");
  const ParseResult r = parse("a.yaml");
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const Diagnostic& d : r.errors) {
    found = found || (d.pos.file == (dir_ / "valid.yaml").string() && d.pos.line == 18 &&
                      d.message.find("set providers.0.pools.0.nodes") != std::string::npos);
  }
  EXPECT_TRUE(found) << all_errors(r);
}

}  // namespace
}  // namespace hetsim
