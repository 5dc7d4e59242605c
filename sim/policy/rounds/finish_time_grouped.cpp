#include "hetsim/policy/rounds/finish_time_grouped.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include "hetsim/policy/rounds/alike_jobs.hpp"
#include "hetsim/policy/rounds/finish_time_search.hpp"
#include "hetsim/policy/rounds/linear_program.hpp"

namespace hetsim {

namespace {

// The kinds of jobs (alike_jobs.hpp) with, per kind, its positive rates descending (the cones).
struct Kinds {
  std::vector<std::size_t> of;            // per job
  std::vector<std::size_t> first;         // per kind: its first job (rates, gang)
  std::vector<std::vector<double>> desc;  // per kind: its positive rates, descending
  std::vector<double> best;               // per kind: its best rate
};

Kinds kinds_of(const AllocationProblem& p) {
  AlikeJobs alike = alike_jobs(p);
  Kinds k{std::move(alike.of), std::move(alike.first), {}, {}};
  for (std::size_t j : k.first) {
    std::vector<double> d;
    for (std::size_t t = 0; t < p.types; ++t) {
      if (p.t(j, t) > 0) d.push_back(p.t(j, t));
    }
    std::sort(d.begin(), d.end(), std::greater<>());
    k.best.push_back(d.empty() ? 0.0 : d.front());
    k.desc.push_back(std::move(d));
  }
  return k;
}

// One group of the program: the members of one kind whose needs leave the same types fast enough.
struct Group {
  std::size_t kind = 0;
  std::size_t cone = 0;  // 0: no need; else the number of types fast enough (rate >= need)
  std::vector<std::size_t> members;
  double need = 0;       // sum of the members' needs (cone > 0)
  std::vector<int> col;  // per type: column or -1
};

// Splits the group's optimal sums Y (per type) among its members. With need, the types split into
// the fast ones F (rate >= every member's need) and the slow ones S; a member gets a_j of F's mix
// and b_j of S's, (a_j, b_j) in the triangle {a + b <= 1, a vF + b vS >= r_j, a, b >= 0}, whose
// vertices (1, 0), (r/vF, 0) and ((r - vS)/(vF - vS), (vF - r)/(vF - vS)) are linear in (1, r). The
// group's (A, B) lies in the triangle of (m, sum r); the same barycentric weights applied to each
// member's own vertices give members inside their triangles whose sums are (A, B).
void disaggregate(const AllocationProblem& p, const Kinds& kinds, const Group& g, const std::vector<double>& need,
                  const std::vector<double>& y, Allocation2D& out) {
  const std::size_t K = p.types;
  const double m = static_cast<double>(g.members.size());
  const std::size_t rep = kinds.first[g.kind];
  if (g.cone == 0) {
    for (std::size_t j : g.members) {
      for (std::size_t k = 0; k < K; ++k) out.x[j * K + k] = std::clamp(y[k] / m, 0.0, 1.0);
    }
    return;
  }
  const double threshold = kinds.desc[g.kind][g.cone - 1];
  double A = 0, B = 0, TA = 0, TB = 0;
  for (std::size_t k = 0; k < K; ++k) {
    const double t = p.t(rep, k);
    if (!(t > 0)) continue;
    if (t >= threshold) {
      A += y[k];
      TA += t * y[k];
    } else {
      B += y[k];
      TB += t * y[k];
    }
  }
  if (!(A > 0)) {  // only by the solver's tolerance (a need cannot be met on slow types alone)
    for (std::size_t j : g.members) {
      for (std::size_t k = 0; k < K; ++k) out.x[j * K + k] = std::clamp(y[k] / m, 0.0, 1.0);
    }
    return;
  }
  const double vF = TA / A;
  const double vS = B > 0 ? TB / B : 0.0;
  // The solver meets a need row only to its tolerance: with R above what (A, B) delivers, the point
  // would lie outside the group's triangle, and clamped weights would no longer sum to Y (by up to
  // the shortfall over vF - vS, large for nearly tied rates). So the members' needs are scaled to
  // what was delivered: a shortfall of the solver's tolerance, never cards beyond Y.
  const double R = std::min(g.need, TA + TB);
  const double shrink = g.need > 0 ? R / g.need : 1.0;
  // Barycentric weights of (A, B) on the group's vertices V1 = (m, 0), V2 = (R / vF, 0), V3.
  double mu3 = 0;
  if (B > 0 && vF > vS) {
    const double v3b = vF * m - R;  // V3's slow time, times (vF - vS)
    mu3 = v3b > 0 ? std::clamp(B * (vF - vS) / v3b, 0.0, 1.0) : 1.0;
  }
  const double v3a = vF > vS ? (R - vS * m) / (vF - vS) : R / vF;
  double mu1 = 0;
  const double span = m - R / vF;
  if (span > 1e-12 * m) mu1 = std::clamp((A - mu3 * v3a - (1 - mu3) * R / vF) / span, 0.0, 1.0 - mu3);
  const double mu2 = 1 - mu3 - mu1;
  for (std::size_t j : g.members) {
    const double r = need[j] * shrink;
    const double a = mu1 + mu2 * r / vF + (vF > vS ? mu3 * (r - vS) / (vF - vS) : 0.0);
    const double b = vF > vS ? mu3 * (vF - r) / (vF - vS) : 0.0;
    for (std::size_t k = 0; k < K; ++k) {
      const double t = p.t(rep, k);
      double v = 0;
      if (t >= threshold) {
        v = a * y[k] / A;
      } else if (t > 0 && B > 0) {
        v = b * y[k] / B;
      }
      out.x[j * K + k] = std::clamp(v, 0.0, 1.0);
    }
  }
}

class GroupedProgram {
 public:
  explicit GroupedProgram(const AllocationProblem& p) : p_(p), kinds_(kinds_of(p)) {}

