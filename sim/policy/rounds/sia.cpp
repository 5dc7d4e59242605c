#include "hetsim/policy/rounds/sia.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

std::vector<uint32_t> sia_gang_sizes(uint32_t per_server, uint32_t max_cards) {
  std::vector<uint32_t> out;
  if (per_server == 0) return out;
  for (uint32_t n = 1; n < per_server && n <= max_cards; n *= 2) out.push_back(n);
  for (uint64_t servers = 1; servers * per_server <= max_cards; servers = servers < 8 ? servers + 1 : servers * 2) {
    out.push_back(static_cast<uint32_t>(servers * per_server));
  }
  return out;
}

SiaPolicy::SiaPolicy(Options o) : o_(std::move(o)) {
  if (o_.solver == Solver::WarmRelaxation) {
    // The agnostic program lists each job's configurations in a fresh random type order every
    // round and breaks ties by it; a kept basis would break them by its pivoting order instead.
    if (!o_.aware) throw std::invalid_argument("sia: solver=warm-relaxation needs aware=true");
    warm_ = std::make_unique<SiaWarmProgram>();
  }
}

std::string SiaPolicy::name() const {
  char p[32];
  std::snprintf(p, sizeof p, "p=%g,", o_.program.p);
  return std::string("sia[") + (o_.aware ? "" : "agnostic,") + p + placement_name(o_.placement) +
         (o_.gangs == GangPlacement::Topology ? ",topology" : "") +
         (o_.solver == Solver::WarmRelaxation ? ",warm-relaxation" : "") + "]";
}

void SiaPolicy::init_types(const SchedulingContext& ctx) {
  if (types_ready_) return;
  types_ready_ = true;
  const Cluster& c = ctx.cluster();
  for (ChipId k = 0; k < ctx.chips().size(); ++k) {
    if (c.total_cards_of_chip(k) == 0) continue;
    types_.push_back(k);
    // A gang stays inside one pool (placement.hpp), so the largest pool bounds its size.
    uint32_t largest = 0, per_node = 0;
    for (const Pool& p : c.pools()) {
      if (p.chip != k) continue;
      const uint32_t cards = (p.end_node - p.first_node) * p.cards_per_node;
      if (cards > largest) largest = cards, per_node = p.cards_per_node;
    }
    max_gang_.push_back(largest);
    per_node_.push_back(per_node);
  }
}

SiaPolicy::JobState& SiaPolicy::state(JobId id) {
  if (id >= jobs_.size()) jobs_.resize(static_cast<std::size_t>(id) + 1);
  return jobs_[id];
}

void SiaPolicy::on_submit(const SchedulingContext&, JobId id) {
  state(id);
  active_.insert(id);
}

void SiaPolicy::on_end(const SchedulingContext&, JobId id) {
  active_.erase(id);
  running_.erase(id);
  if (id < jobs_.size()) jobs_[id] = JobState{};
}

void SiaPolicy::on_requeue(const SchedulingContext&, JobId id) {
  // Killed by a failure: it waits again and has paid a restart.
  running_.erase(id);
  JobState& s = state(id);
  s.current = -1;
  ++s.restarts;
  active_.insert(id);
}

void SiaPolicy::describe(const SchedulingContext& ctx, JobId id, JobState& s) const {
  const JobRequest& job = ctx.job(id);
  s.known = true;
  for (std::size_t k = 0; k < types_.size(); ++k) {
    const ChipId chip = types_[k];
    if (!job.chip_allowed(chip)) continue;
    std::vector<uint32_t> sizes;
    if (job.elastic()) {
      const uint32_t top = std::min(job.max_gang(), max_gang_[k]);
      for (uint32_t n : sia_gang_sizes(per_node_[k], top)) {
        if (job.gang_size_allowed(n)) sizes.push_back(n);
      }
      // A range holding none of Sia's sizes (say 3..3 of 4-card servers) still runs at its request.
      if (sizes.empty() && job.cards <= max_gang_[k]) sizes.push_back(job.cards);
    } else if (job.cards <= max_gang_[k]) {
      sizes.push_back(job.cards);
    }
    for (uint32_t n : sizes) {
      const double rate = ctx.steps_per_s(id, chip, n);
      if (rate > 0) s.configs.push_back(SiaConfig{static_cast<uint32_t>(k), n, rate});
    }
  }
  s.believed = s.configs;
  if (o_.aware || s.configs.empty()) return;
  // Agnostic: every type as fast as the mean of the job's types at that gang size.
  for (SiaConfig& b : s.believed) {
    double sum = 0;
    int count = 0;
    for (const SiaConfig& c : s.configs) {
      if (c.cards == b.cards) sum += c.goodput, ++count;
    }
    b.goodput = sum / count;
  }
}

