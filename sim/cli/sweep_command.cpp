#include "sweep_command.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <omp.h>
#include <nlohmann/json.hpp>

#include "hetsim/app/app_util.hpp"
#include "hetsim/app/run_metrics.hpp"
#include "hetsim/app/sweep_spec.hpp"
#include "hetsim/core/rng.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/metrics/stats.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/scenario/build.hpp"
#include "hetsim/scenario/parse.hpp"
#include "hetsim/scenario/sections.hpp"
#include "mpi_world.hpp"
#include "progress_bar.hpp"

namespace hetsim {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr int kExitBadInput = 2;
constexpr int kResultFormat = 1;  // "sweep_run_format" of the per-run files

struct Run {
  std::size_t point = 0;
  std::size_t policy = 0;            // index into the point's policies
  const SweepPolicy* pol = nullptr;  // that policy (owned by Setup::point_policies)
  uint64_t seed = 0;
  std::string key;   // everything that determines the run's numbers, as text
  std::string file;  // DIR/runs/<hash of key>.json
};

// A finished run as stored: the metrics in run_metrics() order (NaN where the summary had none).
struct StoredResult {
  std::string policy_name;
  std::vector<double> values;
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// "k=v, k=v" for messages.
std::string describe_point(const SweepPoint& p) {
  std::string out;
  for (const SweepValue& v : p.values) out += (out.empty() ? "" : ", ") + v.key + "=" + v.text;
  return out.empty() ? "the scenario as written" : out;
}

Json result_json(const Run& run, const SweepSpec& sweep, const std::string& policy_name, const Json& summary,
                 double wall_s) {
  Json j;
  j["sweep_run_format"] = kResultFormat;
  j["key"] = run.key;
  Json params = Json::object();
  for (const SweepValue& v : sweep.points[run.point].values) params[v.key] = v.text;
  j["params"] = params;
  j["policy"] = run.pol->label;
  j["policy_name"] = policy_name;
  j["seed"] = run.seed;
  Json m = Json::object();
  for (const RunMetric& rm : run_metrics()) {
    const double v = rm.get(summary);
    m[rm.name] = std::isfinite(v) ? Json(v) : Json(nullptr);
  }
  j["metrics"] = m;
  j["wall_s"] = wall_s;  // the only field that differs between reruns; results.csv leaves it out
  return j;
}

// The stored result of `run` when its file holds one for exactly this key.
std::optional<StoredResult> read_result(const std::string& text, const Run& run) {
  const Json j = Json::parse(text, nullptr, false);
  // Anything unexpected (another run's file, a damaged one, wrong types) means "run it again".
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  const auto field = [&](const char* name) { return j.contains(name) ? j[name] : Json(nullptr); };
  if (field("sweep_run_format") != Json(kResultFormat) || !field("key").is_string() ||
      field("key").get<std::string>() != run.key || !field("metrics").is_object() ||
      !field("policy_name").is_string()) {
    return std::nullopt;
  }
  StoredResult r;
  r.policy_name = j["policy_name"].get<std::string>();
  for (const RunMetric& rm : run_metrics()) {
    const Json& v = j["metrics"].contains(rm.name) ? j["metrics"][rm.name] : Json(nullptr);
    if (!v.is_null() && !v.is_number()) return std::nullopt;
    r.values.push_back(v.is_number() ? v.get<double>() : NAN);
  }
  return r;
}

std::optional<StoredResult> read_result_file(const Run& run) {
  std::string text, reason;
  if (!read_text_file(run.file, text, reason)) return std::nullopt;
  return read_result(text, run);
}

// The swept keys' cells of one point, each after a comma, empty where the point does not set it.
std::string point_cells(const SweepSpec& sweep, std::size_t point) {
  std::string out;
  for (const std::string& k : sweep.keys) {
    std::string cell;
    for (const SweepValue& v : sweep.points[point].values) {
      if (v.key == k) cell = v.text;
    }
    out += "," + csv_field(cell);
  }
  return out;
}

int default_threads(const MpiWorld& world) {
  if (const char* env = std::getenv("OMP_NUM_THREADS"); env != nullptr && *env != '\0') return omp_get_max_threads();
  return std::max(1, omp_get_num_procs() / std::max(1, world.local_size()));
}

// results.csv: one row per run, in sweep order (points, then policies, then seeds).
std::string results_csv(const SweepSpec& sweep, const std::string& scenario_name, const std::vector<Run>& runs,
                        const std::vector<std::optional<StoredResult>>& results) {
  std::string csv = "run,scenario,point";
  for (const std::string& k : sweep.keys) csv += "," + csv_field(k);
  csv += ",policy,policy_name,seed";
  for (const RunMetric& m : run_metrics()) csv += std::string(",") + m.name;
  csv += "\n";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!results[r]) continue;
    const Run& run = runs[r];
    csv += fmt::format("{},{},{}", r, csv_field(scenario_name), run.point) + point_cells(sweep, run.point);
    csv += fmt::format(",{},{},{}", csv_field(run.pol->label), csv_field(results[r]->policy_name), run.seed);
    for (double v : results[r]->values) csv += "," + metric_text(v);
    csv += "\n";
  }
  return csv;
}

