#include "hetsim/policy/rounds/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

#include "hetsim/policy/rounds/alike_jobs.hpp"
#include "hetsim/policy/rounds/finish_time_grouped.hpp"
#include "hetsim/policy/rounds/finish_time_search.hpp"
#include "hetsim/policy/rounds/linear_program.hpp"

namespace hetsim {

namespace {

void check(const AllocationProblem& p) {
  if (p.tput.size() != p.jobs * p.types || p.scale.size() != p.jobs || p.workers.size() != p.types) {
    throw std::invalid_argument("AllocationProblem: sizes do not match jobs x types");
  }
}

// Columns X[j][k] for the pairs with T > 0 (others are fixed at 0) and the base constraints.
// col[j * types + k] = column or -1.
std::vector<int> add_base(LinearProgram& lp, const AllocationProblem& p) {
  std::vector<int> col(p.jobs * p.types, -1);
  for (std::size_t j = 0; j < p.jobs; ++j) {
    for (std::size_t k = 0; k < p.types; ++k) {
      if (p.t(j, k) > 0) col[j * p.types + k] = lp.add_var(0, 1, 0);
    }
  }
  std::vector<std::pair<int, double>> terms;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    terms.clear();
    for (std::size_t k = 0; k < p.types; ++k) {
      if (col[j * p.types + k] >= 0) terms.emplace_back(col[j * p.types + k], 1.0);
    }
    if (!terms.empty()) lp.add_row(terms, -LinearProgram::kInf, 1.0);
  }
  for (std::size_t k = 0; k < p.types; ++k) {
    terms.clear();
    for (std::size_t j = 0; j < p.jobs; ++j) {
      if (col[j * p.types + k] >= 0) terms.emplace_back(col[j * p.types + k], static_cast<double>(p.scale[j]));
    }
    if (!terms.empty()) lp.add_row(terms, -LinearProgram::kInf, p.workers[k]);
  }
  return col;
}

void extract(const AllocationProblem& p, const std::vector<int>& col, const std::vector<double>& sol,
             Allocation2D& out) {
  out.x.assign(p.jobs * p.types, 0.0);
  for (std::size_t i = 0; i < col.size(); ++i) {
    if (col[i] >= 0) out.x[i] = std::clamp(sol[static_cast<std::size_t>(col[i])], 0.0, 1.0);
  }
  out.solved = true;
}

// Feasibility of sum_k T X >= need_j for every job (need_j <= 0: no constraint). Of the feasible
// allocations it returns one of the highest total rate, each job's rate counted as a share of its
// best type's: a vertex solver would otherwise return an arbitrary one, possibly with cards
// idle or jobs on their slow types although the bound allowed better.
bool feasible(const AllocationProblem& p, const std::vector<double>& need, Allocation2D& out) {
  LinearProgram lp;
  const std::vector<int> col = add_base(lp, p);
  for (std::size_t j = 0; j < p.jobs; ++j) {
    double best = 0;
    for (std::size_t k = 0; k < p.types; ++k) best = std::max(best, p.t(j, k));
    for (std::size_t k = 0; k < p.types; ++k) {
      if (col[j * p.types + k] >= 0) lp.set_objective(col[j * p.types + k], p.t(j, k) / best);
    }
  }
  std::vector<std::pair<int, double>> terms;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    if (!(need[j] > 0)) continue;
    terms.clear();
    double best = 0;
    for (std::size_t k = 0; k < p.types; ++k) {
      if (col[j * p.types + k] >= 0) {
        terms.emplace_back(col[j * p.types + k], p.t(j, k));
        best = std::max(best, p.t(j, k));
      }
    }
    if (best < need[j]) return false;  // even the whole of its best type is too slow
    lp.add_row(terms, need[j], LinearProgram::kInf);
  }
  std::vector<double> sol;
  double obj = 0;
  ++out.lp_solves;
  if (lp.maximize(sol, obj) != LinearProgram::Status::Optimal) return false;
  extract(p, col, sol, out);
  return true;
}

}  // namespace

std::vector<double> proportional_throughput(const AllocationProblem& p) {
  check(p);
  double total = 0;
  for (double n : p.workers) total += n;
  std::vector<double> out(p.jobs, 0.0);
  if (!(total > 0)) return out;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    for (std::size_t k = 0; k < p.types; ++k) out[j] += p.t(j, k) * p.workers[k] / total;
  }
  return out;
}

