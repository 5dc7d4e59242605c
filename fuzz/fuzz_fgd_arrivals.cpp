// Fuzzes the FGD sharing-replay arrival loop (sim/replay/fgd_experiment.hpp). Input: byte 0 the
// inflation (1 + b % 150 %), byte 1 the placement (sharing_placement_names()), byte 2 the seed (its
// high bit: the reference protocol, docs/validation.md, instead of draws with lowest-id ties),
// then an openb node list and a pod list separated by a line "%%" (without one, all of it is the
// pod list, on a fixed two-node cluster); at most 64 nodes and 256 pods are kept.
// Checked, aborting on a violation: where fgd_arrivals_problem refuses the trace,
// run_fgd_experiment throws std::invalid_argument; where it accepts a trace with tasks and GPUs,
// a small enough run (expected draws x nodes x target types bounded, so an input takes
// milliseconds) returns, never with the draw cap's error, reaches the inflation with one curve point
// per percent and allocates no more than the cluster has, and a second run gives the same result.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/policy/sharing/fragmentation.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/replay/fgd_experiment.hpp"
#include "hetsim/replay/sharing_trace.hpp"
#include "hetsim/workload/openb_trace.hpp"

namespace {

constexpr std::size_t kMaxNodes = 64, kMaxPods = 256;
constexpr double kMaxWork = 3e6;  // expected draws x nodes x (target types + 1) of a run we do

const char* const kDefaultNodes =
    "sn,cpu_milli,memory_mib,gpu,model\n"
    "n0,96000,393216,8,V100M32\n"
    "n1,64000,262144,2,T4\n";

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const int pct = 1 + data[0] % 150;
  const std::vector<std::string>& names = hetsim::sharing_placement_names();
  const std::string policy = names[data[1] % names.size()];
  const uint64_t seed = data[2] & 0x7F;
  const bool reference = (data[2] & 0x80) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
  std::string_view nodes_text = kDefaultNodes, pods_text = text;
  if (const auto sep = text.find("\n%%\n"); sep != std::string_view::npos) {
    nodes_text = text.substr(0, sep + 1);
    pods_text = text.substr(sep + 4);
  }

  std::vector<hetsim::TraceError> errors;
  std::vector<hetsim::OpenbNode> nodes = hetsim::parse_openb_nodes(nodes_text, "nodes.csv", errors);
  std::vector<hetsim::OpenbPod> pods = hetsim::parse_openb_pods(pods_text, "pods.csv", errors);
  if (nodes.size() > kMaxNodes) nodes.resize(kMaxNodes);
  if (pods.size() > kMaxPods) pods.resize(kMaxPods);
  const hetsim::SharingTrace trace = hetsim::build_sharing_trace(nodes, "nodes.csv", pods, "pods.csv", errors);
  for (const auto& e : errors) (void)e.format();
  const std::vector<hetsim::TaskType> M = hetsim::target_workload(trace.tasks);

  hetsim::FgdExperimentConfig cfg;
  cfg.inflation_pct = pct;
  if (reference) {
    cfg.placement.tie_break = hetsim::TieBreak::NodePermutation;
    cfg.placement.scores = hetsim::ScoreResolution::ReferenceInteger;
    cfg.arrivals = hetsim::FgdArrivals::Reference;
    cfg.reading = hetsim::FgdReading::Reference;
  }
  const std::string problem = hetsim::fgd_arrivals_problem(trace, pct);
  check(problem == hetsim::fgd_arrivals_problem(trace, pct));
  if (!problem.empty()) {
    try {
      (void)hetsim::run_fgd_experiment(trace, M, policy, seed, cfg);
      __builtin_trap();  // refused arrivals ran
    } catch (const std::invalid_argument&) {
    }
    return 0;
  }
  const bool runnable = !trace.tasks.empty() && trace.gpu_count > 0;
  if (runnable) {
    // The run's size, as fgd_arrivals_problem estimates it; bounded so an input takes milliseconds.
    int64_t requested = 0;
    for (const auto& t : trace.tasks) requested += t.gpu_milli_total();
    const double draws = pct / 100.0 * static_cast<double>(trace.gpu_count) * hetsim::kMilliPerCard *
                         static_cast<double>(trace.tasks.size()) / static_cast<double>(requested);
    check(draws <= static_cast<double>(hetsim::kMaxFgdArrivalDraws / 2));
    if (draws * static_cast<double>(trace.nodes.size()) * static_cast<double>(M.size() + 1) > kMaxWork) return 0;
  }
  hetsim::FgdRunResult r;
  try {
    r = hetsim::run_fgd_experiment(trace, M, policy, seed, cfg);
  } catch (const std::invalid_argument&) {
    check(!runnable);  // only an empty trace or a cluster without GPUs
    return 0;
  }
  // Any other exception (the draw cap's std::runtime_error) escapes and aborts the fuzzer.
  check(runnable);
  const int64_t capacity = trace.gpu_count * int64_t{hetsim::kMilliPerCard};
  check(r.curve.size() == static_cast<std::size_t>(pct) + 1);
  for (std::size_t i = 0; i < r.curve.size(); ++i) {
    const auto& p = r.curve[i];
    check(p.arrived_pct == static_cast<int>(i));
    check(p.allocated_pct >= 0 && p.allocated_pct <= 100 && p.fragmented_pct >= -1e-9);
  }
  if (reference)  // tuned to the target: within one task (at most 8 whole GPUs) of it either way
    check(100 * r.gpu_milli_arrived <= int64_t{pct} * capacity + 100 * 8000 &&
          100 * r.gpu_milli_arrived + 100 * 8000 >= int64_t{pct} * capacity);
  else
    check(100 * r.gpu_milli_arrived >= int64_t{pct} * capacity);
  check(r.tasks_arrived <= hetsim::kMaxFgdArrivalDraws && r.tasks_placed <= r.tasks_arrived);
  check(r.gpu_tasks_placed <= r.gpu_tasks_arrived && r.gpu_tasks_arrived <= r.tasks_arrived);
  check(r.gpu_milli_allocated <= capacity && r.gpu_milli_allocated <= r.gpu_milli_arrived);
  check(hetsim::run_fgd_experiment(trace, M, policy, seed, cfg) == r);
  return 0;
}