// results_summary.csv: per point and policy, each metric's mean and 95 % CI over the seeds.
std::string summary_csv(const SweepSpec& sweep, const std::vector<Run>& runs,
                        const std::vector<std::optional<StoredResult>>& results) {
  std::string csv = "point";
  for (const std::string& k : sweep.keys) csv += "," + csv_field(k);
  csv += ",policy,metric,n,mean,sd,ci95_low,ci95_high\n";
  // Runs are ordered point-major, policy next: each (point, policy) is one contiguous block.
  std::size_t r = 0;
  while (r < runs.size()) {
    std::size_t end = r;
    while (end < runs.size() && runs[end].point == runs[r].point && runs[end].policy == runs[r].policy) ++end;
    const std::string prefix =
        std::to_string(runs[r].point) + point_cells(sweep, runs[r].point) + "," + csv_field(runs[r].pol->label);
    for (std::size_t k = 0; k < run_metrics().size(); ++k) {
      std::vector<double> xs;
      for (std::size_t i = r; i < end; ++i) {
        if (results[i] && std::isfinite(results[i]->values[k])) xs.push_back(results[i]->values[k]);
      }
      if (xs.empty()) continue;
      const MeanCi c = mean_ci95(xs);
      csv += fmt::format("{},{},{},{},{},{},{}\n", prefix, run_metrics()[k].name, c.n, metric_text(c.mean),
                         metric_text(c.sd), metric_text(c.mean - c.half_width), metric_text(c.mean + c.half_width));
    }
    r = end;
  }
  return csv;
}

// Everything a rank knows about the sweep before running it.
struct Setup {
  SweepSpec sweep;
  std::vector<ScenarioSpec> specs;                       // per point
  std::vector<std::vector<SweepPolicy>> point_policies;  // per point: the sweep's list or its own
  std::vector<Run> runs;
  std::vector<std::string> point_inputs;  // per point: "input PATH HASH BYTES" lines of every file it read
  std::string fingerprint;                // what every rank must agree on: scenario text, binary, run keys
};

// The hetsim binary's own bytes: results of another build (which may schedule differently) are
// not reused by a resumed sweep.
std::string binary_id() {
  std::string text, reason;
  if (!read_text_file("/proc/self/exe", text, reason)) return "unknown";
  return fmt::format("{:016x}", fnv1a64(text));
}

