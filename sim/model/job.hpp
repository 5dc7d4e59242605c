#pragma once
// Job: what a tenant submits. A job carries work (steps of a known FLOP and byte cost), not wall
// time, so the same job finishes sooner on a faster chip; sim/perf turns work into step time for a
// given allocation.
#include <cstdint>
#include <string>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/ids.hpp"

namespace hetsim {

enum class JobClass : uint8_t { Pretrain = 0, Finetune, Eval, Inference, Debug };
inline constexpr int kJobClassCount = 5;
const char* job_class_name(JobClass c);
bool parse_job_class(const std::string& s, JobClass& out);

struct ModelWork {
  double params = 0;                  // model parameters (count, not billions)
  double tokens_per_step = 0;         // global batch, tokens per step
  double flops_per_param_token = 6;   // 6 for training (fwd+bwd), 2 for inference/eval
  double bytes_per_param = 16;        // resident bytes per parameter (16: BF16 + FP32 Adam states)
  double activation_gb_per_card = 0;  // activations / KV cache per card, GB
  bool trains = true;                 // training synchronises gradients every step
  // Attention's sequence-length term, FLOPs per token on top of flops_per_param_token x params:
  // dense_attention_flops_per_token below. 0: left out (`seq_len: 0`, the model before it).
  double attention_flops_per_token = 0;
};

// Sequence length a workload class or job trains (or serves) at when it does not say: Llama 2's,
// and that of most of the model catalog (scenarios/catalog/models.yaml).
inline constexpr uint32_t kDefaultSeqLen = 4096;

// The attention FLOPs per token of a dense transformer of `params` parameters at sequence length
// `seq_len`, the MFU convention the mixed-training planner uses (TransformerSpec::
// layer_model_flops): QK^T and AV cost 2 x 2 x s x h per token and layer forward, x 3 when
// training, i.e. flops_per_param_token / 2 x 4 x L x s x h. A job knows its size, not its shape:
// L x h comes from params = 12 L h^2 at an aspect ratio h / L = 128 (GPT-3 6.7B to 175B, Llama 2
// 7B and 13B; Llama 2 70B has 102). docs/performance-model.md.
double dense_attention_flops_per_token(double params, double seq_len, double flops_per_param_token);

// What a policy may know of a job: everything its submitter declares, its runtime estimate
// included, but not its true length (SchedulingContext::job). Oracle policies, which declare
// themselves so (Policy::oracle), may also read the true work (SchedulingContext::true_steps).
struct JobRequest {
  JobId id = 0;
  TenantId tenant = 0;
  JobClass job_class = JobClass::Eval;
  SimTime arrival;
  uint32_t cards = 1;  // gang size in whole cards, all-or-nothing
  int64_t cpu_milli_per_card = 0;
  int64_t mem_mib_per_card = 0;
  ModelWork model;
  double runtime_estimate_s = 0;   // the submitter's estimate (SJF, backfill); may be wrong
  uint64_t allowed_chips = ~0ULL;  // bit i set: chip id i allowed
  SiteId data_site = 0;
  double data_gb = 0;
  // Higher first: a strict tier in the ordering and preemptive policies, a weight in gavel
  // (docs/policies.md "Priorities"). Scenario jobs take their tenant's unless they set their own.
  int priority = 0;
  bool allow_cross_site = false;  // may a gang span sites (paying the inter-site link)?
  bool may_mix_chips = false;     // may a gang span chip types (mixed training, one site)?
  int32_t measured_type = -1;     // >= 0: runs at MeasuredThroughputs' rates, not the model's
  // Elastic jobs (docs/policies.md "Sia"): a policy may run the job on any gang size in
  // [min_cards, max_cards], changing it between runs; the global batch stays the same, so the
  // work (steps) does not change, only the step time. 0: rigid, exactly `cards`.
  uint32_t min_cards = 0;
  uint32_t max_cards = 0;

  uint32_t min_gang() const { return min_cards > 0 ? min_cards : cards; }
  uint32_t max_gang() const { return max_cards > 0 ? max_cards : cards; }
  bool elastic() const { return min_gang() != max_gang(); }
  bool gang_size_allowed(uint32_t n) const { return n >= min_gang() && n <= max_gang(); }

  // Device memory each card needs: model state sharded over the gang (ZeRO-3/FSDP style) plus
  // activations. GB (1e9 bytes).
  double mem_per_card_gb() const { return mem_per_card_gb(cards); }
  double mem_per_card_gb(uint32_t gang) const {
    return model.bytes_per_param * model.params / static_cast<double>(gang) / 1e9 + model.activation_gb_per_card;
  }
  bool chip_allowed(ChipId c) const { return (allowed_chips >> c) & 1ULL; }
};

// The job as the simulator runs it: the request and its true amount of work.
struct Job : JobRequest {
  uint64_t steps = 1;  // amount of work, in steps
};

}  // namespace hetsim
