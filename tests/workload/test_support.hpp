#pragma once
// Shared fixtures of the workload tests: a small chip catalog, a platform context and a stand-in
// for the perf model (peak FLOPs at a fixed MFU; the real model plugs in through the context).
#include <cstdint>
#include <string>
#include <vector>

#include "hetsim/model/chip_catalog.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/workload/generator.hpp"

namespace hetsim::testing {

inline ChipSpec make_chip(const std::string& name, double tflops, double mem_gb) {
  ChipSpec c;
  c.name = name;
  c.vendor = "test";
  c.bf16_tflops = tflops;
  c.mem_gb = mem_gb;
  return c;
}

// Chip ids: 0 A100-80G-SXM (80 GB), 1 Ascend-910B3 (64 GB), 2 H20 (96 GB), 3 L20 (48 GB).
inline ChipCatalog test_catalog() {
  ChipCatalog cat;
  cat.add_or_replace(make_chip("A100-80G-SXM", 312, 80));
  cat.add_or_replace(make_chip("Ascend-910B3", 313, 64));
  cat.add_or_replace(make_chip("H20", 148, 96));
  cat.add_or_replace(make_chip("L20", 119.5, 48));
  return cat;
}

// flops_per_param_token x params x tokens / (cards x A100 peak x 45% MFU): seconds per step.
inline double standin_step_time_s(const Job& j) {
  return j.model.flops_per_param_token * j.model.params * j.model.tokens_per_step /
         (static_cast<double>(j.cards) * 312e12 * 0.45);
}

// A Shanghai-like platform: every chip has a pool, the largest able to hold 1024-card gangs.
inline GeneratorContext test_context(const ChipCatalog& cat, std::size_t tenants = 20) {
  GeneratorContext ctx;
  ctx.catalog = &cat;
  ctx.tenant_weights = zipf_weights(tenants, 1.0);
  for (std::size_t i = 0; i < tenants; ++i) ctx.tenant_names.push_back("co-" + std::to_string(i));
  ctx.site_names = {"xuhui", "lingang"};
  ctx.site_data_weights = {0.3, 0.7};
  ctx.memory_usable_fraction = 0.9;
  ctx.max_gang_by_chip = {2048, 10000, 1024, 512};
  ctx.reference_step_time_s = standin_step_time_s;
  return ctx;
}

}  // namespace hetsim::testing
