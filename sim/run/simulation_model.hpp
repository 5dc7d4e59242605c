#pragma once
// SimulationModel: everything one run needs, built from a scenario (sim/scenario) or by hand in
// tests. Jobs are sorted by arrival and job.id == index.
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/core/sim_time.hpp"
#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/cluster.hpp"
#include "hetsim/model/data_staging.hpp"
#include "hetsim/model/failures.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/model/measured_throughputs.hpp"
#include "hetsim/model/tenant.hpp"
#include "hetsim/model/topology.hpp"
#include "hetsim/perf/checkpoint.hpp"
#include "hetsim/perf/mixed_efficiency.hpp"
#include "hetsim/perf/throughput.hpp"

namespace hetsim {

struct SimulationModel {
  std::string scenario_name;
  uint64_t seed = 1;
  ChipCatalog chips;
  Cluster cluster;
  Topology topology;
  std::vector<Tenant> tenants;
  VoucherRules vouchers;
  std::vector<Job> jobs;
  PerfParams perf;
  MeasuredThroughputs measured;  // rates of jobs with a measured type (scenario `throughputs:`)
  MixingParams mixing;           // how gangs spanning chip types are costed (jobs with may_mix_chips)
  CheckpointModel checkpoint;    // checkpoint and restart costs (scenario `preemption:`)
  FailureModel failures;         // node failures and site outages (scenario `failures:`)
  DataStaging data_staging;      // copying jobs' data to where they run (scenario `data_staging:`)
  SimTime horizon;
  // The run ends once every job with an id in [stop_first, stop_last) has ended (stop_last == 0:
  // only at the horizon or when the workload drains). Ids past the workload are ignored.
  JobId stop_first = 0, stop_last = 0;
  uint64_t stop_waiting = 0;  // end the run once more jobs than this wait (0: never)
  SimTime sample_interval = SimTime::from_s(3600);
  ChipId reference_chip = 0;
  // Seconds per step of each job on the reference chip, packed (see perf/allocation_shape.hpp):
  // the yardstick that scales submitters' estimates to other chips.
  std::vector<double> reference_step_time_s;
};

// Fills model.reference_step_time_s from the perf model (reference chip, packed shape).
void compute_reference_step_times(SimulationModel& model);

}  // namespace hetsim
