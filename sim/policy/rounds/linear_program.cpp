#include "hetsim/policy/rounds/linear_program.hpp"

#include <glpk.h>

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

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
}  // namespace

const char* lp_status_name(LinearProgram::Status s) {
  switch (s) {
    case LinearProgram::Status::Optimal: return "optimal";
    case LinearProgram::Status::Infeasible: return "infeasible";
    case LinearProgram::Status::Unbounded: return "unbounded";
    case LinearProgram::Status::Failed: return "failed";
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
  return static_cast<int>(lo_.size()) - 1;
}

void LinearProgram::set_objective(int col, double obj) {
  if (col < 0 || col >= vars() || !std::isfinite(obj)) throw std::invalid_argument("LinearProgram::set_objective: bad column or value");
  obj_[static_cast<std::size_t>(col)] = obj;
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
}

void LinearProgram::clear() {
  lo_.clear(), hi_.clear(), obj_.clear();
  row_lo_.clear(), row_hi_.clear();
  start_.clear(), col_.clear(), coef_.clear();
}

LinearProgram::Status LinearProgram::maximize(std::vector<double>& x, double& objective) const {
  glp_term_out(GLP_OFF);  // GLPK's terminal output is per thread and on by default (its scaler talks)
  std::unique_ptr<glp_prob, ProbDeleter> p(glp_create_prob());
  glp_set_obj_dir(p.get(), GLP_MAX);
  const int n = vars(), m = rows();
  if (n == 0) {
    x.clear();
    objective = 0;
    return Status::Optimal;
  }
  glp_add_cols(p.get(), n);
  for (int c = 0; c < n; ++c) {
    const auto i = static_cast<std::size_t>(c);
    glp_set_col_bnds(p.get(), c + 1, bound_type(lo_[i], hi_[i]), finite_or_zero(lo_[i]), finite_or_zero(hi_[i]));
    glp_set_obj_coef(p.get(), c + 1, obj_[i]);
  }
  if (m > 0) {
    glp_add_rows(p.get(), m);
    // GLPK's arrays are 1-based: element 0 is ignored.
    std::vector<int> ia(1, 0), ja(1, 0);
    std::vector<double> ar(1, 0.0);
    ia.reserve(col_.size() + 1), ja.reserve(col_.size() + 1), ar.reserve(col_.size() + 1);
    for (int r = 0; r < m; ++r) {
      const auto i = static_cast<std::size_t>(r);
      glp_set_row_bnds(p.get(), r + 1, bound_type(row_lo_[i], row_hi_[i]), finite_or_zero(row_lo_[i]),
                       finite_or_zero(row_hi_[i]));
      for (int e = start_[i]; e < start_[i + 1]; ++e) {
        ia.push_back(r + 1);
        ja.push_back(col_[static_cast<std::size_t>(e)] + 1);
        ar.push_back(coef_[static_cast<std::size_t>(e)]);
      }
    }
    glp_load_matrix(p.get(), static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  }
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  // No presolver: GLPK's accepted programs that violated a row by 5e-4 (tests/policy/allocation_test.cpp,
  // finish-time fairness near its optimum); the plain simplex on a scaled program reports NOFEAS.
  parm.presolve = GLP_OFF;
  glp_scale_prob(p.get(), GLP_SF_AUTO);
  const int rc = glp_simplex(p.get(), &parm);
  if (rc == GLP_ENOPFS) return Status::Infeasible;
  if (rc == GLP_ENODFS) return Status::Unbounded;
  if (rc != 0) return Status::Failed;
  const int st = glp_get_status(p.get());
  if (st == GLP_NOFEAS) return Status::Infeasible;
  if (st == GLP_UNBND) return Status::Unbounded;
  if (st != GLP_OPT) return Status::Failed;
  x.resize(static_cast<std::size_t>(n));
  for (int c = 0; c < n; ++c) x[static_cast<std::size_t>(c)] = glp_get_col_prim(p.get(), c + 1);
  objective = glp_get_obj_val(p.get());
  return Status::Optimal;
}

}  // namespace hetsim
