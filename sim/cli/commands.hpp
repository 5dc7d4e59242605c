#pragma once
// The subcommands of the hetsim binary. Each returns the process exit code.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hetsim {

struct RunOptions {
  std::string scenario;
  std::string policy;
  std::string seed_text;   // validated in cmd_run: digits only, fits 64 bits
  std::string seeds_text;  // trace-replay scenarios only: "1-10", "1,4,9"
  std::vector<std::string> sets;
  std::string out;
  std::string trace_out;  // Chrome/Perfetto trace-event JSON of the schedule
  std::string device = "cpu";
  std::string progress = "auto";  // auto, on, off (progress_bar.hpp)
  bool quiet = false;
  bool check_invariants = false;  // on anyway in builds without NDEBUG
};

int cmd_run(const RunOptions& opt);
int cmd_validate(const std::vector<std::string>& files);
int cmd_list_policies();
int cmd_list_chips(const std::string& catalog);
// jobs.csv's columns and the headline metrics, as the markdown tables docs/scenario-format.md holds.
int cmd_list_outputs();

}  // namespace hetsim
