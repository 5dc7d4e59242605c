#pragma once
// --set KEY=VALUE: replaces one value of the scenario's YAML tree before it is converted, so the
// usual checks (unknown keys, types, units) apply to the new value too.
#include <string>
#include <utility>
#include <vector>

#include "hetsim/scenario/reader.hpp"
#include "hetsim/scenario/yaml_tree.hpp"

namespace hetsim {

using Overrides = std::vector<std::pair<std::string, std::string>>;

// KEY is a dotted path; list items are addressed by index (providers.0.pools.1.nodes). Missing
// map keys are created (and then checked like any key). A replaced value keeps the position of
// the value it replaces; a new key gets its parent map's position. Every new value remembers the
// override, so its errors say "[from --set KEY=VALUE]".
void apply_overrides(YamlValue& root, const Overrides& overrides, Ctx& ctx);

// One override with an already parsed value (a derived scenario's `set:` entry). Path errors go
// to `ctx` at `report_at` when given, else at the tree position where the path stopped.
void apply_override_value(YamlValue& root, const std::string& key, const YamlValue& value, const std::string& origin,
                          Ctx& ctx, const YamlValue* report_at);

}  // namespace hetsim
