#include "hetsim/app/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hetsim/app/app_util.hpp"
#include "hetsim/scenario/reader.hpp"
#include "hetsim/scenario/sections.hpp"
#include "hetsim/scenario/yaml_tree.hpp"

namespace hetsim {

namespace {

namespace fs = std::filesystem;

// A scalar that reads back as itself when written without quotes: unit quantities ("10 Gb/s",
// "5 d"), names, numbers. Anything else is double-quoted so the --set parser sees the same text.
bool plain_scalar(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '+' || c == '/' || c == '%' || c == ' ';
    if (!ok) return false;
  }
  return s.front() != '-' || s.size() == 1 || s[1] != ' ';
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A value as the YAML text of a --set argument: scalars as written, lists and maps in flow style.
std::string flow_text(const YamlValue& v) {
  switch (v.kind) {
    case YamlValue::Kind::Null:
      return "";
    case YamlValue::Kind::Scalar:
      return plain_scalar(v.scalar) ? v.scalar : quoted(v.scalar);
    case YamlValue::Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + flow_text(v.items[i]);
      return out + "]";
    }
    case YamlValue::Kind::Map: {
      std::string out = "{";
      for (std::size_t i = 0; i < v.entries.size(); ++i) {
        const YamlEntry& e = v.entries[i];
        out += (i ? ", " : "") + (plain_scalar(e.key) ? e.key : quoted(e.key)) + ": " + flow_text(e.value);
      }
      return out + "}";
    }
  }
  return "";
}

class SweepReader {
 public:
  SweepReader(const std::string& file, SweepParseResult& res) : res_(res), ctx_(file, res.errors) {}

  void read(const YamlValue& root) {
    if (!root.is_map()) {
      type_error(ctx_, root, "the sweep's top level", "a map");
      return;
    }
    MapReader top(ctx_, root, "sweep", {"scenario", "policies", "seeds", "set", "grid", "points"});
    if (!top.ok()) return;
    SweepSpec& spec = res_.spec;
    if (auto scenario = top.string("scenario", true)) {
      spec.scenario = resolve_scenario_path(fs::path(spec.file).parent_path().string(), *scenario);
    }
    read_policies(top);
    if (const YamlValue* v = top.get("seeds")) read_seeds(*v);
    std::vector<SweepValue> fixed;
    if (const YamlValue* v = top.get("set")) read_overrides(*v, "'set'", fixed);
    std::vector<SweepPoint> listed;
    if (const YamlValue* v = top.get("points")) read_points(*v, listed);
    std::vector<SweepPoint> grid;
    if (const YamlValue* v = top.get("grid")) read_grid(*v, grid);
    if (ctx_.error_count() > 0) return;
    // points x grid, points outermost; a key may be fixed, listed or gridded, never two of them.
    if (listed.empty()) listed.emplace_back();
    if (grid.empty()) grid.emplace_back();
    if (listed.size() * grid.size() * std::max<std::size_t>(1, spec.policies.size()) *
            std::max<std::size_t>(1, spec.seeds.size()) >
        kMaxSweepRuns) {
      ctx_.error_at(root.line, root.col,
                    "the sweep expands to more than " + std::to_string(kMaxSweepRuns) +
                        " runs (points x grid x policies x seeds); split it into several sweeps");
      return;
    }
    const SourcePos whole = ctx_.pos(root);
    for (const SweepPoint& p : listed) {
      for (const SweepPoint& g : grid) {
        SweepPoint point;
        point.pos = !p.values.empty() ? p.pos : g.pos.line > 0 ? g.pos : whole;
        point.values = fixed;
        if (!append_unique(point, p.values) || !append_unique(point, g.values)) return;
        spec.points.push_back(std::move(point));
      }
    }
    // A repeated point would run the same simulations twice under the same result file.
    std::map<std::vector<std::pair<std::string, std::string>>, std::size_t> first_at;
    for (std::size_t i = 0; i < spec.points.size(); ++i) {
      std::vector<std::pair<std::string, std::string>> id;
      for (const SweepValue& v : spec.points[i].values) id.emplace_back(v.key, v.text);
      std::sort(id.begin(), id.end());
      const auto [it, fresh] = first_at.emplace(std::move(id), i);
      if (!fresh) {
        ctx_.error_at(spec.points[i].pos.line, spec.points[i].pos.col,
                      "point " + std::to_string(i) + " repeats point " + std::to_string(it->second) +
                          " (the same values): list each point once");
        return;
      }
    }
    std::set<std::string> seen;
    for (const SweepPoint& p : spec.points) {
      for (const SweepValue& v : p.values) {
        if (seen.insert(v.key).second) spec.keys.push_back(v.key);
      }
    }
  }

