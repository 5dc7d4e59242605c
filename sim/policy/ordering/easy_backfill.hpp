#pragma once
// EASY backfilling (Lifka 1995; Mu'alem & Feitelson 2001), FIFO order.
// Jobs start in arrival order while they fit. When the head does not fit it gets a reservation:
// walking the running jobs by estimated end, the earliest time (the shadow time) at which the
// head could be placed, and the cards it would take then. Later jobs (up to max_scan of them)
// may start now if they fit and either end, by their estimate, before the shadow time or leave
// the reserved cards alone. Reservations are node-level: on a reserved node, a job running past
// the shadow time may take only the cards the head will not need. Estimates are the submitters'
// (scaled by the predicted speed of the chosen chip); when a job overruns its estimate its end
// is taken to be now, as a scheduler with walltime limits would see it.
// Host CPU and memory are assumed to follow cards in the reservation (the placement still checks
// them when a job actually starts).
//
// Cost in the busy regime: the waiting jobs are one sorted array (waiting_queue.hpp), each job's
// placement class is computed once at submission, and the placement searches of a pass are shared
// by the jobs of one class (placement_memo.hpp): a class that does not fit, with or without the
// head's caps, is not searched again in the pass, and a job's estimate on a single node of a chip
// is kept with it. Decisions are those of searching for every job (bench/decisions_identical.py,
// tests/policy/easy_backfill_memo_test.cpp). The memo is off under a data locality rule (the
// answer depends on the job's data site and the queue ahead) and with a batched scorer (--device).
#include <climits>
#include <cstdint>
#include <vector>

#include "hetsim/policy/ordering/class_index.hpp"
#include "hetsim/policy/ordering/free_summary.hpp"
#include "hetsim/policy/ordering/queue_key.hpp"
#include "hetsim/policy/ordering/waiting_queue.hpp"
#include "hetsim/policy/placement/data_locality.hpp"
#include "hetsim/policy/placement/mixed_placement.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/placement/placement_memo.hpp"
#include "hetsim/policy/policy.hpp"

namespace hetsim {

class EasyBackfillPolicy : public Policy {
 public:
  // bf_interval: backfill at most once per interval (Slurm's bf_interval); zero: at every pass.
  EasyBackfillPolicy(PlacementScore placement, uint32_t max_scan, MixOptions mix = {},
                     SimTime bf_interval = SimTime::zero(), GangPlacement gangs = GangPlacement::Pool,
                     DataOptions data = {})
      : placement_(placement), max_scan_(max_scan), mix_(mix), bf_interval_(bf_interval), gangs_(gangs), data_(data) {}
  std::string name() const override;
  void on_submit(const SchedulingContext& ctx, JobId id) override;
  void on_end(const SchedulingContext&, JobId) override {}
  void schedule(SchedulingContext& ctx) override;

  // Exposed for tests: the current reservation of the blocked head.
  struct Reservation {
    bool valid = false;
    JobId head = 0;
    SimTime shadow;
    std::vector<NodeCap> caps;  // reserved nodes: cards a long job may still take there
  };
  const Reservation& reservation() const { return reservation_; }
  // Placement searches made so far (tests and benchmarks).
  uint64_t placement_searches() const { return memo_.searches() + plain_searches_; }
  // For tests: the reference the fast paths must equal. A placement search for every job (no
  // memo) and the reservation's walk releasing every node of every walked job.
  void set_reference(bool on) { reference_ = on; }

 private:
  // What the policy keeps with each waiting job.
  static constexpr int64_t kSlowEstimate = INT64_MIN;    // too long for microseconds: compute it
  static constexpr int64_t kNoEstimate = INT64_MIN + 1;  // not computed yet
  struct Waiting {
    uint32_t cls = PlacementMemo::kNoClass;        // placement class (PlacementMemo::class_of)
    uint32_t est_shape = PlacementMemo::kNoClass;  // shape (PlacementMemo::shape) of est_us
    int64_t est_us = 0;                            // estimated runtime on that shape, microseconds
    // The least estimated runtime on any chip it may use, whatever the placement (on one node of
    // the chip for single-node classes, the perf model's floor for gangs): a lower bound of est_us
    // (microseconds).
    int64_t est_lo_us = kNoEstimate;
    uint32_t ci = 0;     // its index within its class (ClassIndex::add)
    bool mixes = false;  // may take a mixed gang (mix_chips on and the job may mix)
  };
  using Queue = WaitingQueue<Waiting>;
  // Dead slots a scan may step over before it packs the front of the queue.
  static constexpr uint64_t kDeadSlotsToPack = 32;

