#pragma once
// LinearProgram: a small builder over GLPK's simplex for the round-based allocation policies
// (Gavel, Sia; sim/policy/rounds). Rows and columns are added incrementally; solve() maximises.
// GLPK's primal simplex is deterministic: the same program gives the same vertex. With integer
// columns (add_int_var) maximize() runs GLPK's branch and bound after the relaxation, which is
// deterministic too (no time limit: a time limit would make the answer depend on the machine).
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

struct glp_prob;

namespace hetsim {

class LinearProgram {
 public:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  enum class Status : uint8_t { Optimal, Infeasible, Unbounded, Failed };

  // A column with bounds [lo, hi] (either may be infinite) and objective coefficient `obj`.
  int add_var(double lo, double hi, double obj);
  // An integer column (branch and bound; binary with lo = 0, hi = 1).
  int add_int_var(double lo, double hi, double obj);
  void set_objective(int col, double obj);
  // Branch and bound stops once the incumbent is within this relative gap of the bound (GLPK's
  // mip_gap; 0: proven optimal).
  void set_mip_gap(double gap) { mip_gap_ = gap; }
  // Branch and bound stops after this many subproblems (0: no limit) and keeps its best integer
  // solution: a bound in work, not time, so the answer does not depend on the machine.
  void set_mip_node_limit(uint64_t nodes) { mip_node_limit_ = nodes; }
  // An integer-feasible solution (one value per column) branch and bound starts from as its
  // incumbent, so a node limit always has an answer at least this good; empty: none.
  void set_mip_start(std::vector<double> x) { mip_start_ = std::move(x); }
  // Subproblems the last branch and bound (maximize() or maximize_from_kept()) explored, and whether
  // it stopped at the node limit.
  uint64_t mip_nodes() const { return mip_nodes_; }
  bool mip_stopped() const { return mip_stopped_; }
  // The simplex stops after this many iterations and reports Failed (0: no limit): a guard
  // against GLPK cycling on nearly degenerate programs, for callers that have a fallback.
  void set_iteration_limit(int iterations) { it_lim_ = iterations; }
  int iteration_limit() const { return it_lim_; }
  // A row lo <= sum(coef * x[col]) <= hi; terms with coefficient 0 are dropped.
  void add_row(std::span<const std::pair<int, double>> terms, double lo, double hi);
  int vars() const { return static_cast<int>(lo_.size()); }
  int rows() const { return static_cast<int>(row_lo_.size()); }

  // Maximises; on Optimal fills x (one value per column) and objective.
  Status maximize(std::vector<double>& x, double& objective) const { return solve(x, objective, false); }
  // The same with every integer column relaxed to a continuous one.
  Status maximize_relaxation(std::vector<double>& x, double& objective) const { return solve(x, objective, true); }
  // The relaxation as maximize_relaxation() gives it, with GLPK's solved problem kept, so that
  // maximize_from_kept() then runs branch and bound from it: the answers of maximize_relaxation()
  // followed by maximize() (whose first step is that same relaxation, solved the same way), with the
  // relaxation solved once. Any change to the program drops what is kept; so does
  // maximize_from_kept(), which uses it up. Because it may hold GLPK's problem, a LinearProgram is
  // move-only and must be solved and destroyed on one thread (GLPK's memory accounting is per thread).
  Status maximize_relaxation_kept(std::vector<double>& x, double& objective);
  Status maximize_from_kept(std::vector<double>& x, double& objective);
  void clear();

 private:
  friend class WarmSimplex;
  Status solve(std::vector<double>& x, double& objective, bool relax) const;
  Status relax_into(glp_prob* p, std::vector<double>& x, double& objective) const;
  struct GlpkDeleter {
    void operator()(glp_prob* p) const;
  };
  // The relaxation in a fresh GLPK problem, left in p (none for an empty program).
  Status relax_fresh(std::unique_ptr<glp_prob, GlpkDeleter>& p, std::vector<double>& x, double& objective) const;
  Status branch(glp_prob* p, std::vector<double>& x, double& objective) const;
  void load(glp_prob* p) const;                  // columns, rows and matrix into an empty GLPK problem
  std::unique_ptr<glp_prob, GlpkDeleter> kept_;  // see maximize_relaxation_kept()
  std::vector<double> lo_, hi_, obj_;
  std::vector<int> integer_;  // integer columns
  double mip_gap_ = 0;
  int it_lim_ = 0;
  uint64_t mip_node_limit_ = 0;
  std::vector<double> mip_start_;
  mutable uint64_t mip_nodes_ = 0;
  mutable bool mip_stopped_ = false;
  std::vector<double> row_lo_, row_hi_;
  std::vector<int> start_;  // row r's terms are entries [start_[r], start_[r+1])
  std::vector<int> col_;
  std::vector<double> coef_;
};

// WarmSimplex: one program kept in GLPK between solves and solved again after its row bounds
// change, from the last basis by the dual simplex: a few pivots where a fresh solve needs
// thousands, when the bounds move a little (a bisection over a parameter). Where the optimum is not
// unique it may end on another vertex than a fresh solve of the same program would, so it answers
// "feasible or not"; a caller that acts on the solution solves that program afresh
// (allocation.cpp, finish-time fairness). Deterministic: the same sequence of calls gives the same
// answers.
class WarmSimplex {
 public:
  // Takes lp's iteration limit for every solve.
  explicit WarmSimplex(const LinearProgram& lp);
  ~WarmSimplex();
  WarmSimplex(const WarmSimplex&) = delete;
  WarmSimplex& operator=(const WarmSimplex&) = delete;
  // Bounds of row `row` (as added), either may be infinite.
  void set_row_bounds(int row, double lo, double hi);
  LinearProgram::Status solve();

 private:
  glp_prob* p_ = nullptr;
  int it_lim_ = 0;
};

const char* lp_status_name(LinearProgram::Status s);

}  // namespace hetsim
