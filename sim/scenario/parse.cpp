#include "hetsim/scenario/parse.hpp"
#include "hetsim/core/rng.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

#include "hetsim/scenario/overrides.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace fs = std::filesystem;

namespace {
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
}  // namespace

namespace {
// The inputs of the parse in progress on this thread (ParseResult::inputs), or none.
thread_local std::vector<InputFile>* t_inputs = nullptr;

// Records the files read while alive; nested parses (a base file) add to the outermost record.
class InputRecorder {
 public:
  explicit InputRecorder(std::vector<InputFile>& into) : owner_(t_inputs == nullptr) {
    if (owner_) t_inputs = &into;
  }
  ~InputRecorder() {
    if (owner_) t_inputs = nullptr;
  }
  InputRecorder(const InputRecorder&) = delete;
  InputRecorder& operator=(const InputRecorder&) = delete;

 private:
  bool owner_;
};

void record_input(const std::string& path, const std::string& text) {
  if (t_inputs != nullptr) t_inputs->push_back(InputFile{path, fnv1a64(text), text.size()});
}
}  // namespace

// Whole file into `text`; false with a human reason otherwise.
bool read_text_file(const std::string& path, std::string& text, std::string& reason) {
  if (!read_text_file_unrecorded(path, text, reason)) return false;
  record_input(path, text);
  return true;
}

bool read_text_file_unrecorded(const std::string& path, std::string& text, std::string& reason) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    reason = ec.message();  // e.g. a loop of symbolic links: "Too many levels of symbolic links"
    return false;
  }
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
  // Read in chunks with the cap applied as we go: a device or pipe (/dev/zero) has no size.
  text.clear();
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      reason = "file larger than 64 MiB";
      return false;
    }
  }
  if (in.bad()) {
    reason = "read error";
    return false;
  }
  return true;
}

std::string not_regular_file_reason(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  // A loop of symbolic links (or a path through a file) is not "No such file": say what it is.
  if (ec && ec != std::errc::no_such_file_or_directory) return ec.message();
  if (fs::is_regular_file(st)) return "";
  return fs::exists(st) ? "not a regular file" : std::strerror(ENOENT);
}

std::string resolve_data_path(const std::string& base_dir, const std::string& rel) {
  std::error_code ec;
  if (const char* env = std::getenv("HETSIM_DATA"); env != nullptr && *env != '\0') {
    const fs::path candidate = (fs::path(env) / rel).lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  for (const char* folder : {"data", "shared/data"}) {
    if (std::string found = find_upwards(base_dir, fs::path(folder) / rel); !found.empty()) return found;
  }
  return "data:" + rel;
}

std::string missing_data_hint(const std::string& written) {
  if (written.rfind("data:", 0) != 0) return "";
  const char* env = std::getenv("HETSIM_DATA");
  return " (a data: file is looked for in $HETSIM_DATA" +
         std::string(env != nullptr && *env != '\0' ? " (" + std::string(env) + ")" : " (unset)") +
         ", then in data/ and shared/data/ beside the scenario or a folder above it; "
         "scripts/fetch-data.sh downloads the public data the repro scenarios use into data/)";
}

std::string unreadable_path_note(const std::string& written) {
  if (std::string hint = missing_data_hint(written); !hint.empty()) return hint;
  return fs::path(written).is_absolute() ? "" : " (relative paths start at the scenario file's directory)";
}

std::string resolve_scenario_path(const std::string& base_dir, const std::string& written) {
  if (written.rfind("data:", 0) == 0) return resolve_data_path(base_dir, written.substr(5));
  const fs::path p(written);
  return (p.is_absolute() ? p : (fs::path(base_dir.empty() ? "." : base_dir) / p)).lexically_normal().string();
}

std::string find_upwards(const std::string& base_dir, const fs::path& rel) {
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
    const fs::path candidate = (up / rel).lexically_normal();
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    up /= "..";
  }
  return "";
}

// catalog/<file> in `base_dir` or the nearest parent that has one; "" when none does.
std::string find_catalog_file(const std::string& base_dir, const std::string& file) {
  return find_upwards(base_dir, fs::path("catalog") / file);
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
      auto same =
          std::find_if(st.spec.chips.begin(), st.spec.chips.end(), [&](const ChipSpec& k) { return k.name == c.name; });
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
    ctx.error(extra ? *extra : *at, "too many chip types: " + std::to_string(st.spec.chips.size()) + " (at most " +
                                        std::to_string(kMaxChipTypes) + ")");
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
                {"scenario", "catalog", "chips", "sites", "links", "providers", "tenants", "vouchers", "workload",
                 "policy", "perf", "metrics", "preemption", "failures", "throughputs", "data_staging"});
  if (!top.ok()) return;
  if (const YamlValue* v = top.need("scenario")) read_scenario_header(st, *v);

  const std::size_t before_cluster = ctx.error_count();
  read_chips(st, top, base_dir);
  if (const YamlValue* v = top.need("sites")) read_sites(st, *v);
  if (const YamlValue* v = top.get("links")) read_links(st, *v);
  if (const YamlValue* v = top.need("providers")) read_providers(st, *v);
  st.cluster_ok = ctx.error_count() == before_cluster;

  if (const YamlValue* v = top.get("vouchers")) read_vouchers(st, *v);
  if (const YamlValue* v = top.get("policy")) {
    const std::size_t before = ctx.error_count();
    read_policy(st, *v);
    st.spec.policy.read_ok = ctx.error_count() == before;
  }
  if (const YamlValue* v = top.get("perf")) read_perf(st, *v, base_dir);
  if (const YamlValue* v = top.get("metrics")) read_metrics(st, *v);
  if (const YamlValue* v = top.get("preemption")) read_preemption(st, *v);
  if (const YamlValue* v = top.get("failures")) read_failures(st, *v);
  if (const YamlValue* v = top.get("data_staging")) read_data_staging(st, *v);
  if (const YamlValue* v = top.need("tenants")) read_tenants(st, *v);
  if (const YamlValue* v = top.get("throughputs")) read_throughputs(st, *v, base_dir);
  if (const YamlValue* v = top.need("workload")) {
    read_workload(st, *v, base_dir);
  } else {
    st.spec.workload.diurnal.fill(1.0);
  }
  apply_tenant_zipf(st);
  resolve_mixing_models(st, base_dir);
  validate_scenario(st);
}

