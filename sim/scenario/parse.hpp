#pragma once
// The scenario parser: a YAML scenario file (docs/scenario-format.md) and its chip catalog ->
// ScenarioSpec, or every problem found, each with its file position. Never throws for bad input.
#include <string>
#include <utility>
#include <vector>

#include "hetsim/perf/transformer.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

// A file a parse read, with what it held (FNV-1a 64 of its bytes).
struct InputFile {
  std::string path;
  uint64_t fnv1a64 = 0;
  std::size_t bytes = 0;
};

struct ParseResult {
  ScenarioSpec spec;
  std::vector<Diagnostic> errors;  // sorted by file, line, column
  // Every file the scenario's numbers depend on, in reading order: the scenario, its `base:`
  // chain, the chip and model catalogs, throughput files. A resumed sweep keys its results on
  // them, so an edited base file is not silently reused.
  std::vector<InputFile> inputs;
  bool ok() const { return errors.empty(); }
};

// --set KEY=VALUE pairs: dotted path into the YAML tree, value as YAML ("sjf", "5000", "[a, b]").
using ScenarioOverrides = std::vector<std::pair<std::string, std::string>>;

// Reads the file (and its chip catalog), checks syntax, keys, types, units, references and
// impossible jobs. An unreadable file gives one diagnostic with line 0:
// "file: error: cannot read scenario: <reason>".
ParseResult parse_scenario_file(const std::string& path);
ParseResult parse_scenario_file(const std::string& path, const ScenarioOverrides& overrides);

// As parse_scenario_file for text in memory (tests); `display_name` is used in diagnostics and the
// catalog path is resolved relative to `base_dir`.
ParseResult parse_scenario_string(const std::string& yaml_text, const std::string& display_name,
                                  const std::string& base_dir, const ScenarioOverrides& overrides = {});

// A chip catalog file on its own (`chips:` list). Problems are appended to `errors`.
std::vector<ChipSpec> parse_chip_catalog_file(const std::string& path, std::vector<Diagnostic>& errors);

// A model catalog file (`models:` list, scenarios/catalog/models.yaml) for the mixed-training
// planner. Problems are appended to `errors`.
std::vector<TransformerSpec> parse_model_catalog_file(const std::string& path, std::vector<Diagnostic>& errors);

}  // namespace hetsim