// Parses the sweep and checks every point and policy; "" or the error text (file:line:col).
std::string prepare(const SweepOptions& opt, Setup& st, bool show_progress) {
  SweepParseResult parsed = parse_sweep_file(opt.sweep_file);
  if (!parsed.ok()) {
    std::string msg;
    for (const Diagnostic& d : parsed.errors) msg += (msg.empty() ? "" : "\n") + d.format();
    return msg;
  }
  st.sweep = std::move(parsed.spec);
  const SweepSpec& sweep = st.sweep;
  // Each point must be a valid scenario of the kind a sweep runs. Each is a whole parse (about
  // 9 ms for the city): 100,000 points take minutes, so the count is shown as it goes.
  CountProgress progress(stderr, show_progress ? parse_progress_mode(opt.progress) : ProgressMode::Off,
                         "hetsim sweep: checking points", sweep.points.size());
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    progress.at(p);
    const SweepPoint& point = sweep.points[p];
    ScenarioOverrides overrides;
    for (const SweepValue& v : point.values) overrides.emplace_back(v.key, v.text);
    ParseResult sp = parse_scenario_file(sweep.scenario, overrides);
    const std::string where = fmt::format("{}:{}:{}: error: ", sweep.file, point.pos.line, point.pos.col);
    if (!sp.ok()) {
      std::string msg = where + fmt::format("point {} ({}) is not a valid scenario:", p, describe_point(point));
      for (const Diagnostic& d : sp.errors) msg += "\n  " + d.format();
      return msg;
    }
    if (sp.spec.has_sharing_replay || sp.spec.has_mixed_training) {
      return where + fmt::format("{} is a {} scenario; a sweep runs cluster simulations", sweep.scenario,
                                 sp.spec.has_sharing_replay ? "trace-replay" : "mixed-training");
    }
    st.point_inputs.push_back(sweep_inputs_text(sp.inputs));
    st.specs.push_back(std::move(sp.spec));
  }
  progress.at(sweep.points.size());
  progress.finish();
  // The policies each point runs: the sweep's list, or the point's own scenario policy.
  auto& point_policies = st.point_policies;
  point_policies.resize(sweep.points.size());
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    if (!sweep.policies.empty()) {
      point_policies[p] = sweep.policies;
    } else {
      const PolicySpec& own = st.specs[p].policy;
      SweepPolicy sp{own.name, own.name, own.params, own.pos};
      const char* sep = ":";
      for (const auto& [k, v] : own.params) sp.label += sep + k + "=" + v, sep = ",";
      point_policies[p].push_back(std::move(sp));
    }
    for (const SweepPolicy& pol : point_policies[p]) {
      try {
        (void)builtin_policy_registry().create(pol.name, pol.params);
      } catch (const std::invalid_argument& e) {
        return fmt::format("{}:{}:{}: error: {}{}", pol.pos.file, pol.pos.line, pol.pos.col, e.what(),
                           sweep.policies.empty() ? " (in point " + std::to_string(p) + ")" : "");
      }
    }
  }
  // The runs, and the key each result is stored under: the binary and every file the point's
  // scenario read (itself, its base chain, catalogs, throughputs: path, hash and size) are in it,
  // so editing any of them or changing hetsim invalidates earlier results instead of mixing them in.
  std::string scenario_text, reason;
  if (!read_text_file(sweep.scenario, scenario_text, reason)) return "hetsim sweep: " + sweep.scenario + ": " + reason;
  const std::string scenario_id = fmt::format("{:016x}", fnv1a64(scenario_text));
  const std::string binary = binary_id();
  uint64_t all_keys = 0;
  for (std::size_t p = 0; p < sweep.points.size(); ++p) {
    const std::vector<uint64_t> seeds = sweep.seeds.empty() ? std::vector<uint64_t>{st.specs[p].seed} : sweep.seeds;
    for (std::size_t q = 0; q < point_policies[p].size(); ++q) {
      const SweepPolicy& pol = point_policies[p][q];
      for (uint64_t seed : seeds) {
        Run run{p, q, &pol, seed, {}, {}};
        run.key =
            sweep_run_key(binary, sweep.scenario, scenario_id, st.point_inputs[p], sweep.points[p], pol.label, seed);
        run.file = fmt::format("{}/runs/{:016x}.json", opt.out, fnv1a64(run.key));
        all_keys = all_keys * 1099511628211ull ^ fnv1a64(run.key);
        st.runs.push_back(std::move(run));
      }
    }
  }
  st.fingerprint =
      fmt::format("{} runs, scenario {}, hetsim {}, keys {:016x}", st.runs.size(), scenario_id, binary, all_keys);
  return "";
}