std::string parent_dir(const std::string& path) {
  const fs::path p = fs::path(path).parent_path();
  return p.empty() ? "." : p.string();
}

// The tree a scenario describes, and the file its positions refer to.
struct ScenarioTree {
  YamlValue root;
  std::string file;
  std::string dir;  // resolves the relative paths inside it
};

constexpr int kMaxBaseDepth = 8;

// A derived scenario (`base:` and `set:`, docs/scenario-format.md) is its base's tree with the
// `set` entries applied in order, as --set would; a base may itself be derived. Errors in the
// derived file are reported there; everything else at its place in the base, with overridden
// values naming the `set` entry that put them there.
std::optional<ScenarioTree> load_scenario_tree(const std::string& text, const std::string& file, const std::string& dir,
                                               std::vector<std::string>& chain, std::vector<Diagnostic>& errors) {
  auto root = load_yaml(text, file, "scenario", errors);
  if (!root) return std::nullopt;
  Ctx ctx(file, errors);
  if (!root->is_map()) {
    type_error(ctx, *root, "the scenario's top level", "a map");
    return std::nullopt;
  }
  if (root->find("base") == nullptr) return ScenarioTree{std::move(*root), file, dir};
  MapReader r(ctx, *root, "derived scenario", {"base", "set"});
  auto base = r.string("base", true);
  if (!r.ok() || !base) return std::nullopt;
  const YamlValue& at = *r.get("base");
  const std::string path = resolve_scenario_path(dir, *base);
  std::error_code ec;
  const std::string key = fs::weakly_canonical(path, ec).string();
  if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
    ctx.error(at, "scenario '" + path + "' is its own base (a cycle of 'base:' files)");
    return std::nullopt;
  }
  if (chain.size() > kMaxBaseDepth) {
    ctx.error(at, "'base:' chains longer than " + std::to_string(kMaxBaseDepth) + " files are not supported");
    return std::nullopt;
  }
  // Only regular files: a pipe or device as a base could block or never end.
  std::string base_text, reason = not_regular_file_reason(path);
  if (!reason.empty() || !read_text_file(path, base_text, reason)) {
    ctx.error(at, "cannot read base scenario '" + path + "': " + reason);
    return std::nullopt;
  }
  chain.push_back(key);
  auto tree = load_scenario_tree(base_text, path, parent_dir(path), chain, errors);
  if (!tree) return std::nullopt;
  if (const YamlValue* set = r.get("set")) {
    if (!set->is_map()) {
      type_error(ctx, *set, "'set'", "a map of dotted keys (providers.0.pools.1.nodes) to values");
      return std::nullopt;
    }
    for (const YamlEntry& e : set->entries) {
      YamlValue key_at;
      key_at.line = e.line, key_at.col = e.col;
      const std::string origin = file + ":" + std::to_string(e.line) + ": set " + e.key;
      apply_override_value(tree->root, e.key, e.value, origin, ctx, &key_at);
    }
  }
  return tree;
}

ParseResult parse_text(const std::string& text, const std::string& file, const std::string& base_dir,
                       const ScenarioOverrides& overrides) {
  ParseResult res;
  res.spec.file = file;
  res.spec.workload.diurnal.fill(1.0);
  Ctx ctx(file, res.errors);
  try {
    std::error_code ec;
    std::vector<std::string> chain{fs::weakly_canonical(fs::path(base_dir) / fs::path(file).filename(), ec).string()};
    auto tree = load_scenario_tree(text, file, base_dir, chain, res.errors);
    if (tree) {
      Ctx tree_ctx(tree->file, res.errors);
      apply_overrides(tree->root, overrides, tree_ctx);
      ParseState st(tree_ctx, res.spec);
      parse_tree(st, tree->root, tree->dir);
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

}  // namespace

ParseResult parse_scenario_file(const std::string& path) { return parse_scenario_file(path, {}); }

ParseResult parse_scenario_file(const std::string& path, const ScenarioOverrides& overrides) {
  std::vector<InputFile> inputs;
  ParseResult res;
  {
    const InputRecorder record(inputs);
    std::string text, reason;
    if (!read_text_file(path, text, reason)) {
      res.spec.file = path;
      res.errors.push_back(Diagnostic{SourcePos{path, 0, 0}, "cannot read scenario: " + reason});
      return res;
    }
    res = parse_text(text, path, parent_dir(path), overrides);
  }
  res.inputs = std::move(inputs);
  return res;
}

ParseResult parse_scenario_string(const std::string& yaml_text, const std::string& display_name,
                                  const std::string& base_dir, const ScenarioOverrides& overrides) {
  std::vector<InputFile> inputs;
  ParseResult res;
  {
    const InputRecorder record(inputs);
    res = parse_text(yaml_text, display_name, base_dir, overrides);
  }
  res.inputs = std::move(inputs);
  return res;
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
