// The relaxation kept in GLPK for branch and bound (LinearProgram::maximize_relaxation_kept, then
// maximize_from_kept): the very answers of maximize_relaxation() followed by maximize(), which
// solves that relaxation a second time, on programs shaped like Sia's (one choice per job, cards
// per chip type), with and without a starting solution and with node limits that stop the search.
#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "hetsim/policy/rounds/linear_program.hpp"

using namespace hetsim;

namespace {

// Jobs choose at most one of a few (type, cards) columns; each type has a card budget.
LinearProgram sia_like(std::mt19937_64& rng, int jobs, int types) {
  LinearProgram lp;
  std::uniform_real_distribution<double> gain(0.05, 1.2);
  std::vector<std::vector<std::pair<int, double>>> per_type(static_cast<std::size_t>(types));
  for (int j = 0; j < jobs; ++j) {
    std::vector<std::pair<int, double>> one;
    const int configs = 1 + static_cast<int>(rng() % 4);
    for (int c = 0; c < configs; ++c) {
      const int col = lp.add_int_var(0, 1, gain(rng));
      one.emplace_back(col, 1.0);
      per_type[rng() % static_cast<std::size_t>(types)].emplace_back(col, static_cast<double>(1u << (rng() % 4)));
    }
    lp.add_row(one, -LinearProgram::kInf, 1);
  }
  for (const auto& row : per_type) {
    if (!row.empty()) lp.add_row(row, -LinearProgram::kInf, static_cast<double>(3 + rng() % 20));
  }
  return lp;
}

// A starting solution for branch and bound: nothing chosen, feasible for every such program.
std::vector<double> zeros(const LinearProgram& lp) {
  return std::vector<double>(static_cast<std::size_t>(lp.vars()), 0.0);
}

}  // namespace

TEST(LinearProgramKept, BranchAndBoundFromTheKeptRelaxationAnswersAsTwoFreshSolves) {
  std::mt19937_64 rng(7);
  int fractional = 0, stopped = 0, searched = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const int jobs = 5 + static_cast<int>(rng() % 60);
    LinearProgram lp = sia_like(rng, jobs, 1 + static_cast<int>(rng() % 4));
    lp.set_mip_node_limit(trial % 3 == 0 ? 3 : (trial % 3 == 1 ? 50 : 0));
    std::vector<double> x_fresh, x_relax, x_kept, x_kept_relax;
    double obj_fresh = 0, obj_relax = 0, obj_kept = 0, obj_kept_relax = 0;

    ASSERT_EQ(lp.maximize_relaxation(x_relax, obj_relax), LinearProgram::Status::Optimal);
    if (trial % 2 == 0) lp.set_mip_start(zeros(lp));
    ASSERT_EQ(lp.maximize(x_fresh, obj_fresh), LinearProgram::Status::Optimal);
    const uint64_t nodes_fresh = lp.mip_nodes();
    const bool stopped_fresh = lp.mip_stopped();

    ASSERT_EQ(lp.maximize_relaxation_kept(x_kept_relax, obj_kept_relax), LinearProgram::Status::Optimal);
    EXPECT_EQ(x_kept_relax, x_relax) << "trial " << trial;  // bit for bit: the same simplex run
    EXPECT_EQ(obj_kept_relax, obj_relax);
    ASSERT_EQ(lp.maximize_from_kept(x_kept, obj_kept), LinearProgram::Status::Optimal);
    EXPECT_EQ(x_kept, x_fresh) << "trial " << trial;
    EXPECT_EQ(obj_kept, obj_fresh) << "trial " << trial;
    EXPECT_EQ(lp.mip_nodes(), nodes_fresh) << "trial " << trial;
    EXPECT_EQ(lp.mip_stopped(), stopped_fresh) << "trial " << trial;

    for (double v : x_relax) {
      if (v > 1e-9 && v < 1 - 1e-9) {
        ++fractional;
        break;
      }
    }
    if (nodes_fresh > 1) ++searched;
    if (stopped_fresh) ++stopped;
  }
  // The cases that matter occurred: fractional relaxations, real searches, searches cut short.
  EXPECT_GT(fractional, 40);
  EXPECT_GT(searched, 10);
  EXPECT_GT(stopped, 3);
}

