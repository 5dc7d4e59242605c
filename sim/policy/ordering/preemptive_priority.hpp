#pragma once
// Preemptive priority scheduling: srtf, las and tiresias (docs/policies.md "Preemptive policies").
//
// Every pass orders the waiting jobs by priority and, in that order, starts each one that fits
// (work conserving: a job that does not fit blocks nobody). A waiting job that does not fit may
// preempt running jobs of a strictly lower priority class, lowest first, but only as many as free
// a node (single-node jobs) or pool (gangs) where it then fits, and only runs that have trained
// for at least `min_run` after their restart cost (a lease, against thrashing) and, with periodic
// checkpoints, have completed one (else a lease shorter than the interval can livelock). Preempted jobs
// keep the work of their last checkpoint and pay the restart cost (sim/perf/checkpoint.hpp).
// Jobs start whenever they fit;
// preemptions are decided only at multiples of `quantum` (like Gavel's rounds), where the policy
// wakes while jobs wait, since attained service grows between events.
//
//   srtf     remaining work: the submitter's estimate x the share of steps still to do
//   las      least attained service: card-seconds held so far (or seconds, service=time)
//   tiresias 2D-LAS discretised (Gu et al., NSDI'19): queue k holds jobs whose attained
//            card-seconds reached threshold x growth^(k-1) (queue 0 below `threshold`), FIFO by
//            arrival within a queue; only a higher queue preempts a lower one. Starvation guard:
//            a job whose waiting time reaches `starve_factor` x its running time (both counted
//            since it arrived or was last promoted) is promoted to queue 0, and its service,
//            waiting and running times are counted afresh from then; starve_factor 0 turns it off.
//
// Cost in the busy regime: the waiting jobs are kept in priority order between passes (a waiting
// job's key does not change: its attained service and remaining work stand still; tiresias'
// starvation guard promotes it at a time known in advance, kept in a heap), so a pass reads only
// the first max_scan of them instead of ordering every waiting job; placements are shared by the
// jobs of one placement class within a pass (placement_memo.hpp; forgotten after a preemption,
// which frees cards). A preemption walk reads the running jobs lazily in order (a heap, popped as
// far as the walk goes, of only those the pass's first job outranks), skips a run holding none
// of the job's chips, and counts a one-pool run's cards at once where the job is a gang there.
// Waiting entries are erased through iterators kept per job. Decisions are those of ordering and
// searching afresh at every pass
// (tests/policy/preemptive_fast_test.cpp, bench/decisions_identical.py).
#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hetsim/policy/placement/data_locality.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/placement/placement_memo.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

class PreemptivePriorityPolicy : public Policy {
 public:
  enum class Rule : uint8_t { Srtf, Las, Tiresias };
  struct Options {
    Rule rule = Rule::Las;
    PlacementScore placement = PlacementScore::BestFit;
    GangPlacement gangs = GangPlacement::Pool;
    SimTime quantum = SimTime::from_s(60);
    SimTime min_run = SimTime::from_s(60);
    uint32_t max_scan = 500;  // waiting jobs examined per pass, in priority order
    bool card_time = true;    // las: service in card-seconds, else seconds
    uint32_t queues = 2;      // tiresias
    double threshold_card_s = 11520;
    double threshold_growth = 10;
    double starve_factor = 2;
    DataOptions data;  // where jobs go relative to their data (data_locality.hpp)
  };
  explicit PreemptivePriorityPolicy(Options o) : o_(o) {}
  std::string name() const override;
  bool preemptive() const override { return true; }
  void on_submit(const SchedulingContext& ctx, JobId id) override;
  void on_end(const SchedulingContext& ctx, JobId id) override;
  void on_requeue(const SchedulingContext& ctx, JobId id) override;
  void schedule(SchedulingContext& ctx) override;

  // Lower sorts first. Order: the job's priority (Job::priority, higher first) as a strict tier, then the rule's
  // primary value (lower first), arrival, id.
  struct Key {
    int64_t neg_priority = 0;
    double primary = 0;
    double arrival = 0;
    JobId id = 0;
    bool operator<(const Key& o) const {
      if (neg_priority != o.neg_priority) return neg_priority < o.neg_priority;
      return primary < o.primary ||
             (primary == o.primary && (arrival < o.arrival || (arrival == o.arrival && id < o.id)));
    }
    // In a strictly higher class: a higher priority, or the same and a lower primary value.
    bool outranks(const Key& o) const {
      return neg_priority < o.neg_priority || (neg_priority == o.neg_priority && primary < o.primary);
    }
  };
  // A running job a pass may stop: its key, the chip types of its cards (bit per ChipId), its
  // cards and, when they are all in one, their pool. Taken when the pass lists its victims and
  // valid for every walk of the pass: a victim restarts only in the pass's last loop, after the
  // walks (a job a walk outranks never ran before that walk in the pass), so no walk sees one that
  // moved. The reference mode (set_reference) reads allocations afresh, and the tests compare.
  struct Victim {
    static constexpr PoolId kManyPools = ~PoolId{0};
    Key key;
    JobId id = 0;
    uint64_t chips = 0;
    uint32_t cards = 0;
    PoolId pool = kManyPools;
  };
  // Exposed for tests.
  Key key_of(const SchedulingContext& ctx, JobId id);
  uint32_t tiresias_queue(double card_s) const;
  // For tests: the reference the fast paths must equal: every waiting job's key computed at every
  // pass, a placement search for every job.
  void set_reference(bool on) { reference_ = on; }
  uint64_t placement_searches() const { return memo_.searches() + plain_searches_; }

