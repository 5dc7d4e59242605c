#pragma once
// ScenarioSpec: a scenario file read into plain structs, in base units (seconds, Gb/s, us, MiB,
// milli-cores). Every value that validation may complain about keeps its file position.
// Produced by parse_scenario(); turned into the model by build_scenario().
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/data_staging.hpp"
#include "hetsim/model/measured_throughputs.hpp"
#include "hetsim/model/topology.hpp"
#include "hetsim/perf/checkpoint.hpp"
#include "hetsim/perf/transformer.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

struct SourcePos {
  std::string file;
  int line = 0;  // 1-based
  int col = 0;   // 1-based
};

struct Diagnostic {
  SourcePos pos;
  std::string message;
  std::string format() const;  // "file:line:col: error: message"
};

struct SiteSpec {
  std::string name;
  SiteFabric fabric;
  SourcePos pos;
};

struct LinkSpec {
  std::string a, b;
  double latency_us = 0;
  double bandwidth_gbps = 0;
  SourcePos pos;
};

struct PoolSpec {
  std::string site;
  std::string chip;
  uint32_t nodes = 0;
  uint32_t cards_per_node = 0;  // 0: the chip's cards_per_server
  int64_t cpu_milli_per_node = 0;
  int64_t mem_mib_per_node = 0;
  uint32_t nodes_per_leaf = 32;
  double price = -1;  // CNY per card-hour; < 0: the chip's catalog price x the provider's price_factor
  SourcePos pos, site_pos, chip_pos;
};

struct ProviderSpec {
  std::string name;
  std::vector<PoolSpec> pools;
  double price_factor = 1;  // multiplies the catalog price of its pools' chips
  SourcePos pos;
};

struct TenantSpec {
  std::string name;
  double weight = 1;
  int priority = 0;
  bool mix_chips = false;
  double voucher_share = 0;  // district top-up: share of rent on top of the city voucher
  double voucher_budget = std::numeric_limits<double>::infinity();  // CNY of subsidy at most
  double budget = std::numeric_limits<double>::infinity();          // rent at most, then no starts
  // Cards the tenant may hold at once: (provider name or "all", cards), as written.
  std::vector<std::pair<std::string, int64_t>> quota;
  // Guaranteed shares: cards of a provider reserved for the tenant, as written (docs/policies.md).
  struct Guarantee {
    std::string provider;
    int64_t cards = 0;
    SourcePos pos;
  };
  std::vector<Guarantee> guarantee;
};

// `vouchers:` compute vouchers that pay a share of the tenants' rent (docs/scenario-format.md).
struct VoucherSpec {
  double city_share = 0;      // every tenant
  double domestic_share = 0;  // extra share on chips of `domestic_vendors`
  std::vector<std::string> domestic_vendors;
  double max_share = 1;  // cap of the sum
  std::string currency = "CNY";
};

struct PolicySpec {
  std::string name = "fifo";
  std::map<std::string, std::string> params;  // validated by the policy registry
  SourcePos pos;
  std::map<std::string, SourcePos> param_pos;
  bool read_ok = true;  // the `policy:` section parsed without errors: its name and params can be checked
};

// perf.mixing: how gangs that span chip types are costed (docs/mixed-training.md).
struct MixingSpec {
  std::string models_path;  // resolved; loaded when some job may mix
  std::vector<TransformerSpec> models;
  double fixed_efficiency = 0;  // 0: the planner decides
  double cross_vendor_gbps = 100;
  double inter_node_gbps = 200;
  bool per_group_dp = true;
};

struct PerfSpec {
  double comm_overlap = 0.0;            // share of DP communication hidden behind compute, [0, 1)
  double memory_usable_fraction = 0.9;  // share of device memory a job may fill
  MixingSpec mixing;
};

// `failures:` node failure rates by chip name, site outages by site name (resolved at build).
struct FailuresSpec {
  struct Nodes {
    std::string chip;  // a chip name, or "all"
    double mtbf_s = 0;
    double mttr_s = 0;
  };
  struct Outage {
    std::string site;
    double at_s = 0;
    double duration_s = 0;
  };
  struct LinkOutage {
    std::string a, b;  // the sites of a link of `links:`
    double at_s = 0;
    double duration_s = 0;
  };
  std::vector<Nodes> nodes;
  std::vector<Outage> sites;
  std::vector<LinkOutage> links;
  uint32_t retry_limit = 3;
};

// `throughputs:` measured steps/s per job type and chip (MeasuredThroughputs), read from a file in
// Gavel's format: {worker type: {"('Model (batch size N)', scale factor)": {"null": steps/s, ...}}}.
struct ThroughputsSpec {
  std::string path;                                        // resolved
  std::vector<MeasuredThroughputs::Type> types;            // sorted by (name, cards)
  std::vector<std::pair<std::string, std::string>> chips;  // file worker type -> chip name
  std::vector<std::vector<double>> rates;                  // per entry of `chips`, per type (0: none)
  SourcePos pos;
};

struct MetricsSpec {
  double timeseries_interval_s = 3600;
};

