// Fuzzes the scenario loader: arbitrary bytes as a scenario file (YAML syntax, keys, types, units,
// references, validation, --set-style overrides are covered by the unit tests). The chip catalog
// is the shipped one, found from scenarios/.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hetsim/scenario/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const hetsim::ParseResult r =
      hetsim::parse_scenario_string(text, "fuzz.yaml", std::string(HETSIM_SOURCE_DIR) + "/scenarios");
  for (const auto& d : r.errors) (void)d.format();
  return 0;
}
