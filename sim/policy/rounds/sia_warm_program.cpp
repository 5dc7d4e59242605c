#include "hetsim/policy/rounds/sia_warm_program.hpp"

#include <ClpDualRowDantzig.hpp>
#include <ClpPrimalColumnDantzig.hpp>
#include <ClpSimplex.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace hetsim {

namespace {
// A guard against cycling; the slack basis is tried next.
constexpr int kIterationLimit = 100000;
}  // namespace

SiaWarmProgram::SiaWarmProgram() = default;

SiaWarmProgram::~SiaWarmProgram() = default;

int SiaWarmProgram::rows() const { return lp_ == nullptr ? 0 : lp_->numberRows(); }
int SiaWarmProgram::columns() const { return lp_ == nullptr ? 0 : lp_->numberColumns(); }

void SiaWarmProgram::reset(std::size_t types) {
  lp_ = std::make_unique<ClpSimplex>();
  lp_->setLogLevel(0);
  lp_->setOptimizationDirection(-1);  // maximise
  lp_->setMaximumIterations(kIterationLimit);
  // Measured on the busy city (docs/performance.md): without scaling and with Dantzig's pricing a
  // warm solve is about 1.6x faster than with Clp's defaults, which rebuild scale factors and
  // steepest-edge weights at every call. The coefficients need no scaling (cards 1..hundreds, gains
  // about 1).
  lp_->scaling(0);
  ClpDualRowDantzig dual_pricing;
  lp_->setDualRowPivotAlgorithm(dual_pricing);
  ClpPrimalColumnDantzig primal_pricing;
  lp_->setPrimalColumnPivotAlgorithm(primal_pricing);
  types_ = types;
  if (types_ > 0) lp_->resize(static_cast<int>(types_), 0);
  entries_.clear();
  columns_.clear();
}

void SiaWarmProgram::drop(const std::vector<bool>& keep) {
  std::vector<int> rows, cols;
  std::vector<uint32_t> freed_types;  // capacity rows whose basic column leaves
  const bool basis = lp_->statusExists();
  int deficit = 0;
  int first = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const int n = static_cast<int>(entries_[i].configs);
    if (!keep[i]) {
      const int row = static_cast<int>(types_ + i);
      rows.push_back(row);
      // A valid basis has one basic variable per row; the leaving job takes its row and every
      // basic variable among its row and columns. Each one beyond the first leaves the basis
      // short: the slack of the type such a column was on is the guess for its place. Clp's own
      // tidying on deleteRows may demote another slack, and its factorisation mends what is
      // still short or singular: the repair only saves pivots (about 4 % on the unit test's run).
      int basic = basis && lp_->getRowStatus(row) == ClpSimplex::basic ? 1 : 0;
      for (int c = first; c < first + n; ++c) {
        cols.push_back(c);
        if (basis && lp_->getColumnStatus(c) == ClpSimplex::basic) {
          ++basic;
          freed_types.push_back(columns_[static_cast<std::size_t>(c)].type);
        }
      }
      deficit += basic - 1;
    }
    first += n;
  }
  if (rows.empty()) return;
  lp_->deleteRows(static_cast<int>(rows.size()), rows.data());
  if (!cols.empty()) lp_->deleteColumns(static_cast<int>(cols.size()), cols.data());
  if (basis && lp_->statusExists()) {
    // The slacks of the freed types first, then any other capacity row's.
    const auto make_basic = [&](uint32_t k) {
      if (deficit <= 0 || k >= types_) return;
      const int row = static_cast<int>(k);
      if (lp_->getRowStatus(row) == ClpSimplex::basic) return;
      lp_->setRowStatus(row, ClpSimplex::basic);
      --deficit;
    };
    for (uint32_t k : freed_types) make_basic(k);
    for (uint32_t k = 0; k < types_; ++k) make_basic(k);
  }
  std::size_t kept = 0, col_out = 0, col_in = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const std::size_t n = entries_[i].configs;
    if (keep[i]) {
      entries_[kept++] = entries_[i];
      for (std::size_t c = 0; c < n; ++c) columns_[col_out++] = columns_[col_in + c];
    }
    col_in += n;
  }
  entries_.resize(kept);
  columns_.resize(col_out);
}

