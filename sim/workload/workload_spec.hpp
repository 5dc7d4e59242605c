#pragma once
// WorkloadSpec: the synthetic generator's input, already validated and in base units
// (seconds, parameters, GB). The scenario parser fills it from YAML (see docs/scenario-format.md).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/model/job.hpp"

namespace hetsim {

// A discrete distribution: value i drawn with probability weights[i] / sum(weights).
struct DiscreteDist {
  std::vector<double> values;
  std::vector<double> weights;
};

// Log-normal given by its median and the sigma of log(x), truncated to [min, max] by resampling.
struct LogNormalDist {
  double median = 1;
  double sigma = 0;
  double min = 0;
  double max = 1e300;
};

// Elastic jobs of a class (docs/scenario-format.md, `elastic:`): each generated job is elastic
// with probability `share`, its gang range then [min(min_cards, cards), max(max_cards, cards)].
// Only elastic-aware policies (Sia) resize a job; the others run it at `cards`.
struct ElasticClassSpec {
  double share = 0;        // in [0, 1]; 0: no job is elastic and nothing is drawn
  uint32_t min_cards = 1;  // >= 1
  uint32_t max_cards = 0;  // >= min_cards; 0: 4 x the job's cards
};

struct JobClassSpec {
  JobClass job_class = JobClass::Eval;
  double share = 0;                   // share of arrivals (normalised over classes)
  DiscreteDist cards;                 // gang size in whole cards
  LogNormalDist runtime_s;            // runtime on the reference chip, seconds
  DiscreteDist model_params;          // parameters (count)
  double tokens_per_step = 0;         // global batch in tokens
  uint32_t seq_len = kDefaultSeqLen;  // tokens per sequence (attention FLOPs); 0: none counted
  bool trains = true;                 // false: forward only (eval, inference)
  double bytes_per_param = 16;
  double activation_gb_per_card = 0;
  double cpu_milli_per_card = 0;           // host CPU per card, milli-cores
  double mem_mib_per_card = 0;             // host memory per card, MiB
  LogNormalDist data_gb;                   // dataset size
  std::vector<std::string> allowed_chips;  // empty: every chip in the catalog
  double estimate_error_sigma = 0;         // runtime estimate = true runtime * exp(N(0, sigma))
  bool mix_chips = false;                  // gangs may span chip types (mixed training)
  ElasticClassSpec elastic;                // share 0 (the default): every job rigid
};

struct ExplicitJobSpec {
  std::string tenant;
  JobClass job_class = JobClass::Eval;
  double arrival_s = 0;
  uint32_t cards = 1;
  // Elastic gang range, min_cards <= cards <= max_cards; 0: `cards` (both 0 or both `cards`: rigid).
  uint32_t min_cards = 0;
  uint32_t max_cards = 0;
  double params = 1e9;
  double tokens_per_step = 1e6;
  uint32_t seq_len = kDefaultSeqLen;  // tokens per sequence (attention FLOPs); 0: none counted
  bool trains = true;
  double bytes_per_param = 16;
  double activation_gb_per_card = 0;
  double cpu_milli_per_card = 0;
  double mem_mib_per_card = 0;
  // Work is given either as steps, or as a runtime on the reference chip (converted to steps).
  uint64_t steps = 0;
  double reference_runtime_s = 0;
  double runtime_estimate_s = 0;  // 0: the true reference runtime
  std::vector<std::string> allowed_chips;
  std::string data_site;  // empty: the first site
  double data_gb = 0;
  int priority = -1;  // -1: the tenant's
  bool allow_cross_site = false;
  bool mix_chips = false;
};

// Gavel's job generator (Narayanan et al., OSDI'20; its scheduler/utils.py generate_job) over the
// job types of a measured throughput table (scenario `throughputs:`): Poisson arrivals, the first
// at t = 0; a scale factor (1, or with multi_gpu 2/4/8 with probability 0.1/0.15/0.05); a job type
// drawn uniformly among the table's types of that scale factor; a duration on the reference chip
// of 60 x 10^U(1.5, 3) s with probability 0.8, else 60 x 10^U(3, 4) s; steps = duration x the
// type's measured rate on the reference chip.
struct GavelStreamSpec {
  bool enabled = false;
  double jobs_per_hour = 0;
  uint32_t jobs = 0;  // arrivals stop after this many (or at the horizon)
  bool multi_gpu = false;
  std::vector<std::string> job_types;  // empty: every type of the table
  std::string tenant;                  // empty: the first tenant
};

struct WorkloadSpec {
  double jobs_per_day = 0;           // mean arrival rate of the generated stream
  std::array<double, 24> diurnal{};  // relative rate per hour of day; mean normalised to 1
  std::vector<JobClassSpec> classes;
  std::vector<ExplicitJobSpec> jobs;      // hand-written jobs, added to the generated ones
  std::string reference_chip;             // chip on which runtime distributions are stated
  uint32_t reference_cards_per_node = 8;  // node size assumed when converting runtimes to steps
  double tenant_zipf_s = 1.0;             // tenant popularity ~ 1 / rank^s
  GavelStreamSpec gavel;                  // when enabled, the only source of jobs
};

}  // namespace hetsim