  bool solve(const std::vector<double>& need, Allocation2D* out) {
    const std::size_t K = p_.types;
    // The groups, in the order of their first member (so the program is the same for the same input).
    std::vector<Group> groups;
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> index;
    for (std::size_t j = 0; j < p_.jobs; ++j) {
      const std::size_t kind = kinds_.of[j];
      const std::vector<double>& d = kinds_.desc[kind];
      std::size_t cone = 0;
      if (need[j] > 0) {
        if (kinds_.best[kind] < need[j]) return false;  // even the whole of its best type is too slow
        cone = static_cast<std::size_t>(
            std::partition_point(d.begin(), d.end(), [&](double t) { return t >= need[j]; }) - d.begin());
      }
      const auto [it, fresh] = index.try_emplace({kind, cone}, groups.size());
      if (fresh) {
        groups.push_back(Group{});
        groups.back().kind = kind;
        groups.back().cone = cone;
      }
      Group& g = groups[it->second];
      g.members.push_back(j);
      if (cone > 0) g.need += need[j];
    }
    if (out == nullptr) return verdict(groups);
    LinearProgram lp;
    build(groups, true, lp, nullptr);
    std::vector<double> sol;
    double obj = 0;
    ++solves_;
    ++out->lp_solves;
    const LinearProgram::Status st = lp.maximize(sol, obj);
    if (st == LinearProgram::Status::Failed) failed_ = true;
    if (st != LinearProgram::Status::Optimal) return false;
    out->x.assign(p_.jobs * K, 0.0);
    std::vector<double> y(K);
    for (const Group& g : groups) {
      const double m = static_cast<double>(g.members.size());
      for (std::size_t k = 0; k < K; ++k)
        y[k] = g.col[k] >= 0 ? std::clamp(sol[static_cast<std::size_t>(g.col[k])], 0.0, m) : 0.0;
      disaggregate(p_, kinds_, g, need, y, *out);
      // The split's sums are Y up to rounding; no type may get more than the program gave the group.
      for (std::size_t k = 0; k < K; ++k) {
        double sum = 0;
        for (std::size_t j : g.members) sum += out->x[j * K + k];
        if (sum > y[k] && sum > 0) {
          for (std::size_t j : g.members) out->x[j * K + k] *= y[k] / sum;
        }
      }
    }
    out->solved = true;
    return true;
  }
  int solves() const { return solves_; }
  // Whether a solve stopped at the iteration limit (or GLPK failed otherwise).
  bool failed() const { return failed_; }
  static constexpr int kIterationLimit = 100000;