// A GPU-sharing trace replay (the FGD paper's experiment, docs/validation.md): a scenario with a
// `sharing_replay:` section has no sites, providers, tenants or workload; its cluster is an openb
// node list and its tasks an openb pod list.
// How a replay's tasks arrive and how its curve is read (replay/fgd_experiment.hpp, FgdArrivals
// and FgdReading; the scenario layer names them without depending on the replay).
enum class FgdArrivalMode : uint8_t { Draws, Reference };
enum class FgdReadingMode : uint8_t { Crossing, Reference };

struct SharingReplaySpec {
  std::string nodes_file, pods_file;  // resolved relative to the scenario file
  int inflation_pct = 130;
  bool include_cpu_only = true;       // target workload M: CPU-only task types count
  int popularity_threshold_pct = 95;  // M: the most popular types covering this share of tasks
  std::vector<std::string> policies;  // run by default (sharing placements)
  std::vector<uint64_t> seeds;        // run by default
  SharingOptions placement;           // tie_break, scores
  FgdArrivalMode arrivals = FgdArrivalMode::Draws;
  FgdReadingMode reading = FgdReadingMode::Crossing;
  SourcePos pos, nodes_pos, pods_pos;
};

// A mixed-training planning scenario (docs/mixed-training.md): planner requests, no simulation.
struct MixedPlanSpec {
  std::string name;
  std::string model;
  std::vector<std::pair<std::string, uint32_t>> chips;  // in file order
  uint32_t global_batch = 0;                            // 0: the model's default
  double cross_vendor_gbps = 100;
  double inter_node_gbps = 200;
  bool per_group_dp = true;
  // The training stack (docs/performance-model.md "Training stacks"), as `hetsim plan` takes it.
  TrainingStack stack;
  uint8_t recompute_modes = 0b111;  // a bit per Recompute value; all: the planner picks
  uint32_t zero_stage = 1;
  SourcePos pos;
};

struct MixedTrainingSpec {
  std::string models_path;              // resolved
  std::vector<TransformerSpec> models;  // the model catalog
  std::vector<MixedPlanSpec> plans;     // `vary` already expanded
};

struct ScenarioSpec {
  std::string file;  // path as given
  std::string name;
  std::string description;
  double horizon_s = 0;
  // scenario.stop_when_jobs_end: [first, last): the run ends as soon as every job with an id in
  // this range (ids count arrivals from 0) has ended, as Gavel's continuous experiments stop once
  // their measurement window is done; last == 0: no such stop.
  uint64_t stop_first = 0, stop_last = 0;
  SourcePos stop_pos;
  // scenario.stop_when_waiting_exceeds: end the run once more than this many jobs wait (0: never):
  // past saturation a queue grows without end, and so would the run (Gavel's sweeps there never
  // finished; its authors stopped them by hand).
  uint64_t stop_waiting = 0;
  uint64_t seed = 1;
  std::string catalog_path;     // resolved relative to the scenario file
  std::vector<ChipSpec> chips;  // catalog, then the scenario's own chips: override by name
  std::vector<SiteSpec> sites;
  std::vector<LinkSpec> links;
  std::vector<ProviderSpec> providers;
  std::vector<TenantSpec> tenants;
  VoucherSpec vouchers;
  WorkloadSpec workload;
  PolicySpec policy;
  PerfSpec perf;
  MetricsSpec metrics;
  CheckpointModel checkpoint;  // `preemption:` (defaults when absent)
  FailuresSpec failures;
  DataStaging data_staging;  // `data_staging:` (off when absent)
  bool has_throughputs = false;
  ThroughputsSpec throughputs;
  bool has_sharing_replay = false;  // then only `scenario` and `sharing_replay` were read
  SharingReplaySpec sharing_replay;
  bool has_mixed_training = false;  // then only `scenario`, the chips and `mixed_training` were read
  MixedTrainingSpec mixed_training;
  // Positions for validation messages about explicit jobs and classes, by index.
  std::vector<SourcePos> job_pos;
  std::vector<SourcePos> class_pos;
  SourcePos workload_pos;
  SourcePos jobs_per_day_pos;  // for the run-size limits (validate.cpp)
  SourcePos timeseries_interval_pos;
};

// A run must fit in memory and finish: beyond these sizes the scenario is rejected up front
// (about 27x and 1,400x the default scenario's 1.1 M jobs and 721 samples). 3e7 jobs leave room
// for the 1M-card city month of the scale benchmark (~20 M jobs; docs/performance.md).
inline constexpr double kMaxGeneratedJobs = 3.0e7;
inline constexpr double kMaxTimeseriesSamples = 1.0e6;
// The platform's size over all pools: the model keeps per-card and per-node arrays, so 4 pools of
// 1e7 nodes x 32 cards (1.28e9 cards) died with bad_alloc. 73x and 145x the city (55,056 cards in
// 6,882 nodes).
inline constexpr int64_t kMaxPlatformCards = 4'000'000;
// Seeds, wherever given (scenario.seed, --seed, --seeds, a sweep's seeds): YAML numbers are read
// exactly up to 1e15 (below 2^53), so the command line takes the same range.
inline constexpr uint64_t kMaxSeed = 1'000'000'000'000'000;
inline constexpr int64_t kMaxPlatformNodes = 1'000'000;

}  // namespace hetsim