void SiaPolicy::run_round(SchedulingContext& ctx) {
  ++stats_.rounds;
  const Cluster& c = ctx.cluster();
  const std::size_t K = types_.size();
  std::vector<JobId> ids;
  for (JobId id : active_) {
    if (ids.size() >= o_.max_jobs) break;
    // Held by its tenant's limits (quota, budget, cards reserved for others): it cannot start now,
    // and a configuration given to it would idle those cards for the round.
    if (ctx.is_pending(id) && tenant_held(ctx, ctx.job(id))) continue;
    // A run within its tenant's guaranteed share keeps its configuration (as in gavel): moved, it
    // would claim its cards back at once.
    if (!ctx.is_pending(id) && ctx.guaranteed(id)) continue;
    JobState& s = jobs_[id];
    if (!s.known) describe(ctx, id, s);
    if (!s.configs.empty()) ids.push_back(id);
  }
  // Cards of each type the program may hand out: free ones and those its running jobs hold.
  std::vector<double> capacity(K, 0.0);
  for (std::size_t k = 0; k < K; ++k) {
    for (SiteId site = 0; site < c.site_count(); ++site)
      capacity[k] += static_cast<double>(c.free_cards(types_[k], site));
  }
  for (JobId id : ids) {
    const JobState& s = jobs_[id];
    if (s.current >= 0)
      capacity[s.configs[static_cast<std::size_t>(s.current)].type] +=
          s.configs[static_cast<std::size_t>(s.current)].cards;
  }

  // Agnostic: the types enter the program in a fresh random order, so ties are broken blindly.
  std::vector<std::size_t> rank(K);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  if (!o_.aware) {
    uint64_t seed = stats_.rounds * 0xD1B54A32D192ED03ULL + 11;
    for (std::size_t i = K; i > 1; --i) std::swap(rank[i - 1], rank[splitmix64(seed) % i]);
  }
  const double now_s = ctx.now().seconds();
  // Kept between rounds (their vectors' storage reused): a round builds them for every job.
  std::vector<SiaJobInput>& input = input_;
  std::vector<std::vector<std::size_t>>& order = order_;  // input config i -> JobState config
  input.resize(ids.size());
  order.resize(ids.size());
  for (std::size_t j = 0; j < ids.size(); ++j) {
    const JobState& s = jobs_[ids[j]];
    std::vector<std::size_t>& idx = order[j];
    idx.resize(s.believed.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    const auto by_rank = [&](std::size_t a, std::size_t b) {
      return rank[s.believed[a].type] < rank[s.believed[b].type];
    };
    // Configurations are listed by type, so with the aware program's ranks they are in order
    // already (a stable sort would leave them so, after allocating its buffer).
    if (!std::is_sorted(idx.begin(), idx.end(), by_rank)) std::stable_sort(idx.begin(), idx.end(), by_rank);
    SiaJobInput& in = input[j];
    in.configs.clear();
    in.current = -1, in.realloc_factor = 1, in.weight = 1;
    for (std::size_t i : idx) {
      in.configs.push_back(s.believed[i]);
      if (static_cast<int>(i) == s.current) in.current = static_cast<int>(in.configs.size()) - 1;
    }
    const double penalty = o_.restart_penalty_s > 0 ? o_.restart_penalty_s : ctx.restart_cost_s(ids[j]);
    const double age = now_s - ctx.job(ids[j]).arrival.seconds();
    // Only a running job pays for moving (Sia discounts the configurations other than its current
    // one); a waiting job has none to keep.
    if (s.current >= 0 && penalty > 0 && age >= penalty) {
      in.realloc_factor = std::max(age - s.restarts * penalty, 0.0) / (age + penalty);
    }
  }
  SiaSolution sol;
  if (warm_ != nullptr) {
    sol = warm_->solve(ids, input, capacity, o_.program);
  } else {
    sol = solve_sia_program(input, capacity, o_.program);
  }
  ++stats_.solves;
  if (!sol.solved) ++stats_.unsolved;
  if (sol.solved) stats_.objective += sol.objective, stats_.bound += sol.bound;
  if (sol.nodes > 0) ++stats_.searches, stats_.nodes += sol.nodes;
  if (sol.node_limited) ++stats_.node_limited;

  std::vector<int> chosen(ids.size(), -1);  // JobState config index
  for (std::size_t j = 0; j < ids.size(); ++j) {
    if (sol.choice[j] >= 0) chosen[j] = static_cast<int>(order[j][static_cast<std::size_t>(sol.choice[j])]);
  }
  // Runs that keep their configuration keep their cards; the others stop.
  std::vector<int> was(ids.size(), -1);  // the configuration a stopped job ran on
  for (std::size_t j = 0; j < ids.size(); ++j) {
    JobState& s = jobs_[ids[j]];
    if (s.current < 0 || chosen[j] == s.current) continue;
    was[j] = s.current;
    ctx.preempt(ids[j]);
    running_.erase(ids[j]);
    s.current = -1;
    ++s.restarts;
  }
  // Larger gangs first, as Sia places distributed jobs first, so small ones do not fragment nodes.
  std::vector<std::size_t> starts;
  for (std::size_t j = 0; j < ids.size(); ++j) {
    if (chosen[j] >= 0 && ctx.is_pending(ids[j])) starts.push_back(j);
  }
  std::stable_sort(starts.begin(), starts.end(), [&](std::size_t a, std::size_t b) {
    return jobs_[ids[a]].configs[static_cast<std::size_t>(chosen[a])].cards >
           jobs_[ids[b]].configs[static_cast<std::size_t>(chosen[b])].cards;
  });
  for (std::size_t j : starts) {
    const JobId id = ids[j];
    // The program counts cards per type, not per pool, and ignores quotas: a gang may not fit.
    // A job stopped to move then goes back to the configuration it ran on, if that still fits.
    int config = chosen[j];
    if (!place(ctx, id, config)) {
      ++stats_.placement_misses;
      if (was[j] < 0 || !place(ctx, id, was[j])) continue;
      config = was[j];
    }
    JobState& s = jobs_[id];
    const SiaConfig& cfg = s.configs[static_cast<std::size_t>(config)];
    ctx.start(id, scratch_);
    if (s.last_cards > 0 && s.last_cards != cfg.cards) ++stats_.resizes;
    s.last_cards = cfg.cards;
    s.current = config;
    running_.insert(id);
  }
}

bool SiaPolicy::place(const SchedulingContext& ctx, JobId id, int config) {
  const SiaConfig& cfg = jobs_[id].configs[static_cast<std::size_t>(config)];
  JobRequest sized = ctx.job(id);
  sized.cards = cfg.cards;
  sized.allowed_chips = 1ULL << types_[cfg.type];
  return find_placement(sized, placement_input(ctx, sized), o_.placement, {}, scratch_, o_.gangs);
}

void SiaPolicy::schedule(SchedulingContext& ctx) {
  init_types(ctx);
  if (!clock_.due(ctx, active_.empty(), !running_.empty())) return;
  run_round(ctx);
  clock_.ran(ctx, o_.round);
}

std::vector<NamedCounter> SiaPolicy::counters() const {
  using C = NamedCounter;
  // Stats::solves is one per round and the warm solver's failures are the rounds unsolved:
  // neither is reported twice.
  std::vector<NamedCounter> out{C::count("rounds", stats_.rounds),
                                C::count("unsolved", stats_.unsolved),
                                C::count("placement_misses", stats_.placement_misses),
                                C::count("resizes", stats_.resizes),
                                C::real("objective_sum", stats_.objective),
                                C::real("bound_sum", stats_.bound)};
  if (warm_ == nullptr) {
    out.push_back(C::count("searches", stats_.searches));
    out.push_back(C::count("search_nodes", stats_.nodes));
    out.push_back(C::count("searches_node_limited", stats_.node_limited));
  } else {
    const SiaWarmProgram::Stats& w = warm_->stats();
    out.push_back(C::count("simplex_iterations", w.iterations));
    out.push_back(C::count("cold_starts", w.cold_starts));
  }
  return out;
}

}  // namespace hetsim