 private:
  // The program of these groups; the rows of the groups' needs, in order, into need_rows.
  void build(std::vector<Group>& groups, bool with_objective, LinearProgram& lp, std::vector<int>* need_rows) {
    const std::size_t K = p_.types;
    // GLPK's primal simplex can cycle on nearly tied rates (1e-7 apart) in this small program, where
    // it returns on the per-job one: a bound far above any normal solve, then the per-job search.
    lp.set_iteration_limit(kIterationLimit);
    for (Group& g : groups) {
      const std::size_t rep = kinds_.first[g.kind];
      const double m = static_cast<double>(g.members.size());
      g.col.assign(K, -1);
      for (std::size_t k = 0; k < K; ++k) {
        const double t = p_.t(rep, k);
        if (t > 0) g.col[k] = lp.add_var(0, m, with_objective ? t / kinds_.best[g.kind] : 0.0);
      }
    }
    std::vector<std::pair<int, double>> terms;
    for (const Group& g : groups) {
      terms.clear();
      for (std::size_t k = 0; k < K; ++k) {
        if (g.col[k] >= 0) terms.emplace_back(g.col[k], 1.0);
      }
      if (!terms.empty()) lp.add_row(terms, -LinearProgram::kInf, static_cast<double>(g.members.size()));
    }
    for (std::size_t k = 0; k < K; ++k) {
      terms.clear();
      for (const Group& g : groups) {
        if (g.col[k] >= 0) terms.emplace_back(g.col[k], static_cast<double>(p_.scale[kinds_.first[g.kind]]));
      }
      if (!terms.empty()) lp.add_row(terms, -LinearProgram::kInf, p_.workers[k]);
    }
    for (const Group& g : groups) {
      if (g.cone == 0) continue;
      terms.clear();
      for (std::size_t k = 0; k < K; ++k) {
        if (g.col[k] >= 0) terms.emplace_back(g.col[k], p_.t(kinds_.first[g.kind], k));
      }
      if (need_rows != nullptr) need_rows->push_back(lp.rows());
      lp.add_row(terms, g.need, LinearProgram::kInf);
    }
  }

  // A step of the bisection: feasible or not. While the groups stay the same (kinds, cones and
  // members: the later steps, whose rho barely moves), only the needs' bounds change, and the
  // program kept in GLPK is solved again from its last basis (WarmSimplex).
  bool verdict(std::vector<Group>& groups) {
    key_now_.clear();
    for (const Group& g : groups) {
      key_now_.push_back(g.kind);
      key_now_.push_back(g.cone);
      key_now_.push_back(g.members.size());
    }
    ++solves_;
    if (warm_ == nullptr || key_now_ != key_) {
      LinearProgram lp;
      need_rows_.clear();
      build(groups, false, lp, &need_rows_);
      warm_ = std::make_unique<WarmSimplex>(lp);
      key_.swap(key_now_);
    } else {
      std::size_t r = 0;
      for (const Group& g : groups) {
        if (g.cone > 0) warm_->set_row_bounds(need_rows_[r++], g.need, LinearProgram::kInf);
      }
    }
    const LinearProgram::Status st = warm_->solve();
    if (st == LinearProgram::Status::Failed) failed_ = true;
    return st == LinearProgram::Status::Optimal;
  }

  const AllocationProblem& p_;
  Kinds kinds_;
  int solves_ = 0;
  bool failed_ = false;
  std::unique_ptr<WarmSimplex> warm_;       // the last verdict's program
  std::vector<std::size_t> key_, key_now_;  // its groups (kind, cone, members), and this step's
  std::vector<int> need_rows_;
};

}  // namespace

bool grouped_feasible(const AllocationProblem& p, const std::vector<double>& need, Allocation2D* out) {
  if (need.size() != p.jobs) throw std::invalid_argument("grouped_feasible: one need per job");
  GroupedProgram program(p);
  return program.solve(need, out);
}

Allocation2D finish_time_fairness_grouped(const AllocationProblem& p, const std::vector<double>& steps_remaining,
                                          const std::vector<double>& since_arrival_s,
                                          const std::vector<double>& isolated_finish_s) {
  const finish_time::Needs needs{p, steps_remaining, since_arrival_s, isolated_finish_s};
  GroupedProgram program(p);
  std::vector<double> need(p.jobs);
  // The steps decide feasibility only (no objective: the solver stops at the first feasible point);
  // the allocation comes from the program at the rho they settle on, with the rate objective.
  const double rho =
      finish_time::bisect_rho([&](double r) { return needs.at(r, need) && program.solve(need, nullptr); });
  Allocation2D best;
  // A failed solve (the iteration limit included) returns false; a failed verdict is remembered.
  if (!program.failed() && rho > 0 && needs.at(rho, need) && program.solve(need, &best)) {
    best.objective = rho;
    best.lp_solves = program.solves();
    return best;
  }
  // No rho was feasible, the program at the settled rho failed where its verdict had passed (the
  // solver's tolerance), or a solve hit the iteration limit: the per-job search answers, and the
  // fallback is counted.
  Allocation2D ref =
      finish_time_fairness(p, steps_remaining, since_arrival_s, isolated_finish_s, FinishTimeSearch::Reference);
  ref.lp_solves += program.solves();
  ref.warm_fell_back = rho > 0 || program.failed();
  return ref;
}

}  // namespace hetsim