 private:
  // Adds `more` to `point`; a key it already has is an error at the second place.
  bool append_unique(SweepPoint& point, const std::vector<SweepValue>& more) {
    for (const SweepValue& v : more) {
      for (const SweepValue& have : point.values) {
        if (have.key == v.key) {
          ctx_.error_at(v.pos.line, v.pos.col,
                        "'" + v.key + "' is already set at line " + std::to_string(have.pos.line) +
                            " (a key is fixed in 'set', listed in 'points' or varied in 'grid', only one of them)");
          return false;
        }
      }
      point.values.push_back(v);
    }
    return true;
  }

  void read_policies(const MapReader& top) {
    const std::vector<YamlValue>* list = top.list("policies", false);
    if (list == nullptr) return;
    if (list->empty())
      ctx_.error(*top.get("policies"),
                 "'policies' is empty: name at least one, or leave it out to run the scenario's own");
    std::set<std::string> seen;
    for (const YamlValue& item : *list) {
      auto text = read_string(ctx_, item, "a policy");
      if (!text) continue;
      SweepPolicy p;
      p.label = *text;
      p.pos = ctx_.pos(item);
      std::string error;
      if (!parse_policy_arg(p.label, p.name, p.params, error)) {
        ctx_.error(item, error);
        continue;
      }
      if (!seen.insert(p.label).second) {
        ctx_.error(item, "policy '" + p.label + "' is listed twice");
        continue;
      }
      res_.spec.policies.push_back(std::move(p));
    }
  }

  // "1-5", "1,4,9", one integer, or a list of integers.
  void read_seeds(const YamlValue& v) {
    SweepSpec& spec = res_.spec;
    spec.seeds_pos = ctx_.pos(v);
    std::string text;
    if (v.is_scalar()) {
      text = v.scalar;
    } else if (v.is_list() && !v.items.empty()) {
      for (const YamlValue& item : v.items) {
        if (!item.is_scalar()) {
          type_error(ctx_, item, "a seed", "an integer");
          return;
        }
        text += (text.empty() ? "" : ",") + item.scalar;
      }
    } else {
      type_error(ctx_, v, "'seeds'", "a range (1-5), a comma list (1,4,9) or a list of integers");
      return;
    }
    std::string error;
    if (!parse_seed_list(text, spec.seeds, error)) ctx_.error(v, error);
  }

  // A map of dotted keys to values.
  void read_overrides(const YamlValue& v, const std::string& what, std::vector<SweepValue>& out) {
    if (!v.is_map()) {
      type_error(ctx_, v, what, "a map of dotted keys (workload.jobs_per_day) to values");
      return;
    }
    for (const YamlEntry& e : v.entries) {
      if (!valid_key(e)) continue;
      out.push_back(SweepValue{e.key, flow_text(e.value), SourcePos{ctx_.file(), e.value.line, e.value.col}});
    }
  }

