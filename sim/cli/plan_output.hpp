#pragma once
// What `hetsim plan` and mixed-training scenarios print and write for a planner result
// (docs/mixed-training.md, "Usage").
#include <nlohmann/json.hpp>

#include "hetsim/perf/mixed_planner.hpp"

namespace hetsim {

nlohmann::ordered_json plan_json(const MixedPlan& p);
// The request's training stack (attention, sequence parallelism, ZeRO stage, recomputation).
nlohmann::ordered_json stack_json(const PlanRequest& req);
// The plan.json document of one request.
nlohmann::ordered_json report_json(const PlanRequest& req, const MixingReport& r);
// The stage table of a plan on stdout.
void print_plan(const MixedPlan& p);

}  // namespace hetsim
