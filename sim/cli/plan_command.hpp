#pragma once
// `hetsim plan`: the mixed-training planner on one model and a set of chips
// (docs/mixed-training.md). Exit 0 with a plan, 2 for a bad request or when no plan fits.
#include <string>

namespace hetsim {

struct PlanOptions {
  std::string model;
  std::string chips;          // TYPE:COUNT[,TYPE:COUNT...]
  unsigned global_batch = 0;  // 0: the model's default
  double cross_vendor_gbps = 100;
  double inter_node_gbps = 200;
  // The training stack (docs/performance-model.md "Training stacks").
  std::string attention = "flash";       // flash | materialized
  std::string recompute = "auto";        // auto | none | selective | full (or several, '|')
  std::string zero = "1";                // ZeRO stage: 0, 1 or 3 (checked here, not by CLI11: no hex, no sign)
  std::string sequence_parallel = "on";  // on | off
  bool uniform_dp = false;               // one DP degree for every chip group (PlanRequest::per_group_dp = false)
  std::string device = "cpu";            // cpu, cuda or auto (sim/cli/device.hpp)
  std::string out;
  std::string catalog = "scenarios/catalog/chips.yaml";
  std::string models = "scenarios/catalog/models.yaml";
  std::string progress = "auto";  // pipeline orders searched, on stderr: auto, on, off
};

int cmd_plan(const PlanOptions& opt);

}  // namespace hetsim