std::vector<double> isolated_throughput(const AllocationProblem& p) {
  check(p);
  std::vector<double> out(p.jobs, 0.0);
  if (p.jobs == 0) return out;
  const double m = static_cast<double>(p.jobs);
  for (std::size_t j = 0; j < p.jobs; ++j) {
    double row = 0;
    for (std::size_t k = 0; k < p.types; ++k) row += p.workers[k] / (m * p.scale[j]);
    const double scale_down = std::max(row, 1.0);
    for (std::size_t k = 0; k < p.types; ++k) out[j] += p.t(j, k) * p.workers[k] / (m * p.scale[j]) / scale_down;
  }
  return out;
}

Allocation2D max_min_fairness(const AllocationProblem& p, const std::vector<double>& weights) {
  check(p);
  if (weights.size() != p.jobs) throw std::invalid_argument("max_min_fairness: one weight per job");
  Allocation2D out;
  out.x.assign(p.jobs * p.types, 0.0);
  const std::vector<double> prop = proportional_throughput(p);
  // Jobs alike in rates, gang and weight are interchangeable: the program is symmetric in them, so
  // it has an optimum giving them one row, solved with one group of columns whose cards count
  // `members` times. On the city this shrinks 1,000 jobs to a few dozen groups.
  const AlikeJobs kinds = alike_jobs(p, &weights);
  std::vector<std::size_t> group(p.jobs, SIZE_MAX);
  std::vector<std::size_t> group_of_kind(kinds.first.size(), SIZE_MAX);
  AllocationProblem q;  // one row per group; scale = cards of all its members together
  q.types = p.types;
  q.workers = p.workers;
  std::vector<double> coef;  // per group: s / (w * proportional rate) of one member
  // A kind's members share their rates, so their proportional rate: a kind is in or out whole.
  for (std::size_t i = 0; i < kinds.first.size(); ++i) {
    const std::size_t j = kinds.first[i];
    if (!(prop[j] > 0)) continue;
    group_of_kind[i] = q.jobs++;
    q.tput.insert(q.tput.end(), p.tput.begin() + static_cast<std::ptrdiff_t>(j * p.types),
                  p.tput.begin() + static_cast<std::ptrdiff_t>((j + 1) * p.types));
    q.scale.push_back(0);
    coef.push_back(static_cast<double>(p.scale[j]) / (weights[j] * prop[j]));
  }
  for (std::size_t j = 0; j < p.jobs; ++j) {
    group[j] = group_of_kind[kinds.of[j]];
    if (group[j] != SIZE_MAX) q.scale[group[j]] += p.scale[j];
  }
  LinearProgram lp;
  const std::vector<int> col = add_base(lp, q);
  const int t = lp.add_var(0, LinearProgram::kInf, 1.0);
  std::vector<std::pair<int, double>> terms;
  for (std::size_t g = 0; g < q.jobs; ++g) {
    terms.clear();
    terms.emplace_back(t, 1.0);
    for (std::size_t k = 0; k < q.types; ++k) {
      if (col[g * q.types + k] >= 0) terms.emplace_back(col[g * q.types + k], -coef[g] * q.t(g, k));
    }
    lp.add_row(terms, -LinearProgram::kInf, 0.0);  // t <= normalised rate of each member
  }
  std::vector<double> sol;
  double obj = 0;
  out.lp_solves = 1;
  if (lp.maximize(sol, obj) != LinearProgram::Status::Optimal) return out;
  Allocation2D grouped;
  extract(q, col, sol, grouped);
  for (std::size_t j = 0; j < p.jobs; ++j) {
    if (group[j] == SIZE_MAX) continue;
    for (std::size_t k = 0; k < p.types; ++k) out.x[j * p.types + k] = grouped.x[group[j] * p.types + k];
  }
  out.solved = true;
  out.objective = obj;
  return out;
}

Allocation2D min_makespan(const AllocationProblem& p, const std::vector<double>& steps_remaining) {
  check(p);
  if (steps_remaining.size() != p.jobs) throw std::invalid_argument("min_makespan: one remaining count per job");
  Allocation2D best;
  best.x.assign(p.jobs * p.types, 0.0);
  std::vector<double> need(p.jobs);
  auto try_makespan = [&](double m, Allocation2D& into) {
    for (std::size_t j = 0; j < p.jobs; ++j) need[j] = steps_remaining[j] / m;
    return feasible(p, need, into);
  };
  double lo = 100, hi = 1e6;
  int solves = 0;
  // Gavel's search: bisect [lo, hi]; when nothing in it is feasible, move it up tenfold.
  for (int widen = 0; widen < 12 && !best.solved; ++widen) {
    while (1.05 * lo < hi) {
      const double mid = (lo + hi) / 2;
      Allocation2D cand;
      const bool ok = try_makespan(mid, cand);
      solves += cand.lp_solves;
      if (ok) {
        hi = mid;
        best = std::move(cand);
        best.objective = mid;
      } else {
        lo = mid;
      }
    }
    if (!best.solved) {
      Allocation2D cand;  // the top of the range itself
      const bool ok = try_makespan(hi, cand);
      solves += cand.lp_solves;
      if (ok) {
        best = std::move(cand);
        best.objective = hi;
      } else {
        lo = hi;
        hi *= 10;
      }
    }
  }
  best.lp_solves = solves;
  return best;
}

