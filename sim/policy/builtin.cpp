// The built-in policies and their parameters (`hetsim list policies` prints this table).
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hetsim/policy/ordering/easy_backfill.hpp"
#include "hetsim/policy/ordering/preemptive_priority.hpp"
#include "hetsim/policy/ordering/queue_policy.hpp"
#include "hetsim/policy/registry.hpp"
#include "hetsim/policy/rounds/gavel.hpp"
#include "hetsim/policy/rounds/sia.hpp"

namespace hetsim {

namespace {
ParamDef choice_param(const char* name, const char* default_value, std::vector<std::string> choices,
                      const char* description) {
  ParamDef d;
  d.name = name;
  d.type = ParamType::Choice;
  d.default_value = default_value;
  d.choices = std::move(choices);
  d.description = description;
  return d;
}

ParamDef placement_param() {
  return choice_param("placement", "first-fit", placement_names(),
                      "where a job's cards go: first-fit (lowest node id), best-fit (least leftover "
                      "cards), packing (most allocated node share), spread (most free node share), leaf-pack "
                      "(fullest leaf switch that fits, best fit in it)");
}

ParamDef gang_param() {
  return choice_param("gang_placement", "pool", {"pool", "topology"},
                      "where gangs larger than a node go: pool (pools ranked by `placement`, fully free nodes "
                      "first) or topology (fewest nodes, then one leaf switch, then best fit; one site unless "
                      "the job may span sites)");
}

GangPlacement gangs_of(const ParamValues& v) {
  GangPlacement g = GangPlacement::Pool;
  parse_gang_placement(v.get_choice("gang_placement"), g);
  return g;
}

ParamDef mix_param() {
  return choice_param("mix_chips", "off", {"off", "fallback"},
                      "gangs spanning chip types (mixed training) for jobs that may mix: off, or fallback "
                      "when no single pool can take the job (one site, speed from the planner)");
}

ParamDef int_param(const char* name, const char* default_value, double min, double max, const char* description) {
  ParamDef d;
  d.name = name;
  d.type = ParamType::Int;
  d.default_value = default_value;
  d.min = min;
  d.max = max;
  d.description = description;
  return d;
}

ParamDef mix_types_param() { return int_param("mix_max_types", "2", 2, 6, "most chip types one mixed gang may span"); }

ParamDef real_param(const char* name, const char* default_value, double min, double max, const char* description) {
  ParamDef d = int_param(name, default_value, min, max, description);
  d.type = ParamType::Real;
  return d;
}

MixOptions mix_of(const ParamValues& v) {
  return MixOptions{v.get_choice("mix_chips") == "fallback", static_cast<uint32_t>(v.get_int("mix_max_types"))};
}

// Data locality (sim/policy/placement/data_locality.hpp), for the queue and preemptive policies.
std::vector<ParamDef> data_params() {
  return {choice_param("data", "ignore", {"ignore", "home", "weigh"},
                       "where jobs go relative to their data site (scenario data_staging): ignore (any site, the "
                       "copy is what it costs), home (only the data site unless it can never hold the job), weigh "
                       "(the data site if the job fits; else the site with the shortest estimated copy, if that "
                       "beats the estimated wait at home)"),
          real_param("stage_factor", "1", 0, 1e6,
                     "weigh: go elsewhere only if stage_factor x the estimated copy is shorter than the estimated "
                     "wait at the data site (> 1 favours waiting at home)")};
}

DataOptions data_of(const ParamValues& v) {
  DataOptions d;
  parse_data_locality(v.get_choice("data"), d.mode);
  d.stage_factor = v.get_real("stage_factor");
  return d;
}

std::vector<ParamDef> with_data(std::vector<ParamDef> defs) {
  for (ParamDef& d : data_params()) defs.push_back(std::move(d));
  return defs;
}

PlacementScore placement_of(const ParamValues& v) {
  PlacementScore k = PlacementScore::FirstFit;
  parse_placement(v.get_choice("placement"), k);
  return k;
}
ParamDef bool_param(const char* name, const char* default_value, const char* description) {
  ParamDef d;
  d.name = name;
  d.type = ParamType::Bool;
  d.default_value = default_value;
  d.description = description;
  return d;
}

// gavel and themis share the round mechanism's parameters.
std::vector<ParamDef> round_params(std::vector<ParamDef> own) {
  std::vector<ParamDef> defs = std::move(own);
  defs.push_back(bool_param("aware", "true",
                            "heterogeneity-aware (the throughput matrix) or false: the agnostic baseline (every chip "
                            "type alike, types visited in a random order)"));
  defs.push_back(int_param("round", "360", 1, 86400, "seconds per scheduling round (Gavel: 360)"));
  defs.push_back(int_param("reset_interval", "1920", 0, 1e9,
                           "least seconds between recomputations of the allocation, which happen only after "
                           "arrivals or ends (Gavel: 1920)"));
  defs.push_back(int_param("max_jobs", "1000", 1, 1e7,
                           "jobs in the allocation program, by arrival; later ones get only cards left over"));
  defs.push_back(placement_param());
  defs.push_back(gang_param());
  return defs;
}

GavelPolicy::Options round_options(const ParamValues& v, const char* label) {
  GavelPolicy::Options o;
  o.label = label;
  o.aware = v.get_bool("aware");
  o.round = SimTime::from_s(v.get_int("round"));
  o.reset_interval = SimTime::from_s(v.get_int("reset_interval"));
  o.max_jobs = static_cast<uint32_t>(v.get_int("max_jobs"));
  o.placement = placement_of(v);
  o.gangs = gangs_of(v);
  return o;
}
}  // namespace

// srtf, las and tiresias share their placement, lease and scan parameters.
std::vector<ParamDef> preemptive_params(std::vector<ParamDef> own) {
  std::vector<ParamDef> defs{
      placement_param(), gang_param(),
      int_param("quantum", "60", 1, 86400,
                "preemptions are decided on a grid of this many seconds, where the policy also wakes "
                "while jobs wait"),
      int_param("min_run", "60", 0, 86400,
                "seconds a run trains (after its restart cost) before it may be preempted, a lease "
                "against thrashing; with periodic checkpoints, never before its first"),
      int_param("max_scan", "500", 1, 1e9, "waiting jobs examined per pass, in priority order")};
  defs.insert(defs.end(), own.begin(), own.end());
  return with_data(std::move(defs));
}

PreemptivePriorityPolicy::Options preemptive_options(PreemptivePriorityPolicy::Rule rule, const ParamValues& v) {
  PreemptivePriorityPolicy::Options o;
  o.rule = rule;
  o.placement = placement_of(v);
  o.gangs = gangs_of(v);
  o.quantum = SimTime::from_s(v.get_int("quantum"));
  o.min_run = SimTime::from_s(v.get_int("min_run"));
  o.max_scan = static_cast<uint32_t>(v.get_int("max_scan"));
  o.data = data_of(v);
  return o;
}

void register_builtin_policies(PolicyRegistry& r) {
  r.add(PolicyEntry{"fifo", "first come, first served; the head of the queue blocks all later jobs",
                    with_data({placement_param(), gang_param(), mix_param(), mix_types_param()}),
                    [](const ParamValues& v) {
                      return std::make_unique<StrictQueuePolicy>(StrictQueuePolicy::Order::Fifo, placement_of(v),
                                                                 mix_of(v), gangs_of(v), data_of(v));
                    }});
  r.add(PolicyEntry{"sjf", "shortest job first by the submitter's runtime estimate; non-preemptive, head blocks",
                    with_data({placement_param(), gang_param(), mix_param(), mix_types_param()}),
                    [](const ParamValues& v) {
                      return std::make_unique<StrictQueuePolicy>(StrictQueuePolicy::Order::Sjf, placement_of(v),
                                                                 mix_of(v), gangs_of(v), data_of(v));
                    }});
  const ParamDef scan =
      int_param("max_scan", "500", 1, 1e9, "jobs behind the head examined per pass (Slurm's bf_max_job_test)");
  const ParamDef interval = int_param("bf_interval", "0", 0, 86400,
                                      "seconds between backfill scans (Slurm's bf_interval; 0: at every scheduling "
                                      "pass); jobs still start in order at every pass");
  r.add(PolicyEntry{"easy-backfill",
                    "FIFO with EASY backfilling: a reservation for the head, later jobs start if they do not delay it",
                    with_data({placement_param(), gang_param(), scan, interval, mix_param(), mix_types_param()}),
                    [](const ParamValues& v) {
                      return std::make_unique<EasyBackfillPolicy>(
                          placement_of(v), static_cast<uint32_t>(v.get_int("max_scan")), mix_of(v),
                          SimTime::from_s(v.get_int("bf_interval")), gangs_of(v), data_of(v));
                    }});
  using Rule = PreemptivePriorityPolicy::Rule;
  r.add(PolicyEntry{"srtf", "shortest remaining time first, preemptive: the estimate times the share of work left",
                    preemptive_params({}), [](const ParamValues& v) {
                      return std::make_unique<PreemptivePriorityPolicy>(preemptive_options(Rule::Srtf, v));
                    }});
  r.add(PolicyEntry{"las", "least attained service first, preemptive (card-seconds held so far, or seconds)",
                    preemptive_params({choice_param("service", "card-time", {"card-time", "time"},
                                                    "attained service: card-seconds held (2D) or seconds held (1D)")}),
                    [](const ParamValues& v) {
                      auto o = preemptive_options(Rule::Las, v);
                      o.card_time = v.get_choice("service") == "card-time";
                      return std::make_unique<PreemptivePriorityPolicy>(o);
                    }});
  r.add(PolicyEntry{
      "tiresias", "Tiresias 2D-LAS: priority queues by attained card-seconds, FIFO within a queue, starvation guard",
      preemptive_params(
          {int_param("queues", "2", 1, 16, "priority queues"),
           real_param("threshold", "11520", 1, 1e12,
                      "attained card-seconds that demote a job from the first queue (48 min x 4 cards)"),
           real_param("threshold_growth", "10", 1, 1e6, "each later queue's threshold is this many times the last"),
           real_param("starve_factor", "2", 0, 1e6,
                      "a job that has waited this many times as long as it has run (both since its "
                      "arrival or last promotion) is promoted to the first queue (0: never)")}),
      [](const ParamValues& v) {
        auto o = preemptive_options(Rule::Tiresias, v);
        o.queues = static_cast<uint32_t>(v.get_int("queues"));
        o.threshold_card_s = v.get_real("threshold");
        o.threshold_growth = v.get_real("threshold_growth");
        o.starve_factor = v.get_real("starve_factor");
        return std::make_unique<PreemptivePriorityPolicy>(o);
      }});
  r.add(PolicyEntry{
      "gavel",
      "Gavel: an objective solved as a linear program over the job x chip-type throughput matrix, realised by "
      "rounds of priorities (allocation / time received); preemptive",
      round_params({choice_param("objective", "max-min", {"max-min", "makespan", "fifo", "finish-time"},
                                 "max-min (fairness, Gavel's LAS), makespan, fifo (arrival order, each job on its "
                                 "fastest type with room) or finish-time (Themis' rho)"),
                    choice_param("agnostic_fifo", "random", {"random", "last-type"},
                                 "with objective fifo and aware false, a new job's type: random among those with "
                                 "room, or last-type, the one whose name sorts last (what Gavel's code does: V100 "
                                 "first on its cluster)")}),
      [](const ParamValues& v) {
        GavelPolicy::Options o = round_options(v, "gavel");
        const std::string& obj = v.get_choice("objective");
        o.objective = obj == "makespan"      ? GavelPolicy::Objective::Makespan
                      : obj == "fifo"        ? GavelPolicy::Objective::Fifo
                      : obj == "finish-time" ? GavelPolicy::Objective::FinishTime
                                             : GavelPolicy::Objective::MaxMin;
        o.agnostic_fifo_last_type = v.get_choice("agnostic_fifo") == "last-type";
        return std::make_unique<GavelPolicy>(o);
      },
      true});
  r.add(PolicyEntry{
      "themis",
      "Themis-style finish-time fairness: minimise the largest rho = shared finish time / finish time on a 1/N "
      "share, as Gavel's linear program, in Gavel's rounds; preemptive",
      round_params({choice_param(
          "program", "per-job", {"per-job", "grouped"},
          "the finish-time program: per-job (Gavel's, a column per job and type) or grouped (one group of columns "
          "per kind of job: the same rho and optimum, many times faster with long queues, but another optimal "
          "allocation, so other decisions; docs/policies.md)")}),
      [](const ParamValues& v) {
        GavelPolicy::Options o = round_options(v, "themis");
        o.objective = GavelPolicy::Objective::FinishTime;
        if (v.get_choice("program") == "grouped") o.finish_time_search = FinishTimeSearch::Grouped;
        return std::make_unique<GavelPolicy>(o);
      },
      true,
      {{{"program", "grouped"}}}});
  r.add(PolicyEntry{
      "sia",
      "Sia: every round an integer program picks each job's chip type and (elastic jobs) gang size, maximising "
      "normalised goodput with a fairness power p and a restart discount; preemptive",
      {bool_param("aware", "true",
                  "heterogeneity-aware, or false: Sia blind to chip types (every type believed as fast as the mean "
                  "of the job's types at that gang size)"),
       int_param("round", "60", 1, 86400, "seconds per scheduling round (Sia: 60)"),
       real_param("p", "-0.5", -8, 8,
                  "fairness power on normalised goodput, not 0: p < 0 minimises sum G^p (Sia's default -0.5, "
                  "favouring the jobs with least goodput), p > 0 maximises it (p = 1: total goodput)"),
       real_param("lambda", "1.1", 0.001, 1e6,
                  "penalty for leaving a job without cards, in units of normalised goodput^p (Sia: 1.1, > 1 so any "
                  "allocation beats none)"),
       real_param("restart_penalty", "0", 0, 1e7,
                  "seconds a reconfiguration is assumed to cost in the re-allocation factor; 0: the job's restart "
                  "cost from the checkpoint model (preemption section)"),
       real_param("mip_gap", "0.0001", 0, 1, "relative optimality gap at which branch and bound stops (Sia: 1e-4)"),
       int_param("mip_nodes", "200", 0, 1e9,
                 "branch-and-bound subproblems per round at most, then the best solution found (0: no limit); a "
                 "bound in work, not time, so runs stay deterministic"),
       int_param("max_jobs", "1000", 1, 1e7, "jobs in the program, by arrival; later ones wait"),
       choice_param("solver", "mip", {"mip", "warm-relaxation"},
                    "mip (Sia's: the integer program each round, branch and bound from a rounded relaxation) or "
                    "warm-relaxation (its LP relaxation kept warm between rounds and rounded, no branch and bound: "
                    "many times faster with long queues, other decisions; aware only; docs/policies.md)"),
       placement_param(), gang_param()},
      [](const ParamValues& v) {
        SiaPolicy::Options o;
        o.aware = v.get_bool("aware");
        if (v.get_choice("solver") == "warm-relaxation") o.solver = SiaPolicy::Solver::WarmRelaxation;
        o.round = SimTime::from_s(v.get_int("round"));
        o.program.p = v.get_real("p");
        if (o.program.p == 0) throw std::invalid_argument("sia: p must not be 0 (Sia's objective is G^p)");
        o.program.lambda = v.get_real("lambda");
        o.program.mip_gap = v.get_real("mip_gap");
        o.program.mip_nodes = static_cast<uint64_t>(v.get_int("mip_nodes"));
        o.restart_penalty_s = v.get_real("restart_penalty");
        o.max_jobs = static_cast<uint32_t>(v.get_int("max_jobs"));
        o.placement = placement_of(v);
        o.gangs = gangs_of(v);
        return std::make_unique<SiaPolicy>(o);
      },
      true,
      {{{"solver", "warm-relaxation"}}}});
}

}  // namespace hetsim
