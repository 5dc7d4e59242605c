#include "hetsim/policy/rounds/sia_program.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "hetsim/policy/rounds/linear_program.hpp"

namespace hetsim {

std::vector<double> sia_normalized_goodputs(const SiaJobInput& job) {
  std::vector<double> g(job.configs.size(), 0.0);
  double min_goodput = std::numeric_limits<double>::infinity();
  uint32_t min_cards = 1;
  for (const SiaConfig& c : job.configs) {
    // Ties go to the smaller gang so the normalisation does not depend on the listing order.
    if (c.goodput < min_goodput || (c.goodput == min_goodput && c.cards < min_cards)) {
      min_goodput = c.goodput;
      min_cards = c.cards;
    }
  }
  if (!(min_goodput > 0) || !std::isfinite(min_goodput)) return g;
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = job.configs[i].goodput / min_goodput * min_cards;
  return g;
}

double sia_column_gain(const SiaJobInput& job, std::size_t config, double normalized, const SiaProgramOptions& o) {
  const double scaled = static_cast<int>(config) == job.current ? normalized : normalized * job.realloc_factor;
  const double a = std::min(std::pow(scaled, o.p), o.clip);
  // Maximised form of both signs of p: minimising sum (A - lambda) x is maximising (lambda - A) x.
  return job.weight * (o.p < 0 ? o.lambda - a : a + o.lambda);
}

void check_sia_options(const SiaProgramOptions& o) {
  if (o.p == 0 || !std::isfinite(o.p)) throw std::invalid_argument("Sia program: p must be non-zero");
  if (!(o.lambda > 0)) throw std::invalid_argument("Sia program: lambda must be > 0");
}

double sia_round_relaxation(std::span<const SiaJobInput> jobs, std::span<const double> capacity,
                            const SiaColumns& columns, std::span<const double> x, std::vector<double>& start) {
  const std::vector<std::vector<int>>& cols = columns.cols;
  const std::vector<double>& gains = columns.gains;
  start.assign(x.size(), 0.0);
  std::vector<double> left(capacity.begin(), capacity.end());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    bool whole = false;
    for (std::size_t c = 0; c < cols[j].size() && !whole; ++c) {
      const int col = cols[j][c];
      if (col >= 0 && x[static_cast<std::size_t>(col)] > 1 - 1e-9) {
        start[static_cast<std::size_t>(col)] = 1;
        left[jobs[j].configs[c].type] -= jobs[j].configs[c].cards;
        whole = true;
      }
    }
  }
  // Then every job without cards (the split ones and those the relaxation left out), in order of
  // their best gain, each on its best configuration that still fits; then each job moves to a
  // better configuration where the cards left allow it.
  std::vector<int> pick(jobs.size(), -1);
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    for (std::size_t c = 0; c < cols[j].size(); ++c) {
      if (cols[j][c] >= 0 && start[static_cast<std::size_t>(cols[j][c])] > 0) pick[j] = static_cast<int>(c);
    }
  }
  struct Candidate {
    double gain;
    std::size_t job, config;
  };
  // A candidate no better than what its job holds now is always passed over (a job's gain only
  // grows below), so it is left out before the sort: the same order of the others, a shorter sort.
  std::vector<Candidate> candidates;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const double held = pick[j] < 0 ? 0.0 : gains[static_cast<std::size_t>(cols[j][static_cast<std::size_t>(pick[j])])];
    for (std::size_t c = 0; c < cols[j].size(); ++c) {
      if (cols[j][c] < 0) continue;
      const double gain = gains[static_cast<std::size_t>(cols[j][c])];
      if (gain > 0 && gain > held) candidates.push_back({gain, j, c});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.gain > b.gain; });
  for (const Candidate& cand : candidates) {
    const SiaConfig& cfg = jobs[cand.job].configs[cand.config];
    const int now = pick[cand.job];
    const double now_gain =
        now < 0 ? 0.0 : gains[static_cast<std::size_t>(cols[cand.job][static_cast<std::size_t>(now)])];
    if (cand.gain <= now_gain) continue;
    const double freed = now >= 0 && jobs[cand.job].configs[static_cast<std::size_t>(now)].type == cfg.type
                             ? jobs[cand.job].configs[static_cast<std::size_t>(now)].cards
                             : 0.0;
    if (cfg.cards > left[cfg.type] + freed + 1e-9) continue;
    if (now >= 0) {
      const SiaConfig& old = jobs[cand.job].configs[static_cast<std::size_t>(now)];
      left[old.type] += old.cards;
      start[static_cast<std::size_t>(cols[cand.job][static_cast<std::size_t>(now)])] = 0;
    }
    left[cfg.type] -= cfg.cards;
    start[static_cast<std::size_t>(cols[cand.job][cand.config])] = 1;
    pick[cand.job] = static_cast<int>(cand.config);
  }
  double rounded = 0;
  for (std::size_t c = 0; c < start.size(); ++c) rounded += start[c] * gains[c];
  return rounded;
}

