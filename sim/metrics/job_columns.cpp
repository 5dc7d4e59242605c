#include "hetsim/metrics/job_columns.hpp"

#include <cmath>
#include <limits>

namespace hetsim {

double JobCell::number() const {
  switch (kind) {
    case Kind::Integer:
      return static_cast<double>(integer);
    case Kind::Real:
      return real;
    case Kind::Time:
      return time.seconds();
    case Kind::Empty:
    case Kind::Text:
      break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void append_chip_label(std::string& out, const ChipCatalog& chips, uint64_t chip_mask) {
  for (uint64_t m = chip_mask; m != 0; m &= m - 1) {
    out.append(chips.at(static_cast<ChipId>(__builtin_ctzll(m))).name);
    if ((m & (m - 1)) != 0) out.push_back('+');
  }
}

namespace {

using C = JobCell;
using T = JobColumn::Type;

C chip_cell(const JobRowView& v) {
  if (!v.started) return C::none();
  v.scratch.clear();
  append_chip_label(v.scratch, v.chips, v.record.chip_mask);
  return C::of_text(v.scratch);
}

}  // namespace

const std::vector<JobColumn>& job_columns() {
  static const std::vector<JobColumn> columns{
      {"job_id", T::Integer, "int", "index of the job (arrival order)",
       [](const JobRowView& v) { return C::of_integer(static_cast<int64_t>(v.job.id)); }},
      {"tenant", T::Text, "string", "tenant name",
       [](const JobRowView& v) { return C::of_text(v.tenants[v.job.tenant].name); }},
      {"class", T::Text, "string", "pretrain, finetune, eval, inference, debug",
       [](const JobRowView& v) { return C::of_text(job_class_name(v.job.job_class)); }},
      {"arrival_s", T::Number, "s", "submission time", [](const JobRowView& v) { return C::of_time(v.job.arrival); }},
      {"status", T::Text, "string",
       "`completed`; `failed` (killed by failures `retry_limit` times); `running` or `pending` at the horizon (a "
       "preempted or killed job waiting again is `pending`); `not_arrived` (arrival after the horizon)",
       [](const JobRowView& v) { return C::of_text(job_outcome_name(v.record.outcome)); }},
      {"start_s", T::Number, "s", "first start (empty when not started)",
       [](const JobRowView& v) { return v.started ? C::of_time(v.record.start) : C::none(); }},
      {"end_s", T::Number, "s", "completion or final failure (empty when neither)",
       [](const JobRowView& v) { return v.ended ? C::of_time(v.record.end) : C::none(); }},
      {"wait_s", T::Number, "s", "start - arrival (empty when not started)",
       [](const JobRowView& v) { return v.started ? C::of_time(v.record.start - v.job.arrival) : C::none(); }},
      {"jct_s", T::Number, "s", "completion - arrival (empty when not completed)",
       [](const JobRowView& v) { return v.done ? C::of_time(v.record.end - v.job.arrival) : C::none(); }},
      {"cards", T::Integer, "int",
       "gang size: the cards of its last run once started (an elastic job resized by `sia` shows the size it ended "
       "on), else its request",
       [](const JobRowView& v) { return C::of_integer(v.started ? v.record.cards : v.job.cards); }},
      {"chip", T::Text, "string",
       "chip type it ran on (empty when not started; a preempted job: its last run); a gang spanning chip types "
       "names them all, joined by `+` in catalog order (`A100-80G-SXM+Ascend-910B3`)",
       chip_cell},
      {"nodes", T::Number, "int", "nodes the gang spans (last run; empty when not started)",
       [](const JobRowView& v) { return v.started ? C::of_integer(v.record.nodes) : C::none(); }},
      {"leaves", T::Number, "int", "leaf switches the gang spans (last run; empty when not started)",
       [](const JobRowView& v) { return v.started ? C::of_integer(v.record.leaves) : C::none(); }},
      {"sites", T::Number, "int", "sites the gang spans (last run; empty when not started)",
       [](const JobRowView& v) { return v.started ? C::of_integer(v.record.sites) : C::none(); }},
      {"site", T::Text, "string", "site of the gang's first node (empty when not started)",
       [](const JobRowView& v) {
         return v.started ? C::of_text(v.cluster.site(v.cluster.node_site(v.record.first_node)).name) : C::none();
       }},
      {"provider", T::Text, "string", "provider of the gang's first node (empty when not started)",
       [](const JobRowView& v) {
         return v.started ? C::of_text(v.cluster.provider(v.cluster.node_provider(v.record.first_node)).name)
                          : C::none();
       }},
      {"steps", T::Integer, "int", "work, in steps",
       [](const JobRowView& v) { return C::of_integer(static_cast<int64_t>(v.job.steps)); }},
      {"estimate_s", T::Number, "s", "the submitter's runtime estimate on the reference chip (3 decimals)",
       [](const JobRowView& v) { return C::of_real(v.job.runtime_estimate_s, 3); }},
      {"mixed_efficiency", T::Number, "number",
       "eta of a gang spanning chip types (6 decimals); empty for one chip type or not started",
       [](const JobRowView& v) {
         return v.record.mixed_efficiency > 0 ? C::of_real(v.record.mixed_efficiency, 6) : C::none();
       }},
      {"cost", T::Number, "currency",
       "rent billed for the job (2 decimals; to the end of the run if still running); empty if not started",
       [](const JobRowView& v) { return v.started ? C::of_real(v.bill.job_rent[v.job.id], 2) : C::none(); }},
      {"subsidy", T::Number, "currency", "the part of `cost` compute vouchers paid; empty if not started",
       [](const JobRowView& v) { return v.started ? C::of_real(v.bill.job_subsidy[v.job.id], 2) : C::none(); }},
      {"preemptions", T::Integer, "int", "times a preemptive policy stopped the job (0 otherwise)",
       [](const JobRowView& v) { return C::of_integer(v.record.preemptions); }},
      {"failures", T::Integer, "int", "times a node failure or site outage killed it",
       [](const JobRowView& v) { return C::of_integer(v.record.failures); }},
      {"lost_card_s", T::Number, "card-s",
       "work thrown away by those preemptions and kills: cards x the time since the last complete checkpoint, "
       "restart cost included (3 decimals)",
       [](const JobRowView& v) { return C::of_real(v.record.lost_card_s, 3); }},
      {"staging_s", T::Number, "s",
       "seconds its runs held cards waiting for copies of its data (`data_staging`; 3 decimals; 0 without)",
       [](const JobRowView& v) { return C::of_real(v.record.staging_s, 3); }},
      {"staged_gb", T::Number, "GB", "data copied to other sites for it, over all its runs (3 decimals)",
       [](const JobRowView& v) { return C::of_real(v.record.staged_gb, 3); }},
  };
  return columns;
}

std::string job_columns_header() {
  std::string h;
  for (const JobColumn& c : job_columns()) {
    if (!h.empty()) h.push_back(',');
    h.append(c.name);
  }
  h.push_back('\n');
  return h;
}

std::string job_columns_markdown() {
  std::string md = "| column | unit | meaning |\n|---|---|---|\n";
  for (const JobColumn& c : job_columns()) {
    md.append("| `").append(c.name).append("` | ").append(c.unit).append(" | ").append(c.meaning).append(" |\n");
  }
  return md;
}

}  // namespace hetsim