TEST(LinearProgramKept, WhatIsKeptIsUsedOnceAndDroppedByAnyChange) {
  std::mt19937_64 rng(3);
  LinearProgram lp = sia_like(rng, 10, 2);
  std::vector<double> x;
  double obj = 0;
  EXPECT_THROW(lp.maximize_from_kept(x, obj), std::logic_error);  // nothing kept yet

  ASSERT_EQ(lp.maximize_relaxation_kept(x, obj), LinearProgram::Status::Optimal);
  ASSERT_EQ(lp.maximize_from_kept(x, obj), LinearProgram::Status::Optimal);
  EXPECT_THROW(lp.maximize_from_kept(x, obj), std::logic_error);  // used once

  ASSERT_EQ(lp.maximize_relaxation_kept(x, obj), LinearProgram::Status::Optimal);
  lp.set_objective(0, 5.0);  // the kept relaxation is another program's now
  EXPECT_THROW(lp.maximize_from_kept(x, obj), std::logic_error);

  ASSERT_EQ(lp.maximize_relaxation_kept(x, obj), LinearProgram::Status::Optimal);
  const std::pair<int, double> row[] = {{0, 1.0}};
  lp.add_row(row, -LinearProgram::kInf, 0);
  EXPECT_THROW(lp.maximize_from_kept(x, obj), std::logic_error);

  // Another solve of the same program leaves the kept relaxation as it was.
  std::vector<double> kept_relax, x_relax, x_mip, x_kept;
  double obj_relax = 0, obj_mip = 0, obj_kept = 0;
  ASSERT_EQ(lp.maximize_relaxation_kept(kept_relax, obj), LinearProgram::Status::Optimal);
  ASSERT_EQ(lp.maximize_relaxation(x_relax, obj_relax), LinearProgram::Status::Optimal);
  ASSERT_EQ(lp.maximize(x_mip, obj_mip), LinearProgram::Status::Optimal);
  EXPECT_EQ(x_relax, kept_relax);
  ASSERT_EQ(lp.maximize_from_kept(x_kept, obj_kept), LinearProgram::Status::Optimal);
  EXPECT_EQ(x_kept, x_mip);
  EXPECT_EQ(obj_kept, obj_mip);

  ASSERT_EQ(lp.maximize_relaxation_kept(x, obj), LinearProgram::Status::Optimal);
  lp.add_int_var(0, 1, 1.0);
  EXPECT_THROW(lp.maximize_from_kept(x, obj), std::logic_error);

  ASSERT_EQ(lp.maximize_relaxation_kept(x, obj), LinearProgram::Status::Optimal);
  lp.clear();
  EXPECT_EQ(lp.vars(), 0);
  ASSERT_EQ(lp.maximize_from_kept(x, obj), LinearProgram::Status::Optimal);  // the empty program
  EXPECT_TRUE(x.empty());
}

TEST(LinearProgramKept, AnInfeasibleProgramKeepsNothing) {
  // (A continuous program from the kept relaxation: allocation_test.cpp's textbook program.)
  std::vector<double> sol;
  double obj = 0;
  LinearProgram infeasible;
  const int z = infeasible.add_int_var(0, 1, 1);
  const std::pair<int, double> r[] = {{z, 1}};
  infeasible.add_row(r, 2, LinearProgram::kInf);
  EXPECT_EQ(infeasible.maximize_relaxation_kept(sol, obj), LinearProgram::Status::Infeasible);
  EXPECT_THROW(infeasible.maximize_from_kept(sol, obj), std::logic_error);
}
