#include "hetsim/policy/rounds/linear_program.hpp"

#include <glpk.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <memory>
#include <stdexcept>

namespace hetsim {

namespace {
int bound_type(double lo, double hi) {
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi) return lo == hi ? GLP_FX : GLP_DB;
  if (has_lo) return GLP_LO;
  if (has_hi) return GLP_UP;
  return GLP_FR;
}
double finite_or_zero(double v) { return std::isfinite(v) ? v : 0.0; }

// Counts branch-and-bound subproblems and stops the search at the limit.
// Also hands GLPK the caller's starting solution at its first chance to take a heuristic one.
struct NodeBudget {
  uint64_t limit = 0;
  uint64_t nodes = 0;
  bool stopped = false;
  const std::vector<double>* start = nullptr;
  bool start_given = false;
};
void count_nodes(glp_tree* tree, void* info) {
  auto* b = static_cast<NodeBudget*>(info);
  if (glp_ios_reason(tree) == GLP_IHEUR && b->start != nullptr && !b->start_given) {
    b->start_given = true;
    std::vector<double> one_based(b->start->size() + 1, 0.0);
    std::copy(b->start->begin(), b->start->end(), one_based.begin() + 1);
    glp_ios_heur_sol(tree, one_based.data());
    return;
  }
  if (glp_ios_reason(tree) != GLP_ISELECT) return;
  ++b->nodes;
  // Stop only with an incumbent to return (the gap is DBL_MAX until one is found).
  if (b->limit > 0 && b->nodes > b->limit && glp_ios_mip_gap(tree) < DBL_MAX) {
    b->stopped = true;
    glp_ios_terminate(tree);
  }
}

}  // namespace

const char* lp_status_name(LinearProgram::Status s) {
  switch (s) {
    case LinearProgram::Status::Optimal:
      return "optimal";
    case LinearProgram::Status::Infeasible:
      return "infeasible";
    case LinearProgram::Status::Unbounded:
      return "unbounded";
    case LinearProgram::Status::Failed:
      return "failed";
  }
  return "?";
}

int LinearProgram::add_var(double lo, double hi, double obj) {
  if (std::isnan(lo) || std::isnan(hi) || !std::isfinite(obj) || lo > hi) {
    throw std::invalid_argument("LinearProgram::add_var: bad bounds or objective");
  }
  lo_.push_back(lo);
  hi_.push_back(hi);
  obj_.push_back(obj);
  kept_.reset();
  return static_cast<int>(lo_.size()) - 1;
}

int LinearProgram::add_int_var(double lo, double hi, double obj) {
  const int c = add_var(lo, hi, obj);
  integer_.push_back(c);
  return c;
}

void LinearProgram::set_objective(int col, double obj) {
  if (col < 0 || col >= vars() || !std::isfinite(obj))
    throw std::invalid_argument("LinearProgram::set_objective: bad column or value");
  obj_[static_cast<std::size_t>(col)] = obj;
  kept_.reset();
}

void LinearProgram::add_row(std::span<const std::pair<int, double>> terms, double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi) throw std::invalid_argument("LinearProgram::add_row: bad bounds");
  if (start_.empty()) start_.push_back(0);
  for (const auto& [c, v] : terms) {
    if (c < 0 || c >= vars() || !std::isfinite(v)) throw std::invalid_argument("LinearProgram::add_row: bad term");
    if (v == 0) continue;
    col_.push_back(c);
    coef_.push_back(v);
  }
  start_.push_back(static_cast<int>(col_.size()));
  row_lo_.push_back(lo);
  row_hi_.push_back(hi);
  kept_.reset();
}

void LinearProgram::clear() {
  kept_.reset();
  lo_.clear(), hi_.clear(), obj_.clear(), integer_.clear(), mip_start_.clear();
  row_lo_.clear(), row_hi_.clear();
  start_.clear(), col_.clear(), coef_.clear();
}

