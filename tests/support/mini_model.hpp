#pragma once
// Hand-made models for unit tests: a tiny chip catalog and helpers to add pools and jobs.
#include <string>

#include "hetsim/run/simulation_model.hpp"

namespace hetsim::test {

inline ChipSpec chip(const std::string& name, double tflops, double mem_gb, int cards_per_server = 8) {
  ChipSpec c;
  c.name = name;
  c.vendor = name + "-vendor";
  c.bf16_tflops = tflops;
  c.mem_gb = mem_gb;
  c.mem_bw_tbs = 2.0;
  c.intra_node_gbs = 400;
  c.intra_node_link = "test-link";
  c.cards_per_server = cards_per_server;
  c.achievable_mfu = 0.5;
  c.price_cny_per_card_hour = 1;
  c.confidence = "high";
  c.source = "test";
  return c;
}

// Chips: 0 "fast" (400 TFLOPS, 80 GB), 1 "slow" (100 TFLOPS, 32 GB).
inline SimulationModel mini_model(int sites = 1) {
  SimulationModel m;
  m.scenario_name = "mini";
  m.chips.add_or_replace(chip("fast", 400, 80));
  m.chips.add_or_replace(chip("slow", 100, 32));
  m.cluster = Cluster(m.chips.size());
  for (int s = 0; s < sites; ++s) m.cluster.add_site("site" + std::to_string(s));
  m.cluster.add_provider("prov");
  m.horizon = SimTime::from_s(30 * 86400);
  m.reference_chip = 0;
  m.tenants.push_back(Tenant{"t0", 1, 0});
  return m;
}

inline void finish_topology(SimulationModel& m, double link_gbps = 10, double latency_us = 500) {
  std::vector<SiteLink> links;
  for (SiteId s = 1; s < m.cluster.site_count(); ++s) links.push_back({0, s, latency_us, link_gbps});
  m.topology = Topology::build(m.cluster, links, std::vector<SiteFabric>(m.cluster.site_count()));
}

// A training job of `cards` cards whose work takes `seconds` on the reference chip, packed.
inline Job job(JobId id, double arrival_s, uint32_t cards, uint64_t steps = 100) {
  Job j;
  j.id = id;
  j.arrival = SimTime::from_seconds(arrival_s);
  j.cards = cards;
  j.model.params = 1e9;
  j.model.tokens_per_step = 1e5;
  j.model.flops_per_param_token = 6;
  j.model.bytes_per_param = 16;
  j.model.trains = true;
  j.steps = steps;
  j.cpu_milli_per_card = 1000;
  j.mem_mib_per_card = 1024;
  return j;
}

// Sets the job's estimate to its true runtime on the reference chip, packed.
inline void finalize(SimulationModel& m) {
  compute_reference_step_times(m);
  for (std::size_t i = 0; i < m.jobs.size(); ++i) {
    if (m.jobs[i].runtime_estimate_s == 0) {
      m.jobs[i].runtime_estimate_s = m.reference_step_time_s[i] * static_cast<double>(m.jobs[i].steps);
    }
  }
}

}  // namespace hetsim::test

namespace hetsim::test {

// A forward-only job that runs exactly `seconds` (whole seconds) on the "fast" chip, whatever
// its gang size: 1 step per second, no gradient sync.
inline Job timed_job(JobId id, double arrival_s, uint32_t cards, uint64_t seconds) {
  Job j = job(id, arrival_s, cards, seconds);
  j.model.trains = false;
  j.model.flops_per_param_token = 2;
  j.model.bytes_per_param = 2;
  j.model.params = 1e9;
  j.model.tokens_per_step = 1e5 * cards;  // 2e14 * cards FLOPs / (cards * 400e12 * 0.5) = 1 s
  return j;
}

// One 8-card node of the "fast" chip and one timed job of 1,234 s on one card, arriving at 0.
inline SimulationModel one_job_model() {
  SimulationModel m = mini_model();
  m.cluster.add_pool(0, 0, 0, 1, 8, 128000, 1 << 20, 2);
  finish_topology(m);
  m.jobs = {timed_job(0, 0, 1, 1234)};
  finalize(m);
  return m;
}

}  // namespace hetsim::test
