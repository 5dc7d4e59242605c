#include "hetsim/replay/fgd_experiment.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/sharing/sharing_policies.hpp"

namespace hetsim {

namespace {

double pct(double part, double whole) { return 100.0 * part / whole; }

}  // namespace

std::string fgd_arrivals_problem(const SharingTrace& trace, int inflation_pct) {
  if (trace.tasks.empty() || trace.gpu_count <= 0) return "";  // refused elsewhere, with its own message
  int64_t requested = 0;  // milli-GPUs over the pod list (at most 2^63 / 1000 even for 1e6 pods x 32 x 1000)
  for (const SharingTask& t : trace.tasks) requested += t.gpu_milli_total();
  if (requested == 0)
    return fmt::format(
        "no pod of the {} in the pod list asks for a GPU, so arrivals never reach {}% of the "
        "cluster's GPUs",
        trace.tasks.size(), inflation_pct);
  // Expected draws: inflation% of capacity over the mean request per task, in doubles (no overflow).
  const double capacity = static_cast<double>(trace.gpu_count) * kMilliPerCard;
  const double mean = static_cast<double>(requested) / static_cast<double>(trace.tasks.size());
  const double expected = inflation_pct / 100.0 * capacity / mean;
  if (expected > static_cast<double>(kMaxFgdArrivalDraws / 2))
    return fmt::format(
        "reaching {}% of the cluster's {} GPUs takes about {:.3g} task draws per run (mean GPU "
        "request {:.4g} milli-GPU per pod); the cap is {} (kMaxFgdArrivalDraws / 2)",
        inflation_pct, trace.gpu_count, expected, mean, kMaxFgdArrivalDraws / 2);
  return "";
}

std::vector<uint32_t> random_node_ranks(std::size_t n, Rng& rng) {
  std::vector<uint32_t> rank(n);
  for (std::size_t i = 0; i < n; ++i) rank[i] = static_cast<uint32_t>(i);
  for (std::size_t i = n; i > 1; --i) std::swap(rank[i - 1], rank[rng.below(i)]);
  return rank;
}

std::vector<uint32_t> reference_arrivals(const SharingTrace& trace, int inflation_pct, Rng& rng) {
  const std::size_t n = trace.tasks.size();
  std::vector<uint32_t> seq(n);
  for (std::size_t i = 0; i < n; ++i) seq[i] = static_cast<uint32_t>(i);
  for (std::size_t i = n; i > 1; --i) std::swap(seq[i - 1], seq[rng.below(i)]);
  // In integers: 100 x the request against inflation_pct x capacity.
  const int64_t target = int64_t{inflation_pct} * trace.gpu_count * int64_t{kMilliPerCard};
  int64_t total = 0;
  for (const SharingTask& t : trace.tasks) total += 100 * t.gpu_milli_total();
  if (total < target) {
    // tuneUpPods: stop, without adding, at the first clone whose per-GPU share would pass the
    // target; the request grows by the clone's whole share.
    for (uint64_t clones = 0;; ++clones) {
      if (clones >= kMaxFgdArrivalDraws)
        throw std::runtime_error(fmt::format("the arrivals did not reach {}% of the cluster's GPUs after {} clones",
                                             inflation_pct, kMaxFgdArrivalDraws));
      const auto i = static_cast<uint32_t>(rng.below(n));
      const SharingTask& t = trace.tasks[i];
      if (total + 100 * int64_t{t.gpu_milli} > target) break;
      total += 100 * t.gpu_milli_total();
      seq.push_back(i);
    }
  } else {
    // tuneDownPods: random pods out until the request is at most the target.
    while (total > target && !seq.empty()) {
      const auto at = static_cast<std::size_t>(rng.below(seq.size()));
      total -= 100 * trace.tasks[seq[at]].gpu_milli_total();
      seq.erase(seq.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  return seq;
}

std::vector<FgdCurvePoint> reference_curve(std::span<const FgdEvent> events, int inflation_pct,
                                           double initial_fragmented_pct) {
  std::vector<FgdCurvePoint> curve;
  curve.reserve(static_cast<std::size_t>(inflation_pct) + 1);
  for (int k = 0; k <= inflation_pct; ++k) {
    double alloc = 0, frag = 0;
    std::size_t count = 0;
    for (int width = 0; width <= 1 && count == 0; ++width)
      for (const FgdEvent& e : events)
        if (e.arrived_bucket >= k - width && e.arrived_bucket <= k + width)
          alloc += e.allocated_pct, frag += e.fragmented_pct, ++count;
    FgdCurvePoint p{k, 0, initial_fragmented_pct};
    if (count > 0) {
      p.allocated_pct = alloc / static_cast<double>(count);
      p.fragmented_pct = frag / static_cast<double>(count);
    } else if (!curve.empty()) {
      p.allocated_pct = curve.back().allocated_pct;
      p.fragmented_pct = curve.back().fragmented_pct;
    }
    curve.push_back(p);
  }
  return curve;
}

FgdRunResult run_fgd_experiment(const SharingTrace& trace, std::span<const TaskType> target_workload,
                                const std::string& policy, uint64_t seed, const FgdExperimentConfig& cfg) {
  if (trace.tasks.empty()) throw std::invalid_argument("the trace has no tasks");
  if (trace.gpu_count <= 0) throw std::invalid_argument("the cluster has no GPUs");
  if (cfg.inflation_pct < 1 || cfg.inflation_pct > 1000)
    throw std::invalid_argument("inflation_pct must be in 1..1000, got " + std::to_string(cfg.inflation_pct));
  if (const std::string why = fgd_arrivals_problem(trace, cfg.inflation_pct); !why.empty())
    throw std::invalid_argument(why);

  const RngStreams streams(seed);
  Rng draws(streams.stream_seed("fgd.draws"));
  Rng policy_rng(streams.stream_seed("fgd.policy"));
  SharingOptions options = cfg.placement;
  if (options.tie_break == TieBreak::NodePermutation && options.node_rank.empty()) {
    Rng order(streams.stream_seed("fgd.node-order"));
    options.node_rank = random_node_ranks(trace.nodes.size(), order);
  }
  if (options.tie_break == TieBreak::NodePermutation && options.node_rank.size() != trace.nodes.size())
    throw std::invalid_argument("node-permutation ties need one rank per node");
  auto placement = make_sharing_placement(policy, {target_workload.begin(), target_workload.end()}, options);

  std::vector<SharingNode> nodes = trace.nodes;
  // Each node's F_n(M), kept current as nodes change; the cluster's value is their sum in node order.
  std::vector<double> node_frag(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) node_frag[i] = node_fragmentation(nodes[i], target_workload);
  const auto cluster_frag = [&] {
    double frag = 0;
    for (double f : node_frag) frag += f;
    return frag;
  };

  const int64_t capacity = trace.gpu_count * int64_t{kMilliPerCard};
  const auto capacity_d = static_cast<double>(capacity);
  FgdRunResult r;
  r.policy = policy;
  r.seed = seed;
  r.curve.reserve(static_cast<std::size_t>(cfg.inflation_pct) + 1);
  int next_pct = 0;
  auto record_reached = [&] {
    // arrived >= next_pct % of capacity, in integers: 100 * arrived >= next_pct * capacity.
    if (100 * r.gpu_milli_arrived < int64_t{next_pct} * capacity) return;
    const FgdCurvePoint p{0, pct(static_cast<double>(r.gpu_milli_allocated), capacity_d),
                          pct(cluster_frag(), capacity_d)};
    while (next_pct <= cfg.inflation_pct && 100 * r.gpu_milli_arrived >= int64_t{next_pct} * capacity) {
      r.curve.push_back(p);
      r.curve.back().arrived_pct = next_pct++;
    }
  };
  // The reference reading keeps every arrival: (arrived %, allocated % to 2 decimals, fragmented %).
  std::vector<FgdEvent> events;
  const double initial_frag = pct(cluster_frag(), capacity_d);
  const bool by_event = cfg.reading == FgdReading::Reference;
  const auto gpus = static_cast<double>(trace.gpu_count);
  auto record = [&] {
    if (!by_event) return record_reached();
    // merge_alloc_discrete.py: round(arrived_milli / gpus / 10) (half to even), round(used / gpus / 10, 2).
    events.push_back(FgdEvent{std::nearbyint(static_cast<double>(r.gpu_milli_arrived) / gpus / 10.0),
                              std::nearbyint(static_cast<double>(r.gpu_milli_allocated) / gpus / 10.0 * 100.0) / 100.0,
                              pct(cluster_frag(), capacity_d)});
  };
  auto arrive = [&](const SharingTask& t) {
    ++r.tasks_arrived;
    r.gpu_milli_arrived += t.gpu_milli_total();
    if (!t.cpu_only()) ++r.gpu_tasks_arrived;
    if (const auto p = placement->place(nodes, t, policy_rng)) {
      const auto [n, choice] = *p;
      nodes[n] = after(nodes[n], t, choice);
      placement->on_placed(n, nodes[n]);
      node_frag[n] = node_fragmentation(nodes[n], target_workload);
      ++r.tasks_placed;
      if (!t.cpu_only()) ++r.gpu_tasks_placed;
      r.gpu_milli_allocated += t.gpu_milli_total();
    }
    record();
  };

  if (!by_event) record_reached();
  if (cfg.arrivals == FgdArrivals::Reference) {
    Rng arrivals(streams.stream_seed("fgd.arrivals"));
    for (uint32_t i : reference_arrivals(trace, cfg.inflation_pct, arrivals)) arrive(trace.tasks[i]);
  } else {
    const int64_t stop = int64_t{cfg.inflation_pct} * capacity;
    while (100 * r.gpu_milli_arrived < stop) {
      if (r.tasks_arrived >= kMaxFgdArrivalDraws)
        throw std::runtime_error(fmt::format("arrivals reached only {:.2f}% of the cluster's GPUs after {} task draws",
                                             pct(static_cast<double>(r.gpu_milli_arrived), capacity_d),
                                             kMaxFgdArrivalDraws));
      arrive(trace.tasks[draws.below(trace.tasks.size())]);
    }
  }

  if (by_event) {
    r.curve = reference_curve(events, cfg.inflation_pct, initial_frag);
  } else {
    // Arrivals that end short of the last percentages (reference arrivals tuned down) repeat the
    // final state there, so every curve has 0..inflation_pct.
    while (next_pct <= cfg.inflation_pct) {
      const FgdCurvePoint p{next_pct++, pct(static_cast<double>(r.gpu_milli_allocated), capacity_d),
                            pct(cluster_frag(), capacity_d)};
      r.curve.push_back(p);
    }
  }
  return r;
}

std::vector<FgdRunResult> run_fgd_grid(const SharingTrace& trace, std::span<const TaskType> target_workload,
                                       std::span<const std::string> policies, std::span<const uint64_t> seeds,
                                       const FgdExperimentConfig& cfg,
                                       const std::function<void(std::size_t runs_done)>& on_run_done) {
  // Fail on a bad policy name before starting threads (exceptions must not leave a parallel region).
  for (const auto& p : policies) (void)make_sharing_placement(p, {});
  const std::size_t n = policies.size() * seeds.size();
  std::vector<FgdRunResult> out(n);
  std::vector<std::string> errors(n);
  std::size_t done = 0;  // runs finished, under the critical section below
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t k = 0; k < static_cast<std::ptrdiff_t>(n); ++k) {
    const auto i = static_cast<std::size_t>(k);
    try {
      out[i] = run_fgd_experiment(trace, target_workload, policies[i / seeds.size()], seeds[i % seeds.size()], cfg);
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
    if (on_run_done) {
#pragma omp critical(hetsim_fgd_grid_progress)
      on_run_done(++done);
    }
  }
  for (const auto& e : errors)
    if (!e.empty()) throw std::invalid_argument(e);
  return out;
}

std::string fgd_curve_csv(std::span<const FgdRunResult> runs) {
  std::string s = "policy,seed,arrived_pct,allocated_pct,fragmented_pct,unallocated_pct\n";
  for (const auto& r : runs)
    for (const auto& p : r.curve)
      s += fmt::format("{},{},{},{:.4f},{:.4f},{:.4f}\n", r.policy, r.seed, p.arrived_pct, p.allocated_pct,
                       p.fragmented_pct, 100.0 - p.allocated_pct);
  return s;
}

std::string fgd_runs_csv(std::span<const FgdRunResult> runs) {
  std::string s =
      "policy,seed,tasks_arrived,tasks_placed,gpu_tasks_arrived,gpu_tasks_placed,gpu_milli_arrived,"
      "gpu_milli_allocated\n";
  for (const auto& r : runs)
    s += fmt::format("{},{},{},{},{},{},{},{}\n", r.policy, r.seed, r.tasks_arrived, r.tasks_placed,
                     r.gpu_tasks_arrived, r.gpu_tasks_placed, r.gpu_milli_arrived, r.gpu_milli_allocated);
  return s;
}

std::vector<FgdPolicySummary> summarise_at(std::span<const FgdRunResult> runs, int arrived_pct) {
  std::vector<FgdPolicySummary> out;
  std::vector<std::vector<std::pair<double, double>>> values;
  for (const auto& r : runs) {
    std::size_t i = 0;
    while (i < out.size() && out[i].policy != r.policy) ++i;
    if (i == out.size()) out.push_back(FgdPolicySummary{r.policy}), values.emplace_back();
    for (const auto& p : r.curve)
      if (p.arrived_pct == arrived_pct) values[i].emplace_back(100.0 - p.allocated_pct, p.fragmented_pct);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& v = values[i];
    out[i].runs = static_cast<int>(v.size());
    if (v.empty()) continue;
    double su = 0, sf = 0;
    for (const auto& [u, f] : v) su += u, sf += f;
    const double n = static_cast<double>(v.size());
    out[i].unallocated_mean = su / n;
    out[i].fragmented_mean = sf / n;
    if (v.size() < 2) continue;
    double vu = 0, vf = 0;
    for (const auto& [u, f] : v)
      vu += (u - out[i].unallocated_mean) * (u - out[i].unallocated_mean),
          vf += (f - out[i].fragmented_mean) * (f - out[i].fragmented_mean);
    out[i].unallocated_sd = std::sqrt(vu / (n - 1));
    out[i].fragmented_sd = std::sqrt(vf / (n - 1));
  }
  return out;
}

std::string fgd_summary_csv(std::span<const FgdPolicySummary> rows, int arrived_pct) {
  std::string s =
      "policy,arrived_pct,runs,unallocated_pct_mean,unallocated_pct_sd,fragmented_pct_mean,fragmented_pct_sd\n";
  for (const auto& r : rows)
    s += fmt::format("{},{},{},{:.4f},{:.4f},{:.4f},{:.4f}\n", r.policy, arrived_pct, r.runs, r.unallocated_mean,
                     r.unallocated_sd, r.fragmented_mean, r.fragmented_sd);
  return s;
}

}  // namespace hetsim