  bool reserve(const SchedulingContext& ctx, JobId head, uint32_t head_class);
  // The backfill scan behind the head at slot head_pos: streamed with the memo and no quotas,
  // else over a window listed first (held jobs, batch hints, data rules).
  void scan_window(SchedulingContext& ctx, std::size_t head_pos, bool full_scan);
  // The fast scan: the same decisions, visiting per class only the jobs its verdict leaves open
  // (ClassIndex), in queue order.
  void scan_classes(SchedulingContext& ctx, std::size_t head_pos, bool full_scan);
  // The first slot in [from, to] of a job of class `cls` that the class's verdict now leaves open.
  std::size_t open_slot(uint32_t cls, std::size_t from, std::size_t to, const FreeSummary& free,
                        const FreeSummary& capped, bool us_exact, int64_t slack_us);
  // Brings index_ up to the queue's layout; removes the job at `pos` from both; a job's index value.
  void sync_index();
  bool index_synced() const { return index_layout_ == queue_.layout_version(); }
  void dequeue(std::size_t pos);
  static int64_t index_value(const Waiting& w);
  void scan_window_listed(SchedulingContext& ctx, JobId head, std::size_t head_pos, bool full_scan, BatchScorer* batch,
                          bool quotas);
  // `ahead`: cards queued before it with the same data site (data=weigh).
  bool try_backfill(SchedulingContext& ctx, JobId id, const kernels::BestNode* hint, uint64_t ahead);
  // The same decision from the placement memo (no data rule, no batch hints).
  bool try_backfill_memo(SchedulingContext& ctx, Queue::Entry& e, const FreeSummary& free, const FreeSummary& capped);
  // FreeSummary::may_fit of `free` and of `capped` (the free cards seen through the head's caps)
  // for the jobs of a class, once per refresh.
  bool class_may_fit(uint32_t cls, const FreeSummary& free, const FreeSummary& capped, bool through_caps);
  // Waiting::est_lo_us of job `id` of single-node class `cls`.
  int64_t lowest_estimate_us(const SchedulingContext& ctx, JobId id, uint32_t cls) const;
  // Best single node for `id` from a batch result computed before this pass's starts, repaired
  // against the nodes those starts touched: equal to what the index search returns now.
  bool repaired_hint(const SchedulingContext& ctx, JobId id, const kernels::BestNode& hint, Allocation& out) const;
  void start(SchedulingContext& ctx, JobId id, Allocation a);
  // Keeps the pool and whole cards of a run in one pool (the reservation's walk reads them).
  void note_run(const Cluster& c, JobId id, const Allocation& a);
  void take_from_caps(const Allocation& a);

  PlacementScore placement_;
  uint32_t max_scan_;
  MixOptions mix_;
  SimTime bf_interval_;
  GangPlacement gangs_;
  DataOptions data_;
  bool backfilled_ = false;  // a backfill scan has run (at last_backfill_)
  SimTime last_backfill_;
  Queue queue_;                         // priority, then arrival (rank 0: ids follow arrival order)
  ClassIndex index_;                    // the queue by placement class (scan_classes)
  uint64_t index_layout_ = ~0ULL;       // queue layout version index_ was built for
  std::vector<std::size_t> next_open_;  // scan_classes: per class, its next open slot
  PlacementMemo memo_;
  bool reference_ = false;
  bool memo_on_ = false;  // this pass
  uint64_t plain_searches_ = 0;
  std::vector<std::size_t> window_;  // slots of this pass's backfill window
  struct MayFit {
    uint64_t version = 0;
    bool fits = false;
    uint64_t capped_version = 0;
    bool capped_fits = false;
  };
  std::vector<MayFit> may_fit_;  // per class, at free_version_
  uint64_t free_version_ = 0;    // refreshes of the backfill scan's FreeSummary
  Reservation reservation_;
  uint64_t scanned_version_ = ~0ULL;  // state version after the last full scan
  QueueKey scanned_upto_;             // jobs up to this key were scanned at scanned_version_
  bool rescan_ = false;               // a job arrived ahead of scanned_upto_ (a higher priority)
  Allocation scratch_;
  QueuedAhead ahead_;                    // the backfill scan's count of waiting cards by data site
  std::vector<NodeId> touched_;          // nodes allocated since the batch was scored
  mutable std::vector<NodeId> rescore_;  // repaired_hint's scratch
  // Scratch of reserve(), kept across passes so a pass allocates nothing in steady state:
  // cards released by jobs ending before the shadow time, per node and per pool.
  std::vector<uint32_t> extra_;
  std::vector<NodeId> extra_nodes_;
  std::vector<uint32_t> leaf_extra_;  // the same per leaf switch (leaf-pack only)
  std::vector<int64_t> pool_extra_;
  std::vector<uint64_t> order_;          // released nodes of the reserved pool: (cpn - free then) << 32 | node
  std::vector<uint8_t> gang_pool_;       // pools that may take the head as a gang
  std::vector<uint64_t> released_bits_;  // reserve_gang: the released nodes of the pool
  // Per job, set when it starts: the one pool its run is in and its whole cards there (cards 0:
  // several pools, or never started by this policy). Stale once the run ends, and then unread:
  // the walk visits running jobs only.
  struct RunPool {
    PoolId pool = 0;
    uint32_t cards = 0;
  };
  std::vector<RunPool> run_pool_;
};

}  // namespace hetsim
