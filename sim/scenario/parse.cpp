#include "hetsim/scenario/parse.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "hetsim/scenario/overrides.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace fs = std::filesystem;

namespace {
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
}  // namespace

// Whole file into `text`; false with a human reason otherwise.
bool read_text_file(const std::string& path, std::string& text, std::string& reason) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    reason = std::strerror(ENOENT);
    return false;
  }
  if (fs::is_directory(st)) {
    reason = std::strerror(EISDIR);
    return false;
  }
  if (fs::is_regular_file(st) && fs::file_size(path, ec) > kMaxFileBytes) {
    reason = "file larger than 64 MiB";
    return false;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    reason = errno != 0 ? std::strerror(errno) : "cannot open file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    reason = "read error";
    return false;
  }
  text = ss.str();
  return true;
}


std::string resolve_scenario_path(const std::string& base_dir, const std::string& written) {
  const fs::path p(written);
  return (p.is_absolute() ? p : (fs::path(base_dir.empty() ? "." : base_dir) / p)).lexically_normal().string();
}

// catalog/<file> in `base_dir` or the nearest parent that has one; "" when none does.
std::string find_catalog_file(const std::string& base_dir, const std::string& file) {
  std::error_code ec;
  const fs::path base = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  const fs::path abs = fs::absolute(base, ec).lexically_normal();
  std::size_t depth = 0;
  for (const auto& part : abs) {
    (void)part;
    ++depth;
  }
  fs::path up = base;
  for (std::size_t k = 0; k <= depth; ++k) {
    const fs::path candidate = (up / "catalog" / file).lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    up /= "..";
  }
  return "";
}