namespace {

// The finish-time bisection's verdicts: try_rho is the reference (a fresh program per rho, as the
// allocation itself is found); WarmVerdicts answers the same question from one program kept in
// GLPK, warm-started (WarmSimplex).
class WarmVerdicts {
 public:
  explicit WarmVerdicts(const AllocationProblem& p) : p_(p) {
    const std::vector<int> col = add_base(lp_, p);
    std::vector<std::pair<int, double>> terms;
    best_.assign(p.jobs, 0.0);
    for (std::size_t j = 0; j < p.jobs; ++j) {
      terms.clear();
      for (std::size_t k = 0; k < p.types; ++k) {
        if (col[j * p.types + k] >= 0) terms.emplace_back(col[j * p.types + k], p.t(j, k));
        best_[j] = std::max(best_[j], p.t(j, k));
      }
      row_.push_back(terms.empty() ? -1 : lp_.rows());
      if (!terms.empty()) lp_.add_row(terms, -LinearProgram::kInf, LinearProgram::kInf);
    }
    warm_ = std::make_unique<WarmSimplex>(lp_);
  }
  // feasible()'s verdict for these needs, solves counted in `solves`.
  bool feasible(const std::vector<double>& need, int& solves) {
    for (std::size_t j = 0; j < p_.jobs; ++j) {
      if (need[j] > 0 && best_[j] < need[j]) return false;  // as feasible(): its best type is too slow
    }
    for (std::size_t j = 0; j < p_.jobs; ++j) {
      if (row_[j] >= 0)
        warm_->set_row_bounds(row_[j], need[j] > 0 ? need[j] : -LinearProgram::kInf, LinearProgram::kInf);
    }
    ++solves;
    return warm_->solve() == LinearProgram::Status::Optimal;
  }

 private:
  const AllocationProblem& p_;
  LinearProgram lp_;
  std::unique_ptr<WarmSimplex> warm_;
  std::vector<int> row_;
  std::vector<double> best_;
};

}  // namespace

Allocation2D finish_time_fairness(const AllocationProblem& p, const std::vector<double>& steps_remaining,
                                  const std::vector<double>& since_arrival_s,
                                  const std::vector<double>& isolated_finish_s, FinishTimeSearch search) {
  check(p);
  if (steps_remaining.size() != p.jobs || since_arrival_s.size() != p.jobs || isolated_finish_s.size() != p.jobs) {
    throw std::invalid_argument("finish_time_fairness: one value per job in every vector");
  }
  if (search == FinishTimeSearch::Grouped) {
    return finish_time_fairness_grouped(p, steps_remaining, since_arrival_s, isolated_finish_s);
  }
  const finish_time::Needs needs{p, steps_remaining, since_arrival_s, isolated_finish_s};
  std::vector<double> need(p.jobs);
  int solves = 0;
  if (search == FinishTimeSearch::Warm) {
    // The steps' verdicts from the warm program; the allocation at the rho they settle on from a
    // fresh program, as the reference's last feasible step finds it. Should the fresh program
    // disagree (numerically borderline), or no rho be feasible, the reference search runs instead.
    WarmVerdicts warm(p);
    const double rho =
        finish_time::bisect_rho([&](double r) { return needs.at(r, need) && warm.feasible(need, solves); });
    if (rho > 0 && needs.at(rho, need)) {
      Allocation2D best;
      best.x.assign(p.jobs * p.types, 0.0);
      if (feasible(p, need, best)) {
        best.objective = rho;
        best.lp_solves += solves;
        return best;
      }
    }
  }
  // The reference: a fresh program at every step, the last feasible one's allocation kept.
  Allocation2D best;
  best.x.assign(p.jobs * p.types, 0.0);
  const bool fell_back = search == FinishTimeSearch::Warm;
  const double rho = finish_time::bisect_rho([&](double r) {
    if (!needs.at(r, need)) return false;
    Allocation2D cand;
    const bool ok = feasible(p, need, cand);
    solves += cand.lp_solves;
    if (ok) {
      best = std::move(cand);
      best.objective = r;
    }
    return ok;
  });
  if (rho == 0) {
    best = Allocation2D{};
    best.x.assign(p.jobs * p.types, 0.0);
  }
  best.lp_solves = solves;
  best.warm_fell_back = fell_back;
  return best;
}

}  // namespace hetsim