std::vector<int> sia_choices(const SiaColumns& columns, std::span<const double> x) {
  std::vector<int> choice(columns.cols.size(), -1);
  for (std::size_t j = 0; j < columns.cols.size(); ++j) {
    for (std::size_t c = 0; c < columns.cols[j].size(); ++c) {
      const int col = columns.cols[j][c];
      if (col >= 0 && x[static_cast<std::size_t>(col)] > 0.5) {
        choice[j] = static_cast<int>(c);
        break;
      }
    }
  }
  return choice;
}

SiaSolution solve_sia_program(std::span<const SiaJobInput> jobs, std::span<const double> capacity,
                              const SiaProgramOptions& o) {
  check_sia_options(o);
  SiaSolution out;
  out.choice.assign(jobs.size(), -1);
  LinearProgram lp;
  lp.set_mip_gap(o.mip_gap);
  lp.set_mip_node_limit(o.mip_nodes);
  SiaColumns columns;
  std::vector<std::vector<int>>& cols = columns.cols;
  std::vector<double>& gains = columns.gains;  // per column
  cols.resize(jobs.size());
  std::vector<std::vector<std::pair<int, double>>> per_type(capacity.size());
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const SiaJobInput& job = jobs[j];
    const std::vector<double> g = sia_normalized_goodputs(job);
    std::vector<std::pair<int, double>> one;
    for (std::size_t c = 0; c < job.configs.size(); ++c) {
      const SiaConfig& cfg = job.configs[c];
      if (!(g[c] > 0) || cfg.type >= capacity.size() || cfg.cards > capacity[cfg.type]) {
        cols[j].push_back(-1);
        continue;
      }
      const double gain = sia_column_gain(job, c, g[c], o);
      const int col = lp.add_int_var(0, 1, gain);
      gains.push_back(gain);
      cols[j].push_back(col);
      one.emplace_back(col, 1.0);
      per_type[cfg.type].emplace_back(col, static_cast<double>(cfg.cards));
    }
    if (!one.empty()) lp.add_row(one, -LinearProgram::kInf, 1);
  }
  for (std::size_t k = 0; k < capacity.size(); ++k) {
    if (!per_type[k].empty()) lp.add_row(per_type[k], -LinearProgram::kInf, capacity[k]);
  }
  std::vector<double> x;
  double objective = 0;
  // The relaxation first: a vertex has at most as many fractional jobs as chip types (the only coupling
  // rows), so it is nearly integral; when it is integral it is the optimum.
  // Kept in GLPK: branch and bound continues from this very relaxation rather than solving it again.
  if (lp.maximize_relaxation_kept(x, objective) != LinearProgram::Status::Optimal) {
    for (std::size_t j = 0; j < jobs.size(); ++j) out.choice[j] = jobs[j].current;
    return out;
  }
  out.bound = objective;
  const bool integral = std::all_of(x.begin(), x.end(), [](double v) { return v < 1e-9 || v > 1 - 1e-9; });
  if (!integral) {
    // Rounded start for branch and bound: the whole jobs of the relaxation, then the split ones,
    // each on its best configuration that still fits. Feasible, so the node limit always has it.
    std::vector<double> start;
    const double rounded = sia_round_relaxation(jobs, capacity, columns, x, start);
    // Within the gap already (the relaxation bounds the optimum): no search needed.
    if (objective - rounded <= o.mip_gap * std::max(std::abs(rounded), 1e-9)) {
      x = std::move(start);
      objective = rounded;
    } else {
      lp.set_mip_start(start);
      const LinearProgram::Status status = lp.maximize_from_kept(x, objective);
      out.nodes = lp.mip_nodes();
      out.node_limited = lp.mip_stopped();
      if (status != LinearProgram::Status::Optimal) {  // the rounded start is feasible: keep it
        x = std::move(start);
        objective = rounded;
      }
    }
  }
  out.solved = true;
  out.objective = objective;
  out.choice = sia_choices(columns, x);
  return out;
}

}  // namespace hetsim
