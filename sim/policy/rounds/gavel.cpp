#include "hetsim/policy/rounds/gavel.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "hetsim/core/rng.hpp"
#include "hetsim/policy/placement/context_input.hpp"

namespace hetsim {

namespace {
const char* objective_name(GavelPolicy::Objective o) {
  switch (o) {
    case GavelPolicy::Objective::MaxMin:
      return "max-min";
    case GavelPolicy::Objective::Makespan:
      return "makespan";
    case GavelPolicy::Objective::Fifo:
      return "fifo";
    case GavelPolicy::Objective::FinishTime:
      return "finish-time";
  }
  return "?";
}
}  // namespace

std::string GavelPolicy::name() const {
  const std::string label = o_.label.empty() ? "gavel" : o_.label;
  const bool last_type = o_.agnostic_fifo_last_type && !o_.aware && o_.objective == Objective::Fifo;
  return label + "[" + objective_name(o_.objective) + (o_.aware ? "" : ",agnostic") + (last_type ? ",last-type" : "") +
         (o_.finish_time_search == FinishTimeSearch::Grouped ? ",grouped" : "") + "," + placement_name(o_.placement) +
         (o_.gangs == GangPlacement::Topology ? ",topology" : "") + "]";
}

void GavelPolicy::init_types(const SchedulingContext& ctx) {
  if (types_ready_) return;
  types_ready_ = true;
  const Cluster& c = ctx.cluster();
  for (ChipId k = 0; k < ctx.chips().size(); ++k) {
    if (c.total_cards_of_chip(k) > 0) types_.push_back(k);
  }
  // Fastest first (Gavel visits v100, p100, k80 in that order).
  auto speed = [&](ChipId k) { return ctx.chips().at(k).bf16_tflops * ctx.chips().at(k).achievable_mfu; };
  std::stable_sort(types_.begin(), types_.end(), [&](ChipId a, ChipId b) { return speed(a) > speed(b); });
  for (ChipId k : types_) workers_.push_back(static_cast<double>(c.total_cards_of_chip(k)));
  worker_time_.assign(types_.size(), 0.0);
}

GavelPolicy::JobState& GavelPolicy::state(JobId id) {
  if (id >= jobs_.size()) jobs_.resize(static_cast<std::size_t>(id) + 1);
  return jobs_[id];
}

std::vector<double> GavelPolicy::allocation_of(JobId id) const {
  return id < jobs_.size() ? jobs_[id].x : std::vector<double>{};
}

void GavelPolicy::add_active(JobId id) {
  JobState& s = state(id);
  const double half = o_.round.seconds() / 2;
  if (!s.known) {
    s.known = true;
    s.time_so_far.assign(types_.size(), half);
    for (double& w : worker_time_) w += half;
  }
  active_.insert(id);
  need_recompute_ = true;
}

void GavelPolicy::on_submit(const SchedulingContext& ctx, JobId id) {
  init_types(ctx);
  add_active(id);
}

void GavelPolicy::account(const SchedulingContext& ctx, JobId id) {
  JobState& s = state(id);
  if (s.running_type < 0) return;
  const double dt = (ctx.now() - s.accounted).seconds();
  const auto k = static_cast<std::size_t>(s.running_type);
  s.time_so_far[k] += dt;
  worker_time_[k] += dt;
  s.accounted = ctx.now();
}

void GavelPolicy::on_end(const SchedulingContext& ctx, JobId id) {
  account(ctx, id);
  JobState& s = state(id);
  for (std::size_t k = 0; k < s.time_so_far.size(); ++k)
    worker_time_[k] = std::max(0.0, worker_time_[k] - s.time_so_far[k]);
  s = JobState{};
  s.known = true;  // never active again
  active_.erase(id);
  running_.erase(id);
  need_recompute_ = true;
}

void GavelPolicy::on_requeue(const SchedulingContext& ctx, JobId id) {
  account(ctx, id);
  state(id).running_type = -1;
  running_.erase(id);
  need_recompute_ = true;
}

double GavelPolicy::rate(const SchedulingContext& ctx, JobId id, std::size_t k) const {
  return ctx.steps_per_s(id, types_[k]);
}

// Gavel's _reset_time_run_so_far: each job's time on each type restarts at half a round; the
// deficit keeps what the job was owed under the last allocation.
void GavelPolicy::reset_time_so_far(SimTime now) {
  const std::size_t K = types_.size();
  const double half = o_.round.seconds() / 2;
  const double elapsed = ever_reset_ ? (now - last_reset_).seconds() : 0.0;
  active_.for_each([&](JobId id) {
    JobState& s = state(id);
    for (std::size_t k = 0; k < K; ++k) {
      if (!s.x.empty()) s.deficit += s.x[k] * elapsed - (s.time_so_far[k] - half);
      s.time_so_far[k] = half;
    }
  });
  std::fill(worker_time_.begin(), worker_time_.end(), half * static_cast<double>(active_.size()));
}

// The program: the first max_jobs active jobs that can run somewhere (their ids in `ids`), with
// the rates the policy believes (aware or not) and, in `real`, the true ones, job-major.
AllocationProblem GavelPolicy::build_problem(const SchedulingContext& ctx, std::vector<JobId>& ids,
                                             std::vector<double>& real) const {
  const std::size_t K = types_.size();
  AllocationProblem p;
  p.types = K;
  p.workers = workers_;
  active_.for_each_until([&](JobId id) {
    if (ids.size() >= o_.max_jobs) return false;
    std::vector<double> row(K);
    double best = 0;
    for (std::size_t k = 0; k < K; ++k) best = std::max(best, row[k] = rate(ctx, id, k));
    if (!(best > 0)) return true;
    ids.push_back(id);
    real.insert(real.end(), row.begin(), row.end());
    for (std::size_t k = 0; k < K; ++k) {
      double t = row[k];
      if (!o_.aware && t > 0) {
        // The agnostic policies' beliefs: every type alike (max-min: equal time), or every type as
        // fast as the job's best (makespan, finish-time; Gavel uses the V100's rate).
        if (o_.objective == Objective::MaxMin) t = 1.0;
        if (o_.objective == Objective::Makespan || o_.objective == Objective::FinishTime) t = best;
      }
      p.tput.push_back(t);
    }
    p.scale.push_back(ctx.job(id).cards);
    return true;
  });
  p.jobs = ids.size();
  return p;
}

// Themis' finish-time fairness: each job's finish time on its isolated share so far (cumulated
// across recomputations) plus its remaining work at the isolated rate.
Allocation2D GavelPolicy::finish_time_allocation(const SchedulingContext& ctx, const AllocationProblem& p,
                                                 const std::vector<JobId>& ids, const std::vector<double>& remaining) {
  const SimTime now = ctx.now();
  const std::vector<double> iso = isolated_throughput(p);
  std::vector<double> since(p.jobs), finish(p.jobs);
  for (std::size_t j = 0; j < p.jobs; ++j) {
    JobState& s = state(ids[j]);
    if (s.last_remaining >= 0 && s.last_isolated_rate > 0) {
      s.cum_isolated_s += std::max(0.0, s.last_remaining - remaining[j]) / s.last_isolated_rate;
    }
    s.last_remaining = remaining[j];
    s.last_isolated_rate = iso[j];
    since[j] = (now - ctx.job(ids[j]).arrival).seconds();
    finish[j] = iso[j] > 0 ? s.cum_isolated_s + remaining[j] / iso[j] : 0.0;
  }
  return finish_time_fairness(p, remaining, since, finish, o_.finish_time_search);
}

// Greedy in arrival order, stopping at the first job that fits no type (strict FIFO). Aware:
// recomputed from scratch on the type where the job runs fastest. Agnostic: jobs keep the type
// they were given; a new job gets a random type among those with room.
Allocation2D GavelPolicy::fifo_allocation(const SchedulingContext& ctx, const AllocationProblem& p,
                                          const std::vector<JobId>& ids, const std::vector<double>& real) {
  const std::size_t K = types_.size();
  Allocation2D a;
  a.x.assign(p.jobs * K, 0.0);
  a.solved = true;
  std::vector<double> left = workers_;
  std::vector<char> placed(p.jobs, 0);
  if (!o_.aware) {
    for (std::size_t j = 0; j < p.jobs; ++j) {
      const JobState& s = state(ids[j]);
      for (std::size_t k = 0; k < K && !s.x.empty(); ++k) {
        if (s.x[k] > 0 && left[k] >= p.scale[j]) {
          a.x[j * K + k] = 1;
          left[k] -= p.scale[j];
          placed[j] = 1;
        }
      }
    }
  }
  uint64_t seed = stats_.recomputes * 0x9E3779B97F4A7C15ULL + 1;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    if (placed[j]) continue;
    std::vector<std::size_t> room;
    for (std::size_t k = 0; k < K; ++k) {
      if (real[j * K + k] > 0 && left[k] >= p.scale[j]) room.push_back(k);
    }
    if (room.empty()) break;
    std::size_t pick = room.front();
    if (o_.aware) {
      for (std::size_t k : room) {
        if (real[j * K + k] > real[j * K + pick]) pick = k;
      }
    } else if (o_.agnostic_fifo_last_type) {
      // Gavel's worker types are lower-case names sorted as strings.
      const auto lower = [&](std::size_t k) {
        std::string n = ctx.chips().at(types_[k]).name;
        for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return n;
      };
      for (std::size_t k : room)
        if (lower(k) > lower(pick)) pick = k;
    } else {
      pick = room[splitmix64(seed) % room.size()];
    }
    a.x[j * K + pick] = 1;
    left[pick] -= p.scale[j];
  }
  return a;
}