void LinearProgram::load(glp_prob* p) const {
  glp_set_obj_dir(p, GLP_MAX);
  const int n = vars(), m = rows();
  if (n > 0) glp_add_cols(p, n);  // GLPK aborts the process on zero
  for (int c = 0; c < n; ++c) {
    const auto i = static_cast<std::size_t>(c);
    glp_set_col_bnds(p, c + 1, bound_type(lo_[i], hi_[i]), finite_or_zero(lo_[i]), finite_or_zero(hi_[i]));
    glp_set_obj_coef(p, c + 1, obj_[i]);
  }
  if (m > 0) {
    glp_add_rows(p, m);
    // GLPK's arrays are 1-based: element 0 is ignored.
    std::vector<int> ia(1, 0), ja(1, 0);
    std::vector<double> ar(1, 0.0);
    ia.reserve(col_.size() + 1), ja.reserve(col_.size() + 1), ar.reserve(col_.size() + 1);
    for (int r = 0; r < m; ++r) {
      const auto i = static_cast<std::size_t>(r);
      glp_set_row_bnds(p, r + 1, bound_type(row_lo_[i], row_hi_[i]), finite_or_zero(row_lo_[i]),
                       finite_or_zero(row_hi_[i]));
      for (int e = start_[i]; e < start_[i + 1]; ++e) {
        ia.push_back(r + 1);
        ja.push_back(col_[static_cast<std::size_t>(e)] + 1);
        ar.push_back(coef_[static_cast<std::size_t>(e)]);
      }
    }
    glp_load_matrix(p, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }
}

namespace {
// What glp_simplex's return code `rc` and the problem's status say.
LinearProgram::Status simplex_status(glp_prob* p, int rc) {
  if (rc == GLP_ENOPFS) return LinearProgram::Status::Infeasible;
  if (rc == GLP_ENODFS) return LinearProgram::Status::Unbounded;
  if (rc != 0) return LinearProgram::Status::Failed;
  const int st = glp_get_status(p);
  if (st == GLP_NOFEAS) return LinearProgram::Status::Infeasible;
  if (st == GLP_UNBND) return LinearProgram::Status::Unbounded;
  if (st != GLP_OPT) return LinearProgram::Status::Failed;
  return LinearProgram::Status::Optimal;
}

// The solved relaxation's point and objective.
void read_relaxation(glp_prob* p, int n, std::vector<double>& x, double& objective) {
  x.resize(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) x[static_cast<std::size_t>(c)] = glp_get_col_prim(p, c + 1);
  objective = glp_get_obj_val(p);
}

// The simplex on a loaded program, as every solve runs it.
LinearProgram::Status run_simplex(glp_prob* p, int it_lim) {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  // No presolver: GLPK's accepted programs that violated a row by 5e-4 (tests/policy/allocation_test.cpp,
  // finish-time fairness near its optimum); the plain simplex on a scaled program reports NOFEAS.
  parm.presolve = GLP_OFF;
  if (it_lim > 0) parm.it_lim = it_lim;
  glp_scale_prob(p, GLP_SF_AUTO);
  return simplex_status(p, glp_simplex(p, &parm));
}
}  // namespace

void LinearProgram::GlpkDeleter::operator()(glp_prob* p) const { glp_delete_prob(p); }

LinearProgram::Status LinearProgram::relax_into(glp_prob* p, std::vector<double>& x, double& objective) const {
  load(p);
  const Status status = run_simplex(p, it_lim_);
  if (status != Status::Optimal) return status;
  read_relaxation(p, vars(), x, objective);
  return Status::Optimal;
}

LinearProgram::Status LinearProgram::branch(glp_prob* p, std::vector<double>& x, double& objective) const {
  const int n = vars();
  x.resize(static_cast<std::size_t>(n));
  for (int c : integer_) glp_set_col_kind(p, c + 1, GLP_IV);
  glp_iocp iparm;
  glp_init_iocp(&iparm);
  iparm.msg_lev = GLP_MSG_OFF;
  iparm.mip_gap = mip_gap_;
  // Branch on the most fractional column: GLPK's default (Driebeck-Tomlin) evaluates a simplex
  // tableau row per candidate at every node, which dominated the Sia program's profile.
  iparm.br_tech = GLP_BR_MFV;
  NodeBudget budget{mip_node_limit_, 0, false, mip_start_.size() == static_cast<std::size_t>(n) ? &mip_start_ : nullptr,
                    false};
  iparm.cb_func = count_nodes;
  iparm.cb_info = &budget;
  const int irc = glp_intopt(p, &iparm);
  // The selection that hit the limit stopped the search before its subproblem was explored.
  mip_nodes_ = budget.stopped ? budget.nodes - 1 : budget.nodes;
  mip_stopped_ = budget.stopped;
  if (irc != 0 && irc != GLP_EMIPGAP && irc != GLP_ESTOP) return Status::Failed;
  const int ist = glp_mip_status(p);
  if (ist == GLP_NOFEAS) return Status::Infeasible;
  if (ist != GLP_OPT && ist != GLP_FEAS) return Status::Failed;
  for (int c = 0; c < n; ++c) x[static_cast<std::size_t>(c)] = glp_mip_col_val(p, c + 1);
  objective = glp_mip_obj_val(p);
  return Status::Optimal;
}

LinearProgram::Status LinearProgram::relax_fresh(std::unique_ptr<glp_prob, GlpkDeleter>& p, std::vector<double>& x,
                                                 double& objective) const {
  glp_term_out(GLP_OFF);  // GLPK's terminal output is per thread and on by default (its scaler talks)
  p.reset();
  if (vars() == 0) {  // no problem to keep: GLPK aborts the process on an empty column set
    x.clear();
    objective = 0;
    return Status::Optimal;
  }
  p.reset(glp_create_prob());
  return relax_into(p.get(), x, objective);
}

LinearProgram::Status LinearProgram::solve(std::vector<double>& x, double& objective, bool relax) const {
  std::unique_ptr<glp_prob, GlpkDeleter> p;
  const Status status = relax_fresh(p, x, objective);
  if (status != Status::Optimal || p == nullptr || relax || integer_.empty()) return status;
  return branch(p.get(), x, objective);
}

LinearProgram::Status LinearProgram::maximize_relaxation_kept(std::vector<double>& x, double& objective) {
  kept_.reset();
  std::unique_ptr<glp_prob, GlpkDeleter> p;
  const Status status = relax_fresh(p, x, objective);
  if (status == Status::Optimal) kept_ = std::move(p);
  return status;
}

LinearProgram::Status LinearProgram::maximize_from_kept(std::vector<double>& x, double& objective) {
  if (kept_ == nullptr) {
    if (vars() == 0) return maximize(x, objective);
    throw std::logic_error("LinearProgram::maximize_from_kept: no relaxation kept");
  }
  std::unique_ptr<glp_prob, GlpkDeleter> p = std::move(kept_);
  if (integer_.empty()) {  // nothing to branch on: the relaxation is the answer
    read_relaxation(p.get(), vars(), x, objective);
    return Status::Optimal;
  }
  return branch(p.get(), x, objective);
}

WarmSimplex::WarmSimplex(const LinearProgram& lp) {
  glp_term_out(GLP_OFF);
  p_ = glp_create_prob();
  it_lim_ = lp.iteration_limit();
  lp.load(p_);
  glp_scale_prob(p_, GLP_SF_AUTO);
}

WarmSimplex::~WarmSimplex() { glp_delete_prob(p_); }

void WarmSimplex::set_row_bounds(int row, double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    throw std::invalid_argument("WarmSimplex::set_row_bounds: bad bounds");
  glp_set_row_bnds(p_, row + 1, bound_type(lo, hi), finite_or_zero(lo), finite_or_zero(hi));
}

LinearProgram::Status WarmSimplex::solve() {
  if (glp_get_num_cols(p_) == 0) return LinearProgram::Status::Optimal;
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  // From the last basis: after row bounds move it stays dual feasible (the objective is the same),
  // so the dual simplex repairs only the rows now violated.
  parm.meth = GLP_DUALP;
  if (it_lim_ > 0) parm.it_lim = it_lim_;
  return simplex_status(p_, glp_simplex(p_, &parm));
}

}  // namespace hetsim
