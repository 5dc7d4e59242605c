#pragma once
// MetricsCollector: told by the simulation driver when jobs arrive, start and end, and sampled
// at a fixed period. Accumulates busy card-time per chip type, site and provider (integer
// card-microseconds, so sums are exact and order-independent) and one record per job.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/allocation.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/job.hpp"

namespace hetsim {

enum class JobOutcome : uint8_t { NotArrived, Pending, Running, Completed, Failed };
const char* job_outcome_name(JobOutcome o);

struct JobRecord {
  JobOutcome outcome = JobOutcome::NotArrived;
  SimTime start;  // first start: the wait ends here
  SimTime end;
  SimTime segment_start;        // start of the current (last) run; == start unless preempted
  uint64_t chip_mask = 0;       // every chip type the gang holds (bit = chip id)
  double mixed_efficiency = 0;  // eta of a gang spanning chip types, else 0
  uint32_t nodes = 0;
  uint16_t sites = 0;
  uint16_t leaves = 0;  // leaf switches the gang spans
  NodeId first_node = kNoNode;
  // Rent of the gang per second, all of it and the part on domestic chips (billing.hpp).
  double rent_per_s = 0;
  double domestic_rent_per_s = 0;
  // Preemptions: how many, the card-seconds of work they threw away (since the last checkpoint),
  // and the rent of the runs before the current one (billing.hpp adds it).
  uint32_t preemptions = 0;
  uint32_t failures = 0;           // kills by node failures or site outages
  double lost_card_s = 0;          // by preemptions and failures
  double failure_lost_card_s = 0;  // the part lost to failures
  double prior_rent = 0;
  double prior_domestic_rent = 0;
  // Data staging: copies of the job's data to other sites, their GB, and the seconds its runs
  // held cards waiting for them (a run stopped while copying included).
  uint32_t copies = 0;
  double staged_gb = 0;
  double staging_s = 0;
  double staging_card_s = 0;
  // Cards of the current (last) run, and how many runs took a different number of cards than the
  // run before (elastic jobs resized by their policy, docs/policies.md "Sia").
  uint32_t cards = 0;
  uint32_t resizes = 0;
  // Of the preemptions, those by which the driver took cards back for another tenant's guarantee
  // (docs/policies.md "Guaranteed shares").
  uint32_t reclaims = 0;
};

// Started at least once (a preempted job waiting again has started).
inline bool has_started(const JobRecord& r) {
  return r.outcome == JobOutcome::Running || r.outcome == JobOutcome::Completed || r.outcome == JobOutcome::Failed ||
         r.preemptions + r.failures > 0;
}
// Left the system: completed, or failed after its last allowed kill.
inline bool has_ended(const JobRecord& r) {
  return r.outcome == JobOutcome::Completed || r.outcome == JobOutcome::Failed;
}

struct TimeseriesRow {
  SimTime t;
  uint64_t pending = 0;
  uint64_t running = 0;
  int64_t busy_cards = 0;
  std::vector<int64_t> busy_by_chip;  // indexed like MetricsCollector::chip_columns()
  std::vector<int64_t> busy_by_site;
};

class MetricsCollector {
 public:
  MetricsCollector(const Cluster& cluster, const ChipCatalog& chips, const std::vector<Job>& jobs);

  void on_submit(JobId id, SimTime now);
  // `mixed_efficiency`: eta of a gang spanning chip types (0 for one chip type).
  void on_start(JobId id, const Allocation& a, SimTime now, double mixed_efficiency = 0);
  void on_end(JobId id, const Allocation& a, SimTime now);
  // Job `id` stopped holding `a` at `now` before completing, losing `lost_card_s` of its work:
  // preempted or killed by a failure it waits again; failed (its last allowed kill) it ends.
  enum class Stop : uint8_t { Preempted, Killed, Failed, Reclaimed };  // Reclaimed: a preemption for a guarantee
  void on_stop(JobId id, const Allocation& a, SimTime now, double lost_card_s, Stop why);
  // Data staging: a run of job `id` started `copies` copies of `gb` in all; its cards waited
  // `seconds` for them (until the last arrived or the run stopped).
  void on_staging_start(JobId id, uint32_t copies, double gb);
  void on_staging_end(JobId id, double seconds);
  // A node went down (its cards unavailable) or came back.
  void on_node_down(NodeId n, SimTime now);
  void on_node_up(NodeId n, SimTime now);
  uint64_t node_failures() const { return node_failures_; }
  // Card-microseconds of nodes down, up to finish() for nodes still down then.
  int64_t down_card_us() const { return down_card_us_; }
  void sample(SimTime now, uint64_t pending, uint64_t running);
  // Keep every started job's allocation for trace_json (--trace-out); off by default.
  void enable_trace() { trace_alloc_.assign(records_.size(), {}); }
  bool tracing() const { return !trace_alloc_.empty(); }
  const Allocation& traced_allocation(JobId id) const { return trace_alloc_.at(id); }

  // Closes the busy-time integrals of jobs still running at `end`.
  void finish(SimTime end, const std::function<const Allocation&(JobId)>& allocation_of);

  const std::vector<JobRecord>& records() const { return records_; }
  const std::vector<TimeseriesRow>& timeseries() const { return rows_; }
  // Chip types that have cards in this cluster, in chip-id order.
  const std::vector<ChipId>& chip_columns() const { return chip_cols_; }
  SimTime end_time() const { return end_; }

  // Busy card-microseconds.
  const std::vector<int64_t>& busy_by_chip() const { return busy_chip_; }
  const std::vector<int64_t>& busy_by_site() const { return busy_site_; }
  const std::vector<int64_t>& busy_by_provider() const { return busy_provider_; }
  int64_t busy_total() const;
  // Card-microseconds during which cards sat idle while at least one job was waiting: capacity
  // stranded by chip type, pool, site or gang shape (what mixing chip types can recover).
  int64_t stranded_card_us() const { return stranded_us_; }

 private:
  void accumulate(const Allocation& a, SimTime from, SimTime to);
  void drop_live(const Allocation& a);  // `a`'s cards are no longer allocated
  void advance(SimTime now);            // integrates the stranded cards up to `now`

  const Cluster& cluster_;
  const ChipCatalog& chips_;
  std::vector<JobRecord> records_;
  std::vector<TimeseriesRow> rows_;
  std::vector<ChipId> chip_cols_;
  std::vector<int64_t> busy_chip_, busy_site_, busy_provider_;
  std::vector<int64_t> live_chip_, live_site_;  // cards allocated right now
  int64_t live_total_ = 0;
  std::vector<Allocation> trace_alloc_;  // per job, when tracing
  std::vector<SiteId> scratch_sites_;    // on_start's working sets
  std::vector<uint32_t> scratch_leaves_;
  uint64_t queued_ = 0;
  SimTime last_change_;
  int64_t stranded_us_ = 0;
  SimTime end_;
  uint64_t node_failures_ = 0;
  int64_t down_card_us_ = 0;
  std::vector<SimTime> down_since_;  // per node, while down (sized at the first failure)
};

}  // namespace hetsim
