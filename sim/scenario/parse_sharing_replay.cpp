// The sections of a GPU-sharing trace-replay scenario (docs/scenario-format.md, "Trace-replay
// scenarios"): the header and `sharing_replay:`.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "hetsim/core/did_you_mean.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"
#include "hetsim/scenario/sections.hpp"

namespace hetsim {

namespace {

namespace fs = std::filesystem;

// The path resolved against the scenario's directory, checked for readability here so that
// `hetsim validate` reports a missing trace at its key; the rows are checked when the trace is read.
std::optional<std::string> trace_path(const MapReader& r, std::string_view key, const std::string& base_dir) {
  const auto s = r.string(key, true);
  if (!s) return std::nullopt;
  const std::string path = resolve_scenario_path(base_dir, *s);
  if (const std::string why = not_regular_file_reason(path); !why.empty()) {
    r.check(key, false,
            "cannot read " + std::string(key == "nodes" ? "node" : "pod") + " list '" + path + "': " + why +
                unreadable_path_note(*s));
    return std::nullopt;
  }
  std::ifstream in(path);
  if (!r.check(key, static_cast<bool>(in), "cannot open '" + path + "': " + std::strerror(errno))) return std::nullopt;
  return path;
}

}  // namespace

void read_replay_header(ParseState& st, const YamlValue& v) {
  MapReader r(st.ctx, v, "scenario", {"name", "description", "seed"});
  if (auto s = r.name("name", true)) st.spec.name = *s;
  if (auto s = r.string("description", false)) st.spec.description = *s;
  if (auto n = r.whole("seed", UnitKind::Plain, 0, INT64_MAX, false)) st.spec.seed = static_cast<uint64_t>(*n);
}

void read_sharing_replay(ParseState& st, const YamlValue& v, const std::string& base_dir) {
  SharingReplaySpec& spec = st.spec.sharing_replay;
  spec.pos = st.ctx.pos(v);
  MapReader r(st.ctx, v, "sharing_replay",
              {"nodes", "pods", "inflation_pct", "target_workload", "policies", "seeds", "tie_break", "scores",
               "arrivals", "reading"});
  if (!r.ok()) return;
  if (const YamlValue* n = r.get("nodes")) spec.nodes_pos = st.ctx.pos(*n);
  if (const YamlValue* p = r.get("pods")) spec.pods_pos = st.ctx.pos(*p);
  if (auto p = trace_path(r, "nodes", base_dir)) spec.nodes_file = *p;
  if (auto p = trace_path(r, "pods", base_dir)) spec.pods_file = *p;
  if (auto n = r.whole("inflation_pct", UnitKind::Plain, 1, 1000, false)) spec.inflation_pct = static_cast<int>(*n);
  if (auto s = r.string("tie_break", false)) {
    if (r.check("tie_break", *s == "lowest-id" || *s == "random" || *s == "node-permutation",
                "'tie_break' must be lowest-id, random or node-permutation, got '" + *s + "'"))
      spec.placement.tie_break = *s == "random"             ? TieBreak::Random
                                 : *s == "node-permutation" ? TieBreak::NodePermutation
                                                            : TieBreak::LowestId;
  }
  if (auto s = r.string("arrivals", false)) {
    if (r.check("arrivals", *s == "draws" || *s == "reference",
                "'arrivals' must be draws or reference, got '" + *s + "'"))
      spec.arrivals = *s == "reference" ? FgdArrivalMode::Reference : FgdArrivalMode::Draws;
  }
  if (auto s = r.string("reading", false)) {
    if (r.check("reading", *s == "crossing" || *s == "reference",
                "'reading' must be crossing or reference, got '" + *s + "'"))
      spec.reading = *s == "reference" ? FgdReadingMode::Reference : FgdReadingMode::Crossing;
  }
  if (auto s = r.string("scores", false)) {
    if (r.check("scores", *s == "exact" || *s == "reference-integer",
                "'scores' must be exact or reference-integer, got '" + *s + "'"))
      spec.placement.scores = *s == "reference-integer" ? ScoreResolution::ReferenceInteger : ScoreResolution::Exact;
  }

  if (const YamlValue* tw = r.get("target_workload")) {
    MapReader t(st.ctx, *tw, "target_workload", {"include_cpu_only", "popularity_threshold_pct"});
    if (auto b = t.boolean("include_cpu_only", false)) spec.include_cpu_only = *b;
    if (auto n = t.whole("popularity_threshold_pct", UnitKind::Plain, 1, 100, false))
      spec.popularity_threshold_pct = static_cast<int>(*n);
  }

  const auto& valid = sharing_placement_names();
  if (const auto* list = r.list("policies", false)) {
    if (r.check("policies", !list->empty(), "'policies' must name at least one policy")) {
      for (const YamlValue& item : *list) {
        auto s = read_string(st.ctx, item, "a policy name");
        if (!s) continue;
        if (std::find(valid.begin(), valid.end(), *s) == valid.end()) {
          std::string all;
          for (const auto& n : valid) all += (all.empty() ? "" : ", ") + n;
          st.ctx.error(item,
                       "unknown sharing policy '" + *s + "'" + did_you_mean_note(*s, valid) + " (valid: " + all + ")");
          continue;
        }
        if (std::find(spec.policies.begin(), spec.policies.end(), *s) != spec.policies.end()) {
          st.ctx.error(item, "policy '" + *s + "' is listed twice");
          continue;
        }
        spec.policies.push_back(*s);
      }
    }
  } else {
    spec.policies = {"fgd"};
  }

  if (const auto* list = r.list("seeds", false)) {
    if (r.check("seeds", !list->empty(), "'seeds' must list at least one seed")) {
      for (const YamlValue& item : *list) {
        auto n = read_whole(st.ctx, item, UnitKind::Plain, 0, INT64_MAX, "a seed");
        if (!n) continue;
        const auto seed = static_cast<uint64_t>(*n);
        if (std::find(spec.seeds.begin(), spec.seeds.end(), seed) != spec.seeds.end()) {
          st.ctx.error(item, "seed " + std::to_string(seed) + " is listed twice");
          continue;
        }
        spec.seeds.push_back(seed);
      }
    }
  } else {
    spec.seeds = {st.spec.seed};
  }
}

}  // namespace hetsim
