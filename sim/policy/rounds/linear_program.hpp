#pragma once
// LinearProgram: a small builder over GLPK's simplex for the round-based allocation policies
// (Gavel, sim/policy/rounds). Rows and columns are added incrementally; solve() maximises.
// GLPK's primal simplex is deterministic: the same program gives the same vertex.
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace hetsim {

class LinearProgram {
 public:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  enum class Status : uint8_t { Optimal, Infeasible, Unbounded, Failed };

  // A column with bounds [lo, hi] (either may be infinite) and objective coefficient `obj`.
  int add_var(double lo, double hi, double obj);
  void set_objective(int col, double obj);
  // A row lo <= sum(coef * x[col]) <= hi; terms with coefficient 0 are dropped.
  void add_row(std::span<const std::pair<int, double>> terms, double lo, double hi);
  int vars() const { return static_cast<int>(lo_.size()); }
  int rows() const { return static_cast<int>(row_lo_.size()); }

  // Maximises; on Optimal fills x (one value per column) and objective.
  Status maximize(std::vector<double>& x, double& objective) const;
  void clear();

 private:
  std::vector<double> lo_, hi_, obj_;
  std::vector<double> row_lo_, row_hi_;
  std::vector<int> start_;  // row r's terms are entries [start_[r], start_[r+1])
  std::vector<int> col_;
  std::vector<double> coef_;
};

const char* lp_status_name(LinearProgram::Status s);

}  // namespace hetsim
