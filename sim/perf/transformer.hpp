#pragma once
// A transformer model as the mixed-training planner sees it (docs/mixed-training.md): shapes
// from scenarios/catalog/models.yaml, and the per-layer quantities every formula uses. Dense and
// mixture-of-experts (MoE) decoder-only models; BF16 weights and activations.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hetsim {

// How a training stack runs a layer (docs/performance-model.md, "Training stacks"):
//   attention   flash: FlashAttention, the score matrix is never stored (its backward recomputes
//               it: 14 instead of 12 attention FLOPs per token x s x h); materialized: scores and
//               softmax kept for the backward (Megatron before FlashAttention)
//   recompute   none; selective (Korthikanti et al. 2022: the attention core is recomputed, its
//               scores not kept); full (only each layer's input kept, the layer run forward again)
//   sequence_parallel  LayerNorm/dropout activations sharded over the tensor-parallel group too
enum class AttentionKernel : uint8_t { Flash, Materialized };
enum class Recompute : uint8_t { None, Selective, Full };
struct TrainingStack {
  AttentionKernel attention = AttentionKernel::Flash;
  bool sequence_parallel = true;
};
const char* recompute_name(Recompute r);
// Recomputation modes as a set, a bit per Recompute value: "auto" (all three, the planner picks),
// "none", "selective", "full", or several joined by '|'. nullopt for anything else.
std::optional<uint8_t> parse_recompute_modes(std::string_view text);
std::string recompute_modes_text(uint8_t modes);
std::optional<AttentionKernel> parse_attention(std::string_view text);  // "flash" | "materialized"

struct TransformerSpec {
  std::string name;
  uint32_t layers = 0;
  uint32_t hidden = 0;      // h
  uint32_t heads = 0;       // attention heads a
  uint32_t kv_heads = 0;    // grouped-query attention; = heads for multi-head attention
  uint32_t ffn_hidden = 0;  // MLP inner size (per expert for MoE)
  bool gated_mlp = true;    // SwiGLU-style: 3 MLP matrices instead of 2
  uint32_t vocab = 0;
  uint32_t seq_len = 0;               // s, tokens per sample
  uint32_t experts = 1;               // MoE experts per layer (1: dense)
  uint32_t experts_per_token = 1;     // MoE top-k
  uint32_t default_global_batch = 0;  // samples per step when the request does not say
  std::string source;                 // where the shape comes from
  std::string confidence;             // high | low (an assumed shape)

  // Parameters of one transformer layer: attention (Q, O: h^2 each; K, V: h x h kv/heads each)
  // + MLP (2 or 3 matrices of h x ffn, times experts) + 2 norms. Router weights for MoE.
  double layer_params() const;
  // Parameters a token passes through in one layer (MoE: only top-k experts).
  double layer_active_params() const;
  // Token embedding and (untied) output head: 2 x vocab x h.
  double embedding_params() const;
  double total_params() const;
  // Model FLOPs of one layer's training (forward + backward = 3 x forward) for `tokens` tokens of
  // one sequence length, the MFU convention (Megatron, PaLM): 6 x active params x tokens +
  // attention 12 x tokens x s x h (QK^T and AV, 2 x 2 x s x h per token forward, x 3). No
  // recomputation, no causal-mask saving.
  double layer_model_flops(double tokens) const;
  // FLOPs the hardware executes for the same work (HFU's numerator): FlashAttention's backward
  // recomputes the scores (attention 14 x tokens x s x h); selective recomputation adds the
  // attention core's forward again (4 x tokens x s x h); full recomputation a whole forward
  // (2 x active params x tokens + the attention forward).
  double layer_executed_flops(double tokens, Recompute r, const TrainingStack& stack) const;
  // The FLOPs a layer's time is charged for: the executed FLOPs, except FlashAttention's
  // recomputed scores. Its tiling saves more memory traffic than the recomputation costs
  // (Dao et al. 2022: attention 2-4x faster than the standard implementation), so it is never
  // slower than materialized attention; counting its extra FLOPs as time would make it so.
  double layer_timed_flops(double tokens, Recompute r) const;
  // Output head (and loss) training FLOPs for `tokens` tokens: 6 x vocab x h x tokens.
  double head_train_flops(double tokens) const;
  // Activation memory one layer keeps for one microbatch of b samples until its backward, bytes,
  // tensor-parallel degree t (Korthikanti et al. 2022, Table 2 and section 4): s b h (10 + 24/t)
  // without sequence parallelism, s b h 34/t with it, plus the score matrix's 5 a s^2 b / t when
  // attention is materialized and not recomputed selectively; with full recomputation only the
  // layer input, 2 s b h (/t with sequence parallelism).
  double layer_activation_bytes(double b, double t, Recompute r, const TrainingStack& stack) const;
  // The working set of the one layer whose backward runs under full recomputation (its
  // activations rebuilt): layer_activation_bytes without recomputation.
  double layer_working_bytes(double b, double t, const TrainingStack& stack) const;
};

}  // namespace hetsim