int SiaWarmProgram::solve_lp(bool cold) {
  if (cold) lp_->allSlackBasis(true);
  // The dual simplex: the kept basis usually stays nearly dual feasible (a few coefficients move),
  // and Clp finishes with its primal where the dual leaves infeasibilities.
  lp_->dual(0);
  stats_.iterations += static_cast<uint64_t>(lp_->numberIterations());
  return lp_->status();
}

SiaSolution SiaWarmProgram::solve(std::span<const JobId> keys, std::span<const SiaJobInput> jobs,
                                  std::span<const double> capacity, const SiaProgramOptions& o) {
  check_sia_options(o);
  if (keys.size() != jobs.size()) throw std::invalid_argument("SiaWarmProgram::solve: one key per job");
  ++stats_.solves;
  if (lp_ == nullptr || capacity.size() != types_) reset(capacity.size());

  // Which kept entries are still in the program, and where each job of this round sits.
  // (key, job) sorted by key: one lookup per kept entry, without a node per job and round.
  by_key_.clear();
  for (std::size_t j = 0; j < keys.size(); ++j) by_key_.emplace_back(keys[j], j);
  std::sort(by_key_.begin(), by_key_.end());
  for (std::size_t i = 1; i < by_key_.size(); ++i) {
    if (by_key_[i].first == by_key_[i - 1].first) throw std::invalid_argument("SiaWarmProgram::solve: a key twice");
  }
  const auto input_of = [&](JobId key) -> std::size_t {
    const auto it = std::lower_bound(by_key_.begin(), by_key_.end(), std::pair<JobId, std::size_t>{key, 0});
    return it != by_key_.end() && it->first == key ? it->second : SIZE_MAX;
  };
  // The columns of a kept job hold its configurations' cards in their capacity rows, so a job
  // whose configurations moved (say the agnostic program's reordered types) must enter anew.
  const auto same_configs = [&](const std::vector<SiaConfig>& configs, std::size_t first, std::size_t count) {
    if (configs.size() != count) return false;
    for (std::size_t c = 0; c < count; ++c) {
      const Column& col = columns_[first + c];
      const uint32_t type = configs[c].type < types_ ? configs[c].type : static_cast<uint32_t>(types_);
      if (col.type != type || col.cards != configs[c].cards) return false;
    }
    return true;
  };
  std::vector<bool> keep(entries_.size(), false);
  std::vector<bool> placed(jobs.size(), false);
  for (std::size_t i = 0, first = 0; i < entries_.size(); first += entries_[i].configs, ++i) {
    const std::size_t j = input_of(entries_[i].key);
    if (j == SIZE_MAX || !same_configs(jobs[j].configs, first, entries_[i].configs)) continue;
    keep[i] = true;
    placed[j] = true;
  }
  drop(keep);

  // New jobs: a row each (its slack basic: one more row, one more basic variable) and their
  // columns, fixed at 0 until their bounds are set below (nonbasic at that bound).
  std::vector<double> row_lo, row_hi;
  std::vector<double> col_lo, col_hi, col_obj, elements;
  std::vector<int> col_start{0}, col_rows;
  const int rows_before = lp_->numberRows();
  const int cols_before = lp_->numberColumns();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (placed[j]) continue;
    const int row = rows_before + static_cast<int>(row_lo.size());
    row_lo.push_back(-COIN_DBL_MAX);
    row_hi.push_back(1);
    const std::vector<double> normalized = sia_normalized_goodputs(jobs[j]);
    for (std::size_t c = 0; c < jobs[j].configs.size(); ++c) {
      const SiaConfig& cfg = jobs[j].configs[c];
      col_rows.push_back(row);
      elements.push_back(1);
      if (cfg.type < types_) {
        col_rows.push_back(static_cast<int>(cfg.type));
        elements.push_back(cfg.cards);
      }
      col_start.push_back(static_cast<int>(col_rows.size()));
      col_lo.push_back(0), col_hi.push_back(0), col_obj.push_back(0);
      columns_.push_back(
          Column{normalized[c], 0, 0, 0, cfg.type < types_ ? cfg.type : static_cast<uint32_t>(types_), cfg.cards});
    }
    entries_.push_back(Entry{keys[j], static_cast<uint32_t>(jobs[j].configs.size())});
  }
  if (!row_lo.empty()) {
    const std::vector<int> row_start(row_lo.size() + 1, 0);
    lp_->addRows(static_cast<int>(row_lo.size()), row_lo.data(), row_hi.data(), row_start.data(), nullptr, nullptr);
  }
  if (!col_lo.empty()) {
    lp_->addColumns(static_cast<int>(col_lo.size()), col_lo.data(), col_hi.data(), col_obj.data(), col_start.data(),
                    col_rows.data(), elements.data());
  }
  if (lp_->statusExists()) {
    for (int r = rows_before; r < lp_->numberRows(); ++r) lp_->setRowStatus(r, ClpSimplex::basic);
    for (int c = cols_before; c < lp_->numberColumns(); ++c) lp_->setColumnStatus(c, ClpSimplex::atLowerBound);
  }

  // This round's coefficients and bounds, and the columns in the reference's numbering (input
  // order, usable configurations only) for the rounding.
  SiaColumns columns;
  columns.cols.resize(jobs.size());
  std::vector<int> lp_col;  // per compact column
  std::vector<std::size_t> first_col(entries_.size());
  for (std::size_t i = 0, first = 0; i < entries_.size(); ++i) {
    first_col[i] = first;
    first += entries_[i].configs;
  }
  std::vector<std::size_t> entry_of(jobs.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) entry_of[input_of(entries_[i].key)] = i;
  const bool same_options = gains_for_.p == o.p && gains_for_.lambda == o.lambda && gains_for_.clip == o.clip;
  gains_for_ = o;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const SiaJobInput& job = jobs[j];
    Entry& entry = entries_[entry_of[j]];
    const std::size_t base = first_col[entry_of[j]];
    // pow() per column and round was a tenth of the run: recomputed only where an input moved.
    const bool fresh_gains = !same_options || entry.current != job.current ||
                             entry.realloc_factor != job.realloc_factor || entry.weight != job.weight;
    entry.current = job.current, entry.realloc_factor = job.realloc_factor, entry.weight = job.weight;
    for (std::size_t c = 0; c < job.configs.size(); ++c) {
      const SiaConfig& cfg = job.configs[c];
      Column& col = columns_[base + c];
      if (fresh_gains && col.normalized > 0) col.gain = sia_column_gain(job, c, col.normalized, o);
      const bool usable = col.normalized > 0 && cfg.type < capacity.size() && cfg.cards <= capacity[cfg.type];
      const double obj = usable ? col.gain : 0.0;
      const double hi = usable ? 1.0 : 0.0;
      const int index = static_cast<int>(base + c);
      if (col.obj != obj) lp_->setObjectiveCoefficient(index, obj), col.obj = obj;
      if (col.hi != hi) lp_->setColumnUpper(index, hi), col.hi = hi;
      if (!usable) {
        columns.cols[j].push_back(-1);
        continue;
      }
      columns.cols[j].push_back(static_cast<int>(columns.gains.size()));
      columns.gains.push_back(col.gain);
      lp_col.push_back(index);
    }
  }
  for (std::size_t k = 0; k < types_; ++k) lp_->setRowUpper(static_cast<int>(k), capacity[k]);

  SiaSolution out;
  out.choice.assign(jobs.size(), -1);
  if (lp_col.empty()) {  // nothing fits anywhere
    out.solved = true;
    return out;
  }
  if (solve_lp(false) != 0) {
    ++stats_.cold_starts;
    if (solve_lp(true) != 0) {
      ++stats_.failures;
      lp_->allSlackBasis(true);  // the next round starts cold rather than from a broken basis
      for (std::size_t j = 0; j < jobs.size(); ++j) out.choice[j] = jobs[j].current;
      return out;
    }
  }
  const double* solution = lp_->primalColumnSolution();
  std::vector<double> x(lp_col.size());
  double objective = 0;
  for (std::size_t c = 0; c < x.size(); ++c) {
    x[c] = solution[lp_col[c]];
    objective += x[c] * columns.gains[c];
  }
  out.bound = objective;
  const bool integral = std::all_of(x.begin(), x.end(), [](double v) { return v < 1e-9 || v > 1 - 1e-9; });
  if (!integral) {
    std::vector<double> start;
    objective = sia_round_relaxation(jobs, capacity, columns, x, start);
    x = std::move(start);
  }
  out.solved = true;
  out.objective = objective;
  out.choice = sia_choices(columns, x);
  return out;
}

}  // namespace hetsim
