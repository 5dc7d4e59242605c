#pragma once
// Internal to sim/scenario: the converters of each scenario section, and the state they share
// (the names defined so far, so that later sections can check references).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hetsim/scenario/reader.hpp"
#include "hetsim/scenario/scenario_spec.hpp"
#include "hetsim/scenario/yaml_tree.hpp"

namespace hetsim {

struct ParseState {
  explicit ParseState(Ctx& c, ScenarioSpec& s) : ctx(c), spec(s) {}
  Ctx& ctx;
  ScenarioSpec& spec;
  NameSet chips{"chip"};
  NameSet sites{"site"};
  NameSet providers{"provider"};
  NameSet tenants{"tenant"};
  // Capacity checks only make sense when the cluster was read without errors; otherwise a pool
  // that failed to parse would make jobs look impossible.
  bool cluster_ok = true;
  bool tenants_generated = false;  // weights still to be set from workload.tenant_zipf
  std::vector<bool> job_ok;        // per explicit job: fully read, so worth the impossible-job check
  std::vector<bool> class_ok;      // per class: likewise
  // The first `mix_chips: true` (class, job or tenant): where a missing model catalog is reported.
  std::optional<SourcePos> first_mix;
  const YamlValue* mixing_models_at = nullptr;  // perf.mixing.models, when written
  bool throughputs_written = false;             // a `throughputs:` section, valid or not
};

// A path as written in a scenario: absolute as is, relative from the scenario's directory, and
// `data:REL` (public data the repro scenarios use, docs/scenario-format.md "Data files") looked
// up by resolve_data_path.
std::string resolve_scenario_path(const std::string& base_dir, const std::string& written);

// `data:REL`: $HETSIM_DATA/REL if HETSIM_DATA is set and has it, else REL under a `data/` folder
// in `base_dir` or its nearest parent that has it (the checkout's data/, where
// scripts/fetch-data.sh stores it), else under `shared/data/` likewise (../shared/data beside the
// checkout). Not found: "data:REL" unchanged, which no file has; missing_data_hint says why.
std::string resolve_data_path(const std::string& base_dir, const std::string& rel);

// For an error about the file written as `written`: where a `data:` path was looked for and how
// to get it; "" for any other path.
std::string missing_data_hint(const std::string& written);
// The note an "cannot read" error about `written` ends with: missing_data_hint for a data: path,
// else where relative paths start (nothing for an absolute one).
std::string unreadable_path_note(const std::string& written);

// `rel` under `base_dir` or the nearest parent directory that has it (a regular file), as a
// path from `base_dir`; "" when none does.
std::string find_upwards(const std::string& base_dir, const std::filesystem::path& rel);

// catalog/<file> in `base_dir` or the nearest parent directory that has one; "" when none does.
std::string find_catalog_file(const std::string& base_dir, const std::string& file);

// Why `path` is not a regular file ("No such file or directory", "not a regular file"), or ""
// when it is one. Paths that must not be pipes or devices (traces, bases) are checked with it.
std::string not_regular_file_reason(const std::string& path);

// `cross_vendor_gbps` and `inter_node_gbps` of a map (each > 0) into the given fields when written.
void read_link_gbps(const MapReader& r, double& cross_vendor_gbps, double& inter_node_gbps);
// attention, recompute, zero, sequence_parallel of a mixed-training section or plan (into `p`).
void read_stack(Ctx& ctx, const MapReader& r, MixedPlanSpec& p);

// The model catalog at `path`; its own errors keep their file:line, file-level ones (unreadable,
// empty) are reported at `at`. False when there were errors.
bool read_model_catalog(Ctx& ctx, const std::string& path, const SourcePos& at, std::vector<TransformerSpec>& out);

// Whole file into `text` (at most 64 MiB); false with a human reason otherwise.
bool read_text_file(const std::string& path, std::string& text, std::string& reason);
// The same without entering the file in the inputs of a parse in progress (ParseResult::inputs).
bool read_text_file_unrecorded(const std::string& path, std::string& text, std::string& reason);

// A `chips:` list (catalog file or scenario). Names must be unique within the list.
std::vector<ChipSpec> read_chip_list(Ctx& ctx, const YamlValue& v);

void read_scenario_header(ParseState& st, const YamlValue& v);
void read_sites(ParseState& st, const YamlValue& v);
void read_links(ParseState& st, const YamlValue& v);
void read_providers(ParseState& st, const YamlValue& v);
void read_tenants(ParseState& st, const YamlValue& v);
// `vouchers:` (after the chips, whose vendors it names).
void read_vouchers(ParseState& st, const YamlValue& v);
// `throughputs:` measured rates (after the chips, before the workload whose `gavel:` uses them).
void read_throughputs(ParseState& st, const YamlValue& v, const std::string& base_dir);
void read_workload(ParseState& st, const YamlValue& v, const std::string& base_dir);
// The keys of an explicit job, in documentation order: a `workload.jobs` item's, a trace's columns.
const std::vector<std::string_view>& explicit_job_keys();
// One explicit job (a `workload.jobs` item, or a trace row as a map); `what` names it in messages.
ExplicitJobSpec read_job(ParseState& st, const YamlValue& v, const std::string& what);
// `workload.trace`: the jobs of a CSV file (parse_trace.cpp), appended to the explicit jobs.
void read_trace(ParseState& st, const YamlValue& v, const std::string& base_dir);
void read_policy(ParseState& st, const YamlValue& v);
void read_perf(ParseState& st, const YamlValue& v, const std::string& base_dir);
// Loads the model catalog for perf.mixing when some job may span chip types (after the workload).
void resolve_mixing_models(ParseState& st, const std::string& base_dir);
void read_metrics(ParseState& st, const YamlValue& v);
// `data_staging:` copying a job's data to the sites it runs on (sim/model/data_staging.hpp).
void read_data_staging(ParseState& st, const YamlValue& v);
// `preemption:` checkpoint and restart costs (sim/perf/checkpoint.hpp).
void read_preemption(ParseState& st, const YamlValue& v);
// `failures:` node failure rates per chip type and site outages (after the chips and sites).
void read_failures(ParseState& st, const YamlValue& v);
// The `scenario:` header and the `sharing_replay:` section of a trace-replay scenario;
// `base_dir` resolves the trace paths.
void read_replay_header(ParseState& st, const YamlValue& v);
void read_sharing_replay(ParseState& st, const YamlValue& v, const std::string& base_dir);
// The `mixed_training:` section (after the chips were read).
void read_mixed_training(ParseState& st, const YamlValue& v, const std::string& base_dir);
// Gives generated tenants their Zipf weights; needs workload.tenant_zipf, read after tenants.
void apply_tenant_zipf(ParseState& st);

// Whole-scenario checks after conversion: impossible jobs and classes (validate.cpp).
void validate_scenario(ParseState& st);

}  // namespace hetsim