namespace {

std::vector<ChipSpec> catalog_from_text(const std::string& text, const std::string& file,
                                        std::vector<Diagnostic>& errors) {
  Ctx ctx(file, errors);
  auto root = load_yaml(text, file, "chip catalog", errors);
  if (!root) return {};
  MapReader r(ctx, *root, "chip catalog", {"chips"});
  const YamlValue* chips = r.need("chips");
  if (chips == nullptr) return {};
  return read_chip_list(ctx, *chips);
}

// The catalog's chips, then the scenario's own `chips:` (same name replaces).
void read_chips(ParseState& st, const MapReader& top, const std::string& base_dir) {
  Ctx& ctx = st.ctx;
  std::string path;
  const YamlValue* at = &top.node();
  if (const YamlValue* c = top.get("catalog")) {
    auto s = read_string(ctx, *c, "'catalog'");
    if (!s) return;
    at = c;
    path = resolve_scenario_path(base_dir, *s);
  } else {
    path = find_catalog_file(base_dir, "chips.yaml");
    if (path.empty()) {
      ctx.error(*at, "no chip catalog: catalog/chips.yaml is not in '" + (base_dir.empty() ? "." : base_dir) +
                         "' or any parent directory (name one with 'catalog:')");
      return;
    }
  }
  st.spec.catalog_path = path;
  std::string text, reason;
  if (!read_text_file(path, text, reason)) {
    ctx.error(*at, "cannot read chip catalog '" + path + "': " + reason);
    return;
  }
  std::vector<Diagnostic> catalog_errors;
  st.spec.chips = catalog_from_text(text, path, catalog_errors);
  for (Diagnostic& d : catalog_errors) ctx.add(std::move(d));

  if (const YamlValue* extra = top.get("chips")) {
    for (ChipSpec& c : read_chip_list(ctx, *extra)) {
      auto same = std::find_if(st.spec.chips.begin(), st.spec.chips.end(),
                               [&](const ChipSpec& k) { return k.name == c.name; });
      if (same != st.spec.chips.end()) {
        *same = std::move(c);
      } else {
        st.spec.chips.push_back(std::move(c));
      }
    }
  }
  for (const ChipSpec& c : st.spec.chips) st.chips.add(c.name);
  if (st.spec.chips.size() > static_cast<std::size_t>(kMaxChipTypes)) {
    const YamlValue* extra = top.get("chips");
    ctx.error(extra ? *extra : *at, "too many chip types: " + std::to_string(st.spec.chips.size()) +
                                        " (at most " + std::to_string(kMaxChipTypes) + ")");
  }
}

// A trace-replay scenario: its own, much smaller set of sections.
void parse_replay_tree(ParseState& st, const YamlValue& root, const std::string& base_dir) {
  MapReader top(st.ctx, root, "trace-replay scenario file", {"scenario", "sharing_replay"});
  if (!top.ok()) return;
  st.spec.has_sharing_replay = true;
  if (const YamlValue* v = top.need("scenario")) read_replay_header(st, *v);
  if (const YamlValue* v = top.need("sharing_replay")) read_sharing_replay(st, *v, base_dir);
}

// A mixed-training planning scenario: the chip catalog and the `mixed_training:` section.
void parse_mixed_tree(ParseState& st, const YamlValue& root, const std::string& base_dir) {
  MapReader top(st.ctx, root, "mixed-training scenario file", {"scenario", "catalog", "chips", "mixed_training"});
  if (!top.ok()) return;
  st.spec.has_mixed_training = true;
  if (const YamlValue* v = top.need("scenario")) read_replay_header(st, *v);
  const std::size_t before = st.ctx.error_count();
  read_chips(st, top, base_dir);
  st.cluster_ok = st.ctx.error_count() == before;
  if (const YamlValue* v = top.need("mixed_training")) read_mixed_training(st, *v, base_dir);
}

void parse_tree(ParseState& st, const YamlValue& root, const std::string& base_dir) {
  Ctx& ctx = st.ctx;
  if (root.find("sharing_replay") != nullptr) {
    parse_replay_tree(st, root, base_dir);
    return;
  }
  if (root.find("mixed_training") != nullptr) {
    parse_mixed_tree(st, root, base_dir);
    return;
  }
  MapReader top(ctx, root, "scenario file",
                {"scenario", "catalog", "chips", "sites", "links", "providers", "tenants", "workload", "policy",
                 "perf", "metrics"});
  if (!top.ok()) return;
  if (const YamlValue* v = top.need("scenario")) read_scenario_header(st, *v);

  const std::size_t before_cluster = ctx.error_count();
  read_chips(st, top, base_dir);
  if (const YamlValue* v = top.need("sites")) read_sites(st, *v);
  if (const YamlValue* v = top.get("links")) read_links(st, *v);
  if (const YamlValue* v = top.need("providers")) read_providers(st, *v);
  st.cluster_ok = ctx.error_count() == before_cluster;

  if (const YamlValue* v = top.get("policy")) read_policy(st, *v);
  if (const YamlValue* v = top.get("perf")) read_perf(st, *v, base_dir);
  if (const YamlValue* v = top.get("metrics")) read_metrics(st, *v);
  if (const YamlValue* v = top.need("tenants")) read_tenants(st, *v);
  if (const YamlValue* v = top.need("workload")) {
    read_workload(st, *v);
  } else {
    st.spec.workload.diurnal.fill(1.0);
  }
  apply_tenant_zipf(st);
  resolve_mixing_models(st, base_dir);
  validate_scenario(st);
}

ParseResult parse_text(const std::string& text, const std::string& file, const std::string& base_dir,
                       const ScenarioOverrides& overrides) {
  ParseResult res;
  res.spec.file = file;
  res.spec.workload.diurnal.fill(1.0);
  Ctx ctx(file, res.errors);
  try {
    auto root = load_yaml(text, file, "scenario", res.errors);
    if (root) {
      if (!root->is_map()) {
        type_error(ctx, *root, "the scenario's top level", "a map");
      } else {
        apply_overrides(*root, overrides, ctx);
        ParseState st(ctx, res.spec);
        parse_tree(st, *root, base_dir);
      }
    }
  } catch (const std::exception& e) {
    // A bug, not bad input; still a diagnostic rather than a crash of the caller.
    ctx.error_at(0, 0, std::string("internal error while reading the scenario: ") + e.what());
  }
  std::stable_sort(res.errors.begin(), res.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.col) < std::tie(b.pos.file, b.pos.line, b.pos.col);
  });
  return res;
}

std::string parent_dir(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

}  // namespace

ParseResult parse_scenario_file(const std::string& path) { return parse_scenario_file(path, {}); }

ParseResult parse_scenario_file(const std::string& path, const ScenarioOverrides& overrides) {
  std::string text, reason;
  if (!read_text_file(path, text, reason)) {
    ParseResult res;
    res.spec.file = path;
    res.errors.push_back(Diagnostic{SourcePos{path, 0, 0}, "cannot read scenario: " + reason});
    return res;
  }
  return parse_text(text, path, parent_dir(path), overrides);
}

ParseResult parse_scenario_string(const std::string& yaml_text, const std::string& display_name,
                                  const std::string& base_dir, const ScenarioOverrides& overrides) {
  return parse_text(yaml_text, display_name, base_dir, overrides);
}

std::vector<ChipSpec> parse_chip_catalog_file(const std::string& path, std::vector<Diagnostic>& errors) {
  std::string text, reason;
  if (!read_text_file(path, text, reason)) {
    errors.push_back(Diagnostic{SourcePos{path, 0, 0}, "cannot read chip catalog: " + reason});
    return {};
  }
  return catalog_from_text(text, path, errors);
}

}  // namespace hetsim
