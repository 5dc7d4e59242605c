#pragma once
// A sweep file (docs/workflow.md, "Sweeps"): one scenario, scenario overrides given as a grid
// (every combination) and/or a list of points, policies and seeds. Parsed into the list of
// parameter points; every problem is reported with its file:line:col, as for scenarios.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hetsim/scenario/parse.hpp"
#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

// One scenario override: a dotted KEY as for --set, and its value as YAML text.
struct SweepValue {
  std::string key;
  std::string text;
  SourcePos pos;
};

// One combination of overrides (the fixed `set:` values first, then the point's own).
struct SweepPoint {
  std::vector<SweepValue> values;
  SourcePos pos;  // its map in `points`, else its last grid value, else the file's top level
};

struct SweepPolicy {
  std::string label;  // as written, e.g. "easy-backfill:placement=best-fit"
  std::string name;
  std::map<std::string, std::string> params;
  SourcePos pos;
};

struct SweepSpec {
  std::string file;
  std::string scenario;            // resolved against the sweep file's folder
  std::vector<SweepPoint> points;  // points x grid in file order; one empty point if neither is given
  std::vector<std::string> keys;   // every overridden key, in order of first appearance (the CSV's columns)
  // Empty when the sweep names none: each point then runs its scenario's own `policy:` (which
  // the grid may vary, e.g. policy.params.max_scan).
  std::vector<SweepPolicy> policies;
  std::vector<uint64_t> seeds;  // empty: the scenario's own seed
  SourcePos seeds_pos;
};

struct SweepParseResult {
  SweepSpec spec;
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// Most runs one sweep may expand to: a typo in a grid should fail at once, not run for a year.
// Every point is validated as a scenario before the first run (about 4 ms and 4 KB each), so a
// million points meant 70 silent minutes and 3.8 GB before anything ran; 100,000 is 7 minutes.
constexpr std::size_t kMaxSweepRuns = 100'000;

// Reads and checks the file's own structure (keys, types, policy syntax, seed lists, repeated
// keys, the run count). Whether each point is a valid scenario and each policy exists is checked
// by the caller, which has the scenario parser and the policy registry.
SweepParseResult parse_sweep_file(const std::string& path);
// The same for text in memory (fuzzing, tests); `path` names the file in diagnostics and the
// scenario is resolved against its folder, as for a file.
SweepParseResult parse_sweep_text(const std::string& text, const std::string& path);

// A point's scenario inputs (ParseResult::inputs) as key lines: "input PATH HASH BYTES\n" each,
// the hash as 16 hex digits.
std::string sweep_inputs_text(const std::vector<InputFile>& inputs);

// The key a resumed sweep stores a run's result under (DIR/runs/<FNV-1a 64 of it>.json) and
// compares before reusing one: everything that determines the run's numbers, one field a line:
//   hetsim BINARY_ID\nscenario PATH HASH\n<inputs_text>set KEY=TEXT\n...policy LABEL\nseed N\n
// (the point's values in order). Distinct points of one parsed sweep give distinct keys: a key
// has no '=' or control character (the reader refuses them) and a TEXT is a plain scalar or a
// self-delimiting flow value, so the lines read back into one (key, text) list only.
std::string sweep_run_key(const std::string& binary_id, const std::string& scenario, const std::string& scenario_id,
                          const std::string& inputs_text, const SweepPoint& point, const std::string& policy_label,
                          uint64_t seed);

}  // namespace hetsim
