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
#include <cstdint>
#include <set>
#include <vector>

#include "hetsim/policy/ordering/queue_key.hpp"
#include "hetsim/policy/placement/data_locality.hpp"
#include "hetsim/policy/placement/mixed_placement.hpp"
#include "hetsim/policy/placement/placement.hpp"
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

 private:
  bool reserve(const SchedulingContext& ctx, JobId head);
  // `ahead`: cards queued before it with the same data site (data=weigh).
  bool try_backfill(SchedulingContext& ctx, JobId id, const kernels::BestNode* hint, uint64_t ahead);
  // Best single node for `id` from a batch result computed before this pass's starts, repaired
  // against the nodes those starts touched: equal to what the index search returns now.
  bool repaired_hint(const SchedulingContext& ctx, JobId id, const kernels::BestNode& hint, Allocation& out) const;
  void start(SchedulingContext& ctx, JobId id, Allocation a);
  void take_from_caps(const Allocation& a);

  PlacementScore placement_;
  uint32_t max_scan_;
  MixOptions mix_;
  SimTime bf_interval_;
  GangPlacement gangs_;
  DataOptions data_;
  bool backfilled_ = false;   // a backfill scan has run (at last_backfill_)
  SimTime last_backfill_;
  std::set<QueueKey> queue_;  // priority, then arrival (rank 0: ids follow arrival order)
  Reservation reservation_;
  uint64_t scanned_version_ = ~0ULL;  // state version after the last full scan
  QueueKey scanned_upto_;             // jobs up to this key were scanned at scanned_version_
  bool rescan_ = false;               // a job arrived ahead of scanned_upto_ (a higher priority)
  Allocation scratch_;
  QueuedAhead ahead_;            // the backfill scan's count of waiting cards by data site
  std::vector<NodeId> touched_;  // nodes allocated since the batch was scored
  mutable std::vector<NodeId> rescore_;  // repaired_hint's scratch
  // Scratch of reserve(), kept across passes so a pass allocates nothing in steady state:
  // cards released by jobs ending before the shadow time, per node and per pool.
  std::vector<uint32_t> extra_;
  std::vector<NodeId> extra_nodes_;
  std::vector<uint32_t> leaf_extra_;  // the same per leaf switch (leaf-pack only)
  std::vector<int64_t> pool_extra_;
  std::vector<NodeId> order_;
  std::vector<uint32_t> bucket_start_;
};

}  // namespace hetsim