  bool valid_key(const YamlEntry& e) {
    // '=' or a control character (a newline) in a key would let two points write the same run key
    // (sweep_run_key); no scenario key has one, and --set KEY=VALUE could not name it either.
    const bool odd = std::any_of(e.key.begin(), e.key.end(),
                                 [](char c) { return c == '=' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
    if (odd || e.key.empty() || e.key.front() == '.' || e.key.back() == '.' || e.key.find("..") != std::string::npos) {
      ctx_.error_at(e.line, e.col, "'" + e.key + "' is not a dotted scenario key (like workload.jobs_per_day)");
      return false;
    }
    return true;
  }

  void read_points(const YamlValue& v, std::vector<SweepPoint>& out) {
    if (!v.is_list() || v.items.empty()) {
      type_error(ctx_, v, "'points'", "a non-empty list of maps (one map of overrides per point)");
      return;
    }
    for (const YamlValue& item : v.items) {
      SweepPoint p;
      p.pos = ctx_.pos(item);
      read_overrides(item, "a point", p.values);
      out.push_back(std::move(p));
    }
  }

  // key -> list of values; the product in file order, the first key varying slowest.
  void read_grid(const YamlValue& v, std::vector<SweepPoint>& out) {
    if (!v.is_map() || v.entries.empty()) {
      type_error(ctx_, v, "'grid'", "a map of dotted keys to lists of values");
      return;
    }
    // Count before expanding: a runaway grid must fail at once, not after building it.
    std::size_t count = 1;
    for (const YamlEntry& e : v.entries) {
      if (e.value.is_list() && !e.value.items.empty()) count *= std::min(e.value.items.size(), kMaxSweepRuns + 1);
      if (count > kMaxSweepRuns) {
        ctx_.error(v, "the grid has more than " + std::to_string(kMaxSweepRuns) + " points");
        return;
      }
    }
    out.emplace_back();
    out.back().pos = ctx_.pos(v);
    for (const YamlEntry& e : v.entries) {
      if (!valid_key(e)) continue;
      if (!e.value.is_list() || e.value.items.empty()) {
        type_error(ctx_, e.value, "grid values of '" + e.key + "'", "a non-empty list");
        continue;
      }
      std::vector<SweepPoint> next;
      for (const SweepPoint& p : out) {
        for (const YamlValue& item : e.value.items) {
          SweepPoint q = p;
          q.values.push_back(SweepValue{e.key, flow_text(item), ctx_.pos(item)});
          q.pos = ctx_.pos(item);
          next.push_back(std::move(q));
        }
      }
      out = std::move(next);
    }
  }

  SweepParseResult& res_;
  Ctx ctx_;
};

}  // namespace

SweepParseResult parse_sweep_file(const std::string& path) {
  std::string text, reason = not_regular_file_reason(path);
  if (!reason.empty() || !read_text_file(path, text, reason)) {
    SweepParseResult res;
    res.spec.file = path;
    res.errors.push_back(Diagnostic{SourcePos{path, 0, 0}, "cannot read sweep: " + reason});
    return res;
  }
  return parse_sweep_text(text, path);
}

SweepParseResult parse_sweep_text(const std::string& text, const std::string& path) {
  SweepParseResult res;
  res.spec.file = path;
  auto root = load_yaml(text, path, "sweep", res.errors);
  if (!root) return res;
  SweepReader(path, res).read(*root);
  return res;
}

std::string sweep_inputs_text(const std::vector<InputFile>& inputs) {
  std::string out;
  for (const InputFile& f : inputs) out += fmt::format("input {} {:016x} {}\n", f.path, f.fnv1a64, f.bytes);
  return out;
}

std::string sweep_run_key(const std::string& binary_id, const std::string& scenario, const std::string& scenario_id,
                          const std::string& inputs_text, const SweepPoint& point, const std::string& policy_label,
                          uint64_t seed) {
  std::string key = fmt::format("hetsim {}\nscenario {} {}\n", binary_id, scenario, scenario_id) + inputs_text;
  for (const SweepValue& v : point.values) key += "set " + v.key + "=" + v.text + "\n";
  key += fmt::format("policy {}\nseed {}\n", policy_label, seed);
  return key;
}

}  // namespace hetsim
