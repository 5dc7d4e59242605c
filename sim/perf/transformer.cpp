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

const char* recompute_name(Recompute r) {
  switch (r) {
    case Recompute::None:
      return "none";
    case Recompute::Selective:
      return "selective";
    case Recompute::Full:
      return "full";
  }
  return "?";
}

std::optional<uint8_t> parse_recompute_modes(std::string_view text) {
  if (text == "auto") return uint8_t{0b111};
  uint8_t modes = 0;
  while (true) {
    const std::size_t bar = text.find('|');
    const std::string_view word = text.substr(0, bar);
    bool known = false;
    for (Recompute r : {Recompute::None, Recompute::Selective, Recompute::Full}) {
      if (word == recompute_name(r)) modes |= static_cast<uint8_t>(1U << static_cast<int>(r)), known = true;
    }
    if (!known) return std::nullopt;
    if (bar == std::string_view::npos) return modes;
    text.remove_prefix(bar + 1);
  }
}

std::string recompute_modes_text(uint8_t modes) {
  if (modes == 0b111) return "auto";
  std::string out;
  for (Recompute r : {Recompute::None, Recompute::Selective, Recompute::Full})
    if ((modes >> static_cast<int>(r)) & 1) out += (out.empty() ? "" : "|") + std::string(recompute_name(r));
  return out;
}

std::optional<AttentionKernel> parse_attention(std::string_view text) {
  if (text == "flash") return AttentionKernel::Flash;
  if (text == "materialized") return AttentionKernel::Materialized;
  return std::nullopt;
}

double TransformerSpec::layer_model_flops(double tokens) const {
  return 6.0 * layer_active_params() * tokens + 12.0 * tokens * seq_len * static_cast<double>(hidden);
}

double TransformerSpec::layer_timed_flops(double tokens, Recompute r) const {
  TrainingStack materialized;
  materialized.attention = AttentionKernel::Materialized;
  return layer_executed_flops(tokens, r, materialized);
}

double TransformerSpec::layer_executed_flops(double tokens, Recompute r, const TrainingStack& stack) const {
  const double attention_fwd = 4.0 * tokens * seq_len * static_cast<double>(hidden);
  double f =
      6.0 * layer_active_params() * tokens + (stack.attention == AttentionKernel::Flash ? 3.5 : 3.0) * attention_fwd;
  if (r == Recompute::Selective) f += attention_fwd;
  if (r == Recompute::Full) f += 2.0 * layer_active_params() * tokens + attention_fwd;
  return f;
}

double TransformerSpec::head_train_flops(double tokens) const {
  return 6.0 * vocab * static_cast<double>(hidden) * tokens;
}

double TransformerSpec::layer_activation_bytes(double b, double t, Recompute r, const TrainingStack& stack) const {
  const double s = seq_len, h = hidden, a = heads;
  if (r == Recompute::Full) return 2.0 * s * b * h / (stack.sequence_parallel ? t : 1.0);
  const double kept = stack.sequence_parallel ? 34.0 / t : 10.0 + 24.0 / t;
  const bool scores = stack.attention == AttentionKernel::Materialized && r == Recompute::None;
  return s * b * h * (kept + (scores ? 5.0 * a * s / (h * t) : 0.0));
}

double TransformerSpec::layer_working_bytes(double b, double t, const TrainingStack& stack) const {
  return layer_activation_bytes(b, t, Recompute::None, stack);
}

}  // namespace hetsim
