// The chip entries of the catalog file and of a scenario's `chips:` list.
#include <map>

#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

bool is_chip_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

std::optional<ChipSpec> read_chip(Ctx& ctx, const YamlValue& v) {
  MapReader r(
      ctx, v, "chip",
      {"name", "vendor", "bf16_tflops", "mem_gb", "mem_bw_tbs", "intra_node_gbs", "intra_node_link", "peer_to_peer",
       "cards_per_server", "tdp_w", "price_cny_per_card_hour", "achievable_mfu", "confidence", "source", "note"});
  if (!r.ok()) return std::nullopt;
  ChipSpec c;
  if (auto s = r.string("name", true)) {
    if (r.check("name", is_chip_name(*s), "invalid chip name '" + *s + "': must be non-empty, without spaces")) {
      c.name = *s;
    }
  }
  if (auto s = r.string("vendor", true)) {
    if (r.check("vendor", !s->empty(), "'vendor' must not be empty")) c.vendor = *s;
  }
  // Units are in the key names, so the numbers are plain.
  auto positive = [&](const char* key, double& out) {
    if (auto x = r.quantity(key, UnitKind::Plain, true)) {
      if (r.check(key, *x > 0, std::string("'") + key + "' must be > 0, got " + num(*x))) out = *x;
    }
  };
  positive("bf16_tflops", c.bf16_tflops);
  positive("mem_gb", c.mem_gb);
  positive("mem_bw_tbs", c.mem_bw_tbs);
  positive("intra_node_gbs", c.intra_node_gbs);
  positive("tdp_w", c.tdp_w);
  if (auto s = r.string("intra_node_link", true)) {
    if (r.check("intra_node_link", !s->empty(), "'intra_node_link' must not be empty")) c.intra_node_link = *s;
  }
  if (auto b = r.boolean("peer_to_peer", false)) c.peer_to_peer = *b;
  if (auto n = r.whole("cards_per_server", UnitKind::Plain, 1, kMaxCardsPerNode, true)) {
    c.cards_per_server = static_cast<int>(*n);
  }
  if (auto x = r.quantity("price_cny_per_card_hour", UnitKind::Plain, true)) c.price_cny_per_card_hour = *x;
  if (auto x = r.quantity("achievable_mfu", UnitKind::Plain, true)) {
    if (r.check("achievable_mfu", *x > 0 && *x <= 1, "'achievable_mfu' must be in (0, 1], got " + num(*x))) {
      c.achievable_mfu = *x;
    }
  }
  if (auto s = r.string("confidence", true)) {
    if (r.check("confidence", *s == "high" || *s == "medium" || *s == "low",
                "invalid confidence '" + *s + "': expected high, medium or low")) {
      c.confidence = *s;
    }
  }
  if (auto s = r.string("source", true)) {
    if (r.check("source", !s->empty(), "'source' must not be empty")) c.source = *s;
  }
  (void)r.string("note", false);  // documentation only, but still must be a string
  // A chip with a usable name is kept even when other fields are bad, so references to it do not
  // pile up "undefined chip" errors on top of the real one.
  if (c.name.empty()) return std::nullopt;
  return c;
}

}  // namespace

std::vector<ChipSpec> read_chip_list(Ctx& ctx, const YamlValue& v) {
  std::vector<ChipSpec> out;
  if (!v.is_list()) {
    type_error(ctx, v, "'chips'", "a list");
    return out;
  }
  std::map<std::string, int> first_line;
  for (const YamlValue& item : v.items) {
    auto chip = read_chip(ctx, item);
    if (!chip) continue;
    auto [it, fresh] = first_line.emplace(chip->name, item.line);
    if (!fresh) {
      const YamlValue* name = item.find("name");
      ctx.error(name ? *name : item,
                "duplicate chip '" + chip->name + "' (first defined on line " + std::to_string(it->second) + ")");
      continue;
    }
    out.push_back(std::move(*chip));
  }
  return out;
}

}  // namespace hetsim