void GavelPolicy::recompute(const SchedulingContext& ctx) {
  const SimTime now = ctx.now();
  const std::size_t K = types_.size();
  reset_time_so_far(now);
  std::vector<JobId> ids;
  std::vector<double> real;
  const AllocationProblem p = build_problem(ctx, ids, real);
  Allocation2D a;
  // Steps left per job: the makespan and finish-time objectives need them (as in Gavel's
  // simulator, which knows every job's total steps): oracle().
  std::vector<double> remaining(p.jobs);
  if (oracle()) {
    for (std::size_t j = 0; j < p.jobs; ++j)
      remaining[j] = ctx.remaining_fraction(ids[j]) * static_cast<double>(ctx.true_steps(ids[j]));
  }
  switch (o_.objective) {
    case Objective::MaxMin: {
      // Gavel's priority weights: a job of priority q counts as 1 + q jobs (q capped at 100, so the
      // program's coefficients stay within a few orders of magnitude).
      std::vector<double> weights(p.jobs);
      for (std::size_t j = 0; j < p.jobs; ++j) {
        weights[j] = 1.0 + static_cast<double>(std::clamp(ctx.job(ids[j]).priority, 0, 100));
      }
      a = max_min_fairness(p, weights);
      break;
    }
    case Objective::Makespan:
      a = min_makespan(p, remaining);
      break;
    case Objective::FinishTime:
      a = finish_time_allocation(ctx, p, ids, remaining);
      break;
    case Objective::Fifo:
      a = fifo_allocation(ctx, p, ids, real);
      break;
  }
  ++stats_.recomputes;
  stats_.lp_solves += static_cast<uint64_t>(a.lp_solves);
  if (!a.solved) ++stats_.unsolved;
  if (a.warm_fell_back && a.solved) ++stats_.warm_fallbacks;
  active_.for_each([&](JobId id) { state(id).x.clear(); });
  for (std::size_t j = 0; j < p.jobs; ++j) {
    std::vector<double>& x = state(ids[j]).x;
    x.assign(a.x.begin() + static_cast<std::ptrdiff_t>(j * K), a.x.begin() + static_cast<std::ptrdiff_t>((j + 1) * K));
  }
  need_recompute_ = false;
  ever_reset_ = true;
  last_reset_ = now;
}

