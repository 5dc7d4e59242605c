#include "hetsim/metrics/trace_export.hpp"

#include <iterator>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace hetsim {

namespace {
// A JSON string literal (names are scenario identifiers, but quote them properly anyway).
std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }
}  // namespace

uint64_t trace_slice_count(const ReportInputs& in) {
  const auto& recs = in.metrics->records();
  uint64_t n = 0;
  for (JobId i = 0; i < recs.size(); ++i) {
    if (has_started(recs[i])) n += allocation_cards(in.metrics->traced_allocation(i));
  }
  return n;
}

std::string trace_json(const ReportInputs& in) {
  const Cluster& c = *in.cluster;
  const auto& recs = in.metrics->records();
  const auto& jobs = *in.jobs;
  const SimTime end = in.metrics->end_time();
  std::string out = "{\"displayTimeUnit\": \"ms\", \"otherData\": {\"scenario\": " + json_string(in.info->scenario) +
                    ", \"seed\": " + std::to_string(in.info->seed) + ", \"policy\": " + json_string(in.info->policy) +
                    ", \"time\": \"simulated microseconds\"},\n\"traceEvents\": [\n";
  std::set<NodeId> nodes;
  bool first = true;
  auto emit = [&](const std::string& e) {
    if (!first) out += ",\n";
    out += e;
    first = false;
  };
  for (JobId i = 0; i < recs.size(); ++i) {
    const JobRecord& r = recs[i];
    if (!has_started(r)) continue;
    const Job& j = jobs[i];
    const SimTime stop = has_ended(r) ? r.end : end;
    const std::string name = json_string(fmt::format("job {} ({})", i, job_class_name(j.job_class)));
    const std::string args = fmt::format(
        "{{\"job\": {}, \"tenant\": {}, \"class\": \"{}\", \"cards\": {}, \"chip\": {}, \"arrival_us\": {}, "
        "\"mixed_efficiency\": {}, \"status\": \"{}\"}}",
        i, json_string((*in.tenants)[j.tenant].name), job_class_name(j.job_class), r.cards > 0 ? r.cards : j.cards,
        json_string(chip_label(*in.chips, r)), j.arrival.us(), r.mixed_efficiency, job_outcome_name(r.outcome));
    for (const NodeGrant& g : in.metrics->traced_allocation(i)) {
      nodes.insert(g.node);
      for (uint32_t card = 0; card < 32; ++card) {
        if (((g.card_mask >> card) & 1U) == 0) continue;
        emit(
            fmt::format("{{\"name\": {}, \"cat\": \"{}\", \"ph\": \"X\", \"ts\": {}, \"dur\": {}, \"pid\": {}, "
                        "\"tid\": {}, \"args\": {}}}",
                        name, job_class_name(j.job_class), r.segment_start.us(), (stop - r.segment_start).us(),
                        g.node + 1, card + 1, args));
      }
    }
  }
  for (NodeId n : nodes) {
    const Pool& p = c.pool(c.node_pool(n));
    emit(fmt::format("{{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": {}, \"args\": {{\"name\": {}}}}}", n + 1,
                     json_string(fmt::format("{} / {} / {} / node {}", c.site(p.site).name, c.provider(p.provider).name,
                                             in.chips->at(p.chip).name, n))));
    emit(fmt::format(
        "{{\"name\": \"process_sort_index\", \"ph\": \"M\", \"pid\": {}, \"args\": {{\"sort_index\": {}}}}}", n + 1,
        n + 1));
    for (uint32_t card = 0; card < p.cards_per_node; ++card) {
      emit(fmt::format(
          "{{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": {}, \"tid\": {}, \"args\": {{\"name\": \"card {}\"}}}}",
          n + 1, card + 1, card));
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace hetsim