// One line per outcome in the gathered text: no newline may hide inside.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

int sweep_in_world(const SweepOptions& opt, const MpiWorld& world) {
  const auto wall0 = std::chrono::steady_clock::now();
  // Every rank checks the sweep itself (its files may differ on another machine); rank 0 compares
  // the verdicts, and every rank stops unless all of them are fine and agree.
  Setup st;
  const std::string error = prepare(opt, st, world.is_root() && !opt.quiet);
  const std::vector<std::string> verdicts = world.gather(error.empty() ? "ok " + st.fingerprint : "error " + error);
  std::string verdict = "ok";
  if (world.is_root()) {
    for (std::size_t r = 0; r < verdicts.size() && verdict == "ok"; ++r) {
      if (verdicts[r].rfind("error ", 0) == 0) {
        verdict = (r == 0 ? "" : fmt::format("hetsim sweep: rank {} reports:\n", r)) + verdicts[r].substr(6);
      } else if (verdicts[r] != verdicts[0]) {
        verdict = fmt::format(
            "hetsim sweep: rank {} sees a different sweep than rank 0 ({} vs {}): the sweep file, "
            "scenario and hetsim binary must be the same on every machine",
            r, verdicts[r].substr(3), verdicts[0].substr(3));
      }
    }
  }
  verdict = world.broadcast(verdict);
  if (verdict != "ok") {
    if (world.is_root()) fmt::print(stderr, "{}\n", verdict);
    return kExitBadInput;
  }
  const SweepSpec& sweep = st.sweep;
  const std::vector<ScenarioSpec>& specs = st.specs;
  const std::vector<Run>& runs = st.runs;

  // Rank 0 decides what is left to run (ranks on other machines may not see the same folder);
  // every rank writes its results under its own --out as well.
  std::error_code ec;
  fs::create_directories(opt.out + "/runs", ec);
  std::string plan;
  std::vector<std::optional<StoredResult>> results(runs.size());  // rank 0: what is already done
  if (world.is_root()) {
    std::string why = check_output_dir(opt.out + "/runs");
    if (why.empty()) why = lock_output_dir(opt.out);  // rank 0 holds it for the whole sweep
    if (!why.empty()) {
      plan = "error\nhetsim sweep: --out " + opt.out + ": " + why;
    } else {
      // Temporary files of runs killed while writing (atomic_file.hpp) are garbage now.
      for (const auto& e : fs::directory_iterator(opt.out + "/runs", ec)) {
        if (e.path().filename().string().find(".json.tmp.") != std::string::npos) fs::remove(e.path(), ec);
      }
      plan = "ok\n";
      for (std::size_t r = 0; r < runs.size(); ++r) {
        results[r] = read_result_file(runs[r]);
        if (!results[r]) plan += std::to_string(r) + "\n";
      }
    }
  }
  plan = world.broadcast(plan);
  std::istringstream plan_in(plan);
  std::string status;
  std::getline(plan_in, status);
  if (status != "ok") {
    std::string msg;
    std::getline(plan_in, msg);
    if (world.is_root()) fmt::print(stderr, "{}\n", msg);
    return kExitBadInput;
  }
  std::vector<std::size_t> pending;
  for (std::string line; std::getline(plan_in, line);) pending.push_back(std::stoul(line));
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(world.rank()); i < pending.size(); i += world.size()) {
    mine.push_back(pending[i]);
  }
  // Ranks on one machine share its cores unless told otherwise.
  const int threads = opt.threads > 0 ? opt.threads : default_threads(world);
  if (world.is_root() && !opt.quiet) {
    fmt::print(
        "hetsim sweep: {} | {} points x {} policies -> {} runs | {} done before, {} to run on {} rank(s) x {} "
        "thread(s)\n",
        specs.front().name, sweep.points.size(), std::max<std::size_t>(1, sweep.policies.size()), runs.size(),
        runs.size() - pending.size(), pending.size(), world.size(), threads);
    std::fflush(stdout);
  }

  // Simulate this rank's share; each result is on disk as soon as its run ends.
  std::vector<std::string> outcome(mine.size());  // "R<json>" or "E<message>"
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const Run& run = runs[mine[i]];
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const SimulationModel model = build_scenario(specs[run.point], run.seed);
      auto policy = builtin_policy_registry().create(run.pol->name, run.pol->params);
      const Json summary = simulate_summary(specs[run.point].name, run.seed, model, *policy);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const std::string text = result_json(run, sweep, policy->name(), summary, wall).dump();
      outcome[i] = "R" + text;
      try {
        write_file_atomically(run.file, text + "\n");
      } catch (const std::exception& e) {
        // Rank 0 writes it after the gather; only a rank-0 failure loses resumability.
        fmt::print(stderr, "hetsim sweep: rank {}: {}\n", world.rank(), e.what());
      }
      if (!opt.quiet) {
        fmt::print(stderr, "  run {} done: point {}, {}, seed {} ({:.1f} s)\n", mine[i], run.point, run.pol->label,
                   run.seed, wall);
      }
    } catch (const std::exception& e) {
      outcome[i] = one_line(fmt::format("Erun {} (point {}: {}; policy {}; seed {}): {}", mine[i], run.point,
                                        describe_point(sweep.points[run.point]), run.pol->label, run.seed, e.what()));
    }
  }

  // Gather everything at rank 0, which writes the tables (and any result file its folder lacks).
  std::string mine_text;
  for (std::size_t i = 0; i < mine.size(); ++i) mine_text += std::to_string(mine[i]) + "\t" + outcome[i] + "\n";
  const std::vector<std::string> gathered = world.gather(mine_text);
  int code = 0;
  if (world.is_root()) {
    std::vector<std::string> errors;
    for (const std::string& part : gathered) {
      std::istringstream in(part);
      for (std::string line; std::getline(in, line);) {
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos || tab + 1 >= line.size()) continue;
        const std::size_t r = std::stoul(line.substr(0, tab));
        const std::string body = line.substr(tab + 2);
        if (line[tab + 1] == 'E') {
          errors.push_back(body);
          continue;
        }
        results[r] = read_result(body, runs[r]);
        // Ranks on other machines wrote theirs elsewhere; a stale or damaged file is replaced.
        if (!read_result_file(runs[r])) write_file_atomically(runs[r].file, body + "\n");
      }
    }
    write_file_atomically(opt.out + "/results.csv", results_csv(sweep, specs.front().name, runs, results));
    write_file_atomically(opt.out + "/results_summary.csv", summary_csv(sweep, runs, results));
    for (const std::string& e : errors) fmt::print(stderr, "hetsim sweep: failed: {}\n", e);
    if (!errors.empty()) {
      fmt::print(stderr, "hetsim sweep: {} of {} runs failed; rerun the same command to retry them\n", errors.size(),
                 runs.size());
      code = 1;
    }
    if (!opt.quiet) {
      fmt::print("hetsim sweep: {} runs in {}/results.csv (and results_summary.csv) | {:.1f} s wall\n",
                 runs.size() - errors.size(), opt.out,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
    }
  }
  return std::stoi(world.broadcast(std::to_string(code)));
}

}  // namespace

int cmd_sweep(const SweepOptions& opt) {
  if (MpiWorld::launcher_size() > 1 && !MpiWorld::built_with_mpi()) {
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    if (rank == nullptr || std::string(rank) == "0") {
      fmt::print(stderr,
                 "hetsim sweep: started by an MPI launcher, but this hetsim was built without MPI "
                 "(install libopenmpi-dev and rebuild); every rank would run the whole sweep\n");
    }
    return kExitBadInput;
  }
  MpiWorld world;
  try {
    return sweep_in_world(opt, world);
  } catch (const std::exception& e) {
    fmt::print(stderr, "hetsim sweep: internal error{}: {}\n",
               world.size() > 1 ? " on rank " + std::to_string(world.rank()) : std::string(), e.what());
    // The other ranks may be waiting in a collective: end them all instead of hanging.
    if (world.size() > 1) world.abort(1);
    return 1;
  }
}

}  // namespace hetsim