void GavelPolicy::run_round(SchedulingContext& ctx) {
  ++stats_.rounds;
  const std::size_t K = types_.size();
  for (JobId id : running_) account(ctx, id);
  if (need_recompute_ && (!ever_reset_ || ctx.now() - last_reset_ >= o_.reset_interval)) recompute(ctx);

  // Visiting order of the types: fastest first, or (agnostic) a fresh random order every round.
  std::vector<std::size_t> order(K);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (!o_.aware) {
    uint64_t seed = stats_.rounds * 0xD1B54A32D192ED03ULL + 7;
    for (std::size_t i = K; i > 1; --i) std::swap(order[i - 1], order[splitmix64(seed) % i]);
  }
  // Each type takes jobs in the order of (priority, deficit, x) descending, then id. A job with no
  // share and no deficit ("plain": every job beyond max_jobs or arrived since the last recompute)
  // has the key (0, 0, 0) on every type, so the plain jobs come, in id order, between the keys above
  // (0, 0, 0) and those below it: only the jobs with a share or a deficit are sorted, and the walk
  // through the plain ones stops once the type has no room for the smallest gang. The order, and so
  // every choice, is the full sort's.
  struct Entry {
    double priority, deficit, x;
    JobId id;
  };
  const auto before = [](const Entry& a, const Entry& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.deficit != b.deficit) return a.deficit > b.deficit;
    if (a.x != b.x) return a.x > b.x;
    return a.id < b.id;
  };
  // The active jobs by id with their gangs (walked once per type, so kept apart from the job
  // states), and those of them with a share or a deficit.
  std::vector<JobId> ordered, weighted;
  std::vector<uint32_t> ordered_cards;  // kWeighted: a job with a share or a deficit
  constexpr uint32_t kWeighted = UINT32_MAX;
  ordered.reserve(active_.size());
  ordered_cards.reserve(active_.size());
  uint32_t least_cards = UINT32_MAX;
  active_.for_each([&](JobId id) {
    const JobState& s = jobs_[id];
    const uint32_t cards = ctx.job(id).cards;
    if (!s.x.empty() || s.deficit != 0) {
      weighted.push_back(id);
      ordered_cards.push_back(kWeighted);
    } else {
      ordered_cards.push_back(cards);
    }
    ordered.push_back(id);
    least_cards = std::min(least_cards, cards);
  });
  std::vector<Entry> entries;
  std::vector<double> left = workers_;
  std::vector<int>& assigned = assigned_;
  assigned.resize(jobs_.size(), -1);
  plain_mark_.resize(jobs_.size(), 0);
  std::vector<JobId> chosen, touched;
  // assigned_ is all -1 between rounds, also when a start or a preemption throws.
  struct ClearAssigned {
    std::vector<int>& assigned;
    std::vector<JobId>& touched;
    ~ClearAssigned() {
      for (JobId id : touched) assigned[id] = -1;
    }
  } clear_assigned{assigned, touched};
  // A run within its tenant's guaranteed share keeps its cards: stopped, it would claim them back
  // at once and the job chosen in its place could not use them (docs/policies.md "Guaranteed shares").
  for (JobId id : running_) {
    if (!ctx.guaranteed(id)) continue;
    assigned[id] = jobs_[id].running_type;
    touched.push_back(id);
    left[static_cast<std::size_t>(jobs_[id].running_type)] -= ctx.job(id).cards;
  }
  const bool fifo = o_.objective == Objective::Fifo;
  for (std::size_t k : order) {
    entries.clear();
    ++plain_stamp_;
    for (JobId id : weighted) {
      if (assigned[id] >= 0 || !(rate(ctx, id, k) > 0)) continue;
      const JobState& s = jobs_[id];
      const double x = s.x.empty() ? 0.0 : s.x[k];
      double priority = 0;
      if (x > 0) {
        const double fraction = worker_time_[k] > 0 ? s.time_so_far[k] / worker_time_[k] : 0.0;
        priority = fraction > 0 ? x / fraction : x * 1e9;
      }
      if (fifo && !(priority > 0)) continue;  // fifo runs only its allocation
      if (priority == 0 && s.deficit == 0 && x == 0) {
        plain_mark_[id] = plain_stamp_;  // walked with the plain jobs, in id order
        continue;
      }
      entries.push_back({priority, s.deficit, x, id});
    }
    std::sort(entries.begin(), entries.end(), before);
    const auto take = [&](JobId id) {
      const uint32_t cards = ctx.job(id).cards;
      if (assigned[id] >= 0 || cards > left[k]) return;
      // Held by its tenant's limits (quota, budget, cards reserved for others): it cannot start
      // now, so it takes none of the type's cards this round.
      if (ctx.is_pending(id) && tenant_held(ctx, ctx.job(id))) return;
      assigned[id] = static_cast<int>(k);
      touched.push_back(id);
      left[k] -= cards;
      chosen.push_back(id);
    };
    const Entry zero{0, 0, 0, 0};
    std::size_t e = 0;
    for (; e < entries.size() && before(entries[e], zero); ++e) take(entries[e].id);
    if (fifo) continue;
    for (std::size_t i = 0; i < ordered.size(); ++i) {
      if (left[k] < least_cards) break;
      const JobId id = ordered[i];
      if (assigned[id] >= 0) continue;
      // The filters are pure, so the cheap ones first: gang, then rate (plain) or mark (with a share).
      const uint32_t cards = ordered_cards[i];
      const bool plain =
          cards == kWeighted ? plain_mark_[id] == plain_stamp_ : cards <= left[k] && rate(ctx, id, k) > 0;
      if (plain) take(id);
    }
    for (; e < entries.size() && left[k] >= least_cards; ++e) take(entries[e].id);
  }
  // Runs that keep their type keep their cards; the others stop.
  std::vector<JobId> stop;
  for (JobId id : running_) {
    if (assigned[id] != jobs_[id].running_type) stop.push_back(id);
  }
  for (JobId id : stop) {
    ctx.preempt(id);
    jobs_[id].running_type = -1;
    running_.erase(id);
  }
  // Larger gangs first, as Gavel places them, so small jobs do not fragment a type's nodes.
  std::stable_sort(chosen.begin(), chosen.end(), [&](JobId a, JobId b) { return ctx.job(a).cards > ctx.job(b).cards; });
  for (JobId id : chosen) {
    if (!ctx.is_pending(id)) continue;  // kept its run
    const auto k = static_cast<std::size_t>(assigned[id]);
    JobRequest on_type = ctx.job(id);
    on_type.allowed_chips = 1ULL << types_[k];
    const PlacementInput in = placement_input(ctx, on_type);
    if (!find_placement(on_type, in, o_.placement, {}, scratch_, o_.gangs)) {
      ++stats_.placement_misses;  // cards of the type are free but not in a shape the gang fits
      continue;
    }
    ctx.start(id, scratch_);
    JobState& s = jobs_[id];
    s.running_type = static_cast<int>(k);
    s.accounted = ctx.now();
    running_.insert(id);
  }
}

void GavelPolicy::schedule(SchedulingContext& ctx) {
  init_types(ctx);
  if (!clock_.due(ctx, active_.empty(), !running_.empty())) return;
  run_round(ctx);
  clock_.ran(ctx, o_.round);
}

std::vector<NamedCounter> GavelPolicy::counters() const {
  using C = NamedCounter;
  return {C::count("rounds", stats_.rounds),
          C::count("recomputes", stats_.recomputes),
          C::count("lp_solves", stats_.lp_solves),
          C::count("unsolved", stats_.unsolved),
          C::count("warm_fallbacks", stats_.warm_fallbacks),
          C::count("placement_misses", stats_.placement_misses)};
}

}  // namespace hetsim
