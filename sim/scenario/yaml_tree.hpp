#pragma once
// YamlValue: a YAML document copied out of yaml-cpp into plain values that keep 1-based positions.
// Owning the tree lets --set overrides replace values while keeping a sensible position, lets
// every map entry remember its key's position, and keeps yaml-cpp types out of the converters.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/scenario/scenario_spec.hpp"

namespace hetsim {

struct YamlEntry;

struct YamlValue {
  enum class Kind : uint8_t { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string scalar;              // Scalar only, as written (quotes removed)
  std::vector<YamlValue> items;    // List only
  std::vector<YamlEntry> entries;  // Map only, in file order; keys are unique
  int line = 0;                    // 1-based
  int col = 0;                     // 1-based
  std::string origin;              // "--set k=v" when an override put this value here

  bool is_map() const { return kind == Kind::Map; }
  bool is_list() const { return kind == Kind::List; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  const YamlValue* find(std::string_view key) const;
  YamlValue* find(std::string_view key);
};

struct YamlEntry {
  std::string key;
  int line = 0;
  int col = 0;
  YamlValue value;
};

// "a map", "a list", "a scalar 'x'", "nothing".
std::string describe(const YamlValue& v);

// Parses one YAML document. Problems (not UTF-8 text, syntax errors, several documents, duplicate
// or non-scalar keys, runaway nesting) are appended to `errors` against `file`; returns nullopt
// when the text cannot be used at all. An empty document is reported as "<what> is empty".
std::optional<YamlValue> load_yaml(const std::string& text, const std::string& file, const std::string& what,
                                   std::vector<Diagnostic>& errors);

// Parses a short YAML value given on the command line ("best-fit", "[a, b]", "{x: 1}"); empty text
// is Null. Positions are left 0 for the caller to set. Returns nullopt and sets `error` when the
// text is not valid YAML.
std::optional<YamlValue> load_yaml_value(const std::string& text, std::string& error);

// Sets the position and origin of `v` and everything under it.
void stamp(YamlValue& v, int line, int col, const std::string& origin);

}  // namespace hetsim