 private:
  struct Track {                             // per job, tiresias' starvation guard
    double service_offset = 0;               // card-seconds before the last promotion
    double executed_offset = 0;              // seconds run before the last promotion
    double waited_s = 0;                     // waiting since the last promotion, up to waiting_since
    SimTime waiting_since;                   // when the current wait began (pending jobs)
    uint32_t cls = PlacementMemo::kNoClass;  // placement class (PlacementMemo::class_of)
    uint32_t waits = 0;                      // times it started waiting: promo_ entries of older waits are stale
    uint64_t started_pass = 0;               // the pass of its last start
    uint32_t run_index = 0;                  // its place in running_ while it runs
    bool running = false;
    bool listed = false;  // in waiting_, at `at` (and by_class_[cls] at `at_class`)
    std::set<std::pair<Key, JobId>>::iterator at, at_class;
  };
  Track& track(JobId id);
  // order_ = the waiting jobs by priority, the first max_scan of them.
  void order_pending(const SchedulingContext& ctx);
  // A job starts or stops waiting: its key (as key_of computes it now, so a starving job is
  // promoted as the next pass would) goes into waiting_, and tiresias' promotion time into promo_.
  void enqueue(const SchedulingContext& ctx, JobId id);
  void dequeue(JobId id);
  // Tiresias: the jobs whose starvation guard fires by now get their promoted key.
  void promote_due(const SchedulingContext& ctx);
  // waiting_ and by_class_ gain or lose an entry (window_last_ follows).
  void list(const Key& k, JobId id);
  void unlist(JobId id);
  // A pass off the quantum grid (no preemption): its starts found class by class.
  void start_in_order(SchedulingContext& ctx);
  // `ahead`: cards of jobs before it in this pass that could not start, by data site (data=weigh).
  bool place(SchedulingContext& ctx, JobId id, uint64_t ahead = 0);
  bool preempt_for(SchedulingContext& ctx, JobId id, const Key& key);
  void preempt(SchedulingContext& ctx, JobId victim);

  Options o_;
  QueuedAhead ahead_;  // schedule()'s count of waiting cards by data site
  bool reference_ = false;
  std::set<JobId> pending_;  // reference mode only
  // The waiting jobs by key (each one's entries: Track::at and at_class).
  using WaitingSet = std::set<std::pair<Key, JobId>>;
  WaitingSet waiting_;
  std::set<std::pair<Key, JobId>>::iterator window_last_ = waiting_.end();  // the max_scan-th
  std::deque<WaitingSet> by_class_;  // waiting_ by placement class (a deque: sets never move)
  std::vector<uint64_t> failed_at_;  // start_in_order: per class, the state version it did not fit at
  uint64_t passes_ = 0;
  // Per class, the (pass, state version) at which preempt_for found no room for one of its jobs.
  std::vector<std::pair<uint64_t, uint64_t>> walk_failed_;
  // Tiresias: (time its starvation guard may fire, job), earliest first; entries of jobs that
  // started since, or were promoted, are skipped when they come up.
  struct Promotion {
    int64_t due_us;
    JobId id;
    uint32_t wait;  // Track::waits when it was pushed
    bool operator>(const Promotion& o) const { return due_us > o.due_us || (due_us == o.due_us && id > o.id); }
  };
  std::priority_queue<Promotion, std::vector<Promotion>, std::greater<>> promo_;
  void push_promotion(const SchedulingContext& ctx, JobId id);
  bool waiting(JobId id) const { return reference_ ? pending_.count(id) > 0 : id < track_.size() && track_[id].listed; }
  bool any_waiting() const { return reference_ ? !pending_.empty() : !waiting_.empty(); }
  PlacementMemo memo_;
  uint64_t plain_searches_ = 0;
  std::vector<JobId> running_;  // the running jobs, in no particular order (set_running)
  bool prefiltered_ = false;    // victims_ lists only runs out of their lease with a checkpoint
  void set_running(JobId id, bool on);
  std::vector<Track> track_;
  std::vector<std::pair<Key, JobId>> order_;  // scratch
  // A pass's possible victims: victims_ in order (lowest priority first) as far as walks have
  // read, victim_heap_ the rest. victim_at(i) orders up to the i-th; false when there is none.
  std::vector<Victim> victims_, victim_heap_;
  bool victim_at(std::size_t i);
  std::vector<uint32_t> freed_node_;
  std::vector<int64_t> freed_cpu_, freed_mem_, freed_pool_;
  std::vector<NodeId> freed_nodes_;
  std::vector<PoolId> freed_pools_;
  std::vector<JobId> walked_;
  Allocation scratch_;
};

}  // namespace hetsim
