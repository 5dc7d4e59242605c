#pragma once
// Shared helpers of the scenario parser tests: the valid fixture with one line swapped, and an
// assertion that some diagnostic has the expected position and message.
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "../support/files.hpp"
#include "hetsim/scenario/parse.hpp"

namespace hetsim::test {

inline std::string data_dir() { return std::string(HETSIM_SOURCE_DIR) + "/tests/scenario/data"; }

inline std::string read_fixture(const std::string& name) { return test::slurp(data_dir() + "/" + name); }

// valid.yaml with 1-based line `line` replaced by `text` (which may hold several lines).
inline std::string valid_with(std::vector<std::pair<int, std::string>> edits) {
  std::istringstream in(read_fixture("valid.yaml"));
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) {
    for (const auto& [at, text] : edits) {
      if (at == n) l = text;
    }
    out += l + "\n";
  }
  return out;
}

inline ParseResult parse_text(const std::string& yaml, const ScenarioOverrides& ov = {}) {
  return parse_scenario_string(yaml, "t.yaml", data_dir(), ov);
}

inline std::string all_errors(const ParseResult& r) {
  std::string s;
  for (const Diagnostic& d : r.errors) s += "  " + d.format() + "\n";
  return s.empty() ? "  (no errors)\n" : s;
}

// Some diagnostic sits at line:col of t.yaml and contains `text`.
inline ::testing::AssertionResult has_error(const ParseResult& r, int line, int col, const std::string& text,
                                            const std::string& file = "t.yaml") {
  for (const Diagnostic& d : r.errors) {
    if (d.pos.file == file && d.pos.line == line && d.pos.col == col && d.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at " << file << ":" << line << ":" << col << " containing \""
                                       << text << "\"; got:\n"
                                       << all_errors(r);
}

}  // namespace hetsim::test
