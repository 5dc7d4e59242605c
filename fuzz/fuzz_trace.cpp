// Fuzzes the job-trace reader (workload.trace, sim/scenario/parse_trace.cpp): arbitrary bytes as
// the CSV file of a fixed scenario (the small city with the trace added), so every row reaches the
// explicit-job checks. The bytes go to a file of this process's own, since a trace is read from a
// path.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "hetsim/scenario/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("hetsim-fuzz-trace-" + std::to_string(::getpid()) + ".csv")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string scenario = std::string("base: ") + HETSIM_SOURCE_DIR +
                               "/scenarios/examples/small-city.yaml\n"
                               "set:\n"
                               "  workload.trace: {file: '" +
                               path + "', defaults: {class: eval, params: 1B, tokens_per_step: 100K}}\n";
  const hetsim::ParseResult r =
      hetsim::parse_scenario_string(scenario, "fuzz.yaml", std::string(HETSIM_SOURCE_DIR) + "/scenarios");
  for (const auto& d : r.errors) (void)d.format();
  return 0;
}
