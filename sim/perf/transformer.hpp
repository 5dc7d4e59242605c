#pragma once
// A transformer model as the mixed-training planner sees it (docs/mixed-training.md): shapes
// from scenarios/catalog/models.yaml, and the per-layer quantities every formula uses. Dense and
// mixture-of-experts (MoE) decoder-only models; BF16 weights and activations.
#include <cstdint>
#include <string>

namespace hetsim {

struct TransformerSpec {
  std::string name;
  uint32_t layers = 0;
  uint32_t hidden = 0;        // h
  uint32_t heads = 0;         // attention heads a
  uint32_t kv_heads = 0;      // grouped-query attention; = heads for multi-head attention
  uint32_t ffn_hidden = 0;    // MLP inner size (per expert for MoE)
  bool gated_mlp = true;      // SwiGLU-style: 3 MLP matrices instead of 2
  uint32_t vocab = 0;
  uint32_t seq_len = 0;       // s, tokens per sample
  uint32_t experts = 1;       // MoE experts per layer (1: dense)
  uint32_t experts_per_token = 1;  // MoE top-k
  uint32_t default_global_batch = 0;  // samples per step when the request does not say
  std::string source;         // where the shape comes from
  std::string confidence;     // high | low (an assumed shape)

  // Parameters of one transformer layer: attention (Q, O: h^2 each; K, V: h x h kv/heads each)
  // + MLP (2 or 3 matrices of h x ffn, times experts) + 2 norms. Router weights for MoE.
  double layer_params() const;
  // Parameters a token passes through in one layer (MoE: only top-k experts).
  double layer_active_params() const;
  // Token embedding and (untied) output head: 2 x vocab x h.
  double embedding_params() const;
  double total_params() const;
  // Training FLOPs (forward + backward = 3 x forward) of one layer for `tokens` tokens of one
  // sequence length: 6 x active params x tokens + attention scores 12 x tokens x s x h
  // (QK^T and AV, 2 x 2 x s x h per token forward, x 3). Recomputation adds one forward (x 4/3).
  double layer_train_flops(double tokens, bool recompute) const;
  // Output head (and loss) training FLOPs for `tokens` tokens: 6 x vocab x h x tokens.
  double head_train_flops(double tokens) const;
  // Activation memory of one layer for one microbatch of b samples, bytes, tensor-parallel degree t
  // (Korthikanti et al. 2022, without sequence parallelism): s b h (10 + 24/t + 5 a s / (h t));
  // with full recomputation only the layer input is kept: 2 s b h.
  double layer_activation_bytes(double b, double t, bool recompute) const;
};

}  // namespace hetsim
