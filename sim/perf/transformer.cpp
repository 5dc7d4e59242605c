#include "hetsim/perf/transformer.hpp"

namespace hetsim {

namespace {
double mlp_matrices(const TransformerSpec& m) { return m.gated_mlp ? 3.0 : 2.0; }
double attention_params(const TransformerSpec& m) {
  const double h = m.hidden;
  const double kv = m.heads > 0 ? h * static_cast<double>(m.kv_heads) / m.heads : h;
  return 2.0 * h * h + 2.0 * h * kv;
}
}  // namespace

double TransformerSpec::layer_params() const {
  const double h = hidden;
  const double router = experts > 1 ? h * experts : 0.0;
  return attention_params(*this) + mlp_matrices(*this) * h * ffn_hidden * experts + router + 2.0 * h;
}

double TransformerSpec::layer_active_params() const {
  const double h = hidden;
  return attention_params(*this) + mlp_matrices(*this) * h * ffn_hidden * experts_per_token + 2.0 * h;
}

double TransformerSpec::embedding_params() const { return 2.0 * vocab * static_cast<double>(hidden); }

double TransformerSpec::total_params() const { return layers * layer_params() + embedding_params(); }

double TransformerSpec::layer_train_flops(double tokens, bool recompute) const {
  const double f = 6.0 * layer_active_params() * tokens + 12.0 * tokens * seq_len * static_cast<double>(hidden);
  return recompute ? f * 4.0 / 3.0 : f;
}

double TransformerSpec::head_train_flops(double tokens) const { return 6.0 * vocab * static_cast<double>(hidden) * tokens; }

double TransformerSpec::layer_activation_bytes(double b, double t, bool recompute) const {
  const double s = seq_len, h = hidden, a = heads;
  if (recompute) return 2.0 * s * b * h;
  return s * b * h * (10.0 + 24.0 / t + 5.0 * a * s / (h * t));
}

}  // namespace hetsim
