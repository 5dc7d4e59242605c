// The model catalog (scenarios/catalog/models.yaml): transformer shapes for the mixed-training
// planner. Every problem is reported with its file position.
#include <algorithm>

#include "hetsim/scenario/parse.hpp"
#include "hetsim/scenario/reader.hpp"
#include "hetsim/scenario/sections.hpp"
#include "hetsim/scenario/yaml_tree.hpp"

namespace hetsim {

namespace {

std::optional<TransformerSpec> read_model(Ctx& ctx, const YamlValue& v) {
  MapReader r(ctx, v, "model",
              {"name", "layers", "hidden", "heads", "kv_heads", "ffn_hidden", "gated_mlp", "vocab", "seq_len",
               "experts", "experts_per_token", "global_batch", "source", "confidence", "note"});
  if (!r.ok()) return std::nullopt;
  const std::size_t before = ctx.error_count();
  TransformerSpec m;
  auto whole = [&](std::string_view key, uint32_t& out, bool required, int64_t lo, int64_t hi) {
    if (auto n = r.whole(key, UnitKind::Plain, lo, hi, required)) out = static_cast<uint32_t>(*n);
  };
  if (auto s = r.name("name", true)) m.name = *s;
  whole("layers", m.layers, true, 1, 512);
  whole("hidden", m.hidden, true, 1, 1 << 20);
  whole("heads", m.heads, true, 1, 1 << 14);
  m.kv_heads = m.heads;
  whole("kv_heads", m.kv_heads, false, 1, 1 << 14);
  whole("ffn_hidden", m.ffn_hidden, true, 1, 1 << 22);
  if (auto b = r.boolean("gated_mlp", false)) m.gated_mlp = *b;
  whole("vocab", m.vocab, true, 1, 1 << 24);
  whole("seq_len", m.seq_len, true, 1, 1 << 24);
  whole("experts", m.experts, false, 1, 1024);
  whole("experts_per_token", m.experts_per_token, false, 1, 1024);
  whole("global_batch", m.default_global_batch, true, 1, 1 << 24);
  if (auto s = r.string("source", true)) m.source = *s;
  if (auto s = r.string("confidence", true)) {
    if (r.check("confidence", *s == "high" || *s == "low", "'confidence' must be high or low, got '" + *s + "'"))
      m.confidence = *s;
  }
  (void)r.string("note", false);
  if (ctx.error_count() != before) return std::nullopt;
  if (!r.check("kv_heads", m.heads % m.kv_heads == 0,
               "'kv_heads' (" + std::to_string(m.kv_heads) + ") must divide 'heads' (" + std::to_string(m.heads) + ")"))
    return std::nullopt;
  if (!r.check("experts_per_token", m.experts_per_token <= m.experts, "'experts_per_token' must not exceed 'experts'"))
    return std::nullopt;
  if (!r.check("hidden", m.hidden % m.heads == 0, "'hidden' must be a multiple of 'heads'")) return std::nullopt;
  return m;
}

}  // namespace

std::vector<TransformerSpec> parse_model_catalog_file(const std::string& path, std::vector<Diagnostic>& errors) {
  std::string text, reason;
  std::vector<TransformerSpec> out;
  if (!read_text_file(path, text, reason)) {
    errors.push_back(Diagnostic{SourcePos{path, 0, 0}, "cannot read model catalog: " + reason});
    return out;
  }
  Ctx ctx(path, errors);
  auto root = load_yaml(text, path, "model catalog", errors);
  if (!root) return out;
  MapReader top(ctx, *root, "model catalog", {"models"});
  if (!top.ok()) return out;
  const auto* list = top.list("models", true);
  if (list == nullptr) return out;
  NameSet names{"model"};
  for (const YamlValue& item : *list) {
    auto m = read_model(ctx, item);
    if (!m) continue;
    if (names.contains(m->name)) {
      ctx.error(item, "model '" + m->name + "' is defined twice");
      continue;
    }
    names.add(m->name);
    out.push_back(std::move(*m));
  }
  return out;
}

}  // namespace hetsim
