#include "hetsim/metrics/report.hpp"
#include "hetsim/metrics/csv_row.hpp"

#include <cmath>
#include <filesystem>
#include <future>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "hetsim/core/rng.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/metrics/billing.hpp"
#include "hetsim/metrics/chunk_pipeline.hpp"
#include "hetsim/metrics/job_columns.hpp"
#include "hetsim/metrics/stats.hpp"

namespace hetsim {

namespace {

// Exact decimal seconds from integer microseconds: no floating-point formatting involved.
std::string seconds_str(SimTime t) {
  const int64_t us = t.us();
  const char* sign = us < 0 ? "-" : "";
  const int64_t a = us < 0 ? -us : us;
  return fmt::format("{}{}.{:06}", sign, a / 1'000'000, a % 1'000'000);
}

double ratio(int64_t busy_us, int64_t cards, SimTime window) {
  if (cards <= 0 || window.us() <= 0) return 0;
  return static_cast<double>(busy_us) / (static_cast<double>(cards) * static_cast<double>(window.us()));
}

// Rounded to 1e-9 so that the JSON text does not depend on the last bits of a division.
double r9(double x) { return std::round(x * 1e9) / 1e9; }
// Money to the cent.
double r2(double x) { return std::round(x * 100) / 100; }

nlohmann::ordered_json dist_json(const Distribution& d, bool with_p95) {
  nlohmann::ordered_json j;
  j["count"] = d.count;
  j["mean"] = r9(d.mean);
  j["p50"] = r9(d.p50);
  if (with_p95) j["p95"] = r9(d.p95);
  j["p99"] = r9(d.p99);
  j["max"] = r9(d.max);
  return j;
}

}  // namespace

Billing bill_run(const ReportInputs& in) {
  return bill_jobs(*in.jobs, in.metrics->records(), *in.tenants, *in.vouchers, in.metrics->end_time());
}

nlohmann::ordered_json summary_json(const ReportInputs& in) { return summary_json(in, bill_run(in)); }

namespace {
// The summary's sections, in the order summary.json lists them (docs/scenario-format.md "Output
// schemas").

// jobs, jct_s, wait_s and makespan_s.
void add_job_outcomes(const ReportInputs& in, nlohmann::ordered_json& s) {
  const auto& recs = in.metrics->records();
  const auto& jobs = *in.jobs;
  uint64_t submitted = 0, completed = 0, running = 0, pending = 0, failed = 0;
  std::vector<double> jct, wait;
  SimTime first_arrival = kNever, last_end = SimTime::zero();
  for (JobId i = 0; i < recs.size(); ++i) {
    const JobRecord& r = recs[i];
    if (r.outcome == JobOutcome::NotArrived) continue;
    ++submitted;
    first_arrival = std::min(first_arrival, jobs[i].arrival);
    // A preempted or killed job waiting again has its first wait.
    if (has_started(r)) wait.push_back((r.start - jobs[i].arrival).seconds());
    if (r.outcome == JobOutcome::Pending) {
      ++pending;
      continue;
    }
    if (r.outcome == JobOutcome::Running) {
      ++running;
      continue;
    }
    if (r.outcome == JobOutcome::Failed) {
      ++failed;
      continue;
    }
    ++completed;
    jct.push_back((r.end - jobs[i].arrival).seconds());
    last_end = std::max(last_end, r.end);
  }
  s["jobs"] = {{"total", jobs.size()},
               {"submitted", submitted},
               {"completed", completed},
               {"running_at_end", running},
               {"pending_at_end", pending},
               {"failed", failed},
               {"not_arrived", jobs.size() - submitted}};
  s["jct_s"] = dist_json(describe(jct), true);
  s["wait_s"] = dist_json(describe(wait), false);
  s["makespan_s"] = completed > 0 ? (last_end - first_arrival).seconds() : 0.0;
}

nlohmann::ordered_json utilization_json(const ReportInputs& in) {
  const Cluster& c = *in.cluster;
  const MetricsCollector& m = *in.metrics;
  const SimTime window = m.end_time();
  nlohmann::ordered_json util;
  util["window_s"] = window.seconds();
  util["overall"] = r9(ratio(m.busy_total(), static_cast<int64_t>(c.card_count()), window));
  nlohmann::ordered_json by_chip = nlohmann::ordered_json::object();
  for (ChipId ch : m.chip_columns()) {
    by_chip[in.chips->at(ch).name] = r9(ratio(m.busy_by_chip()[ch], c.total_cards_of_chip(ch), window));
  }
  util["by_chip"] = by_chip;
  nlohmann::ordered_json by_site = nlohmann::ordered_json::object();
  for (SiteId st = 0; st < c.site_count(); ++st) {
    int64_t cards = 0;
    for (ChipId ch = 0; ch < in.chips->size(); ++ch) cards += c.total_cards(ch, st);
    by_site[c.site(st).name] = r9(ratio(m.busy_by_site()[st], cards, window));
  }
  util["by_site"] = by_site;
  std::vector<int64_t> provider_cards(c.provider_count(), 0);
  for (const Pool& p : c.pools()) {
    provider_cards[p.provider] += p.cards();
  }
  nlohmann::ordered_json by_provider = nlohmann::ordered_json::object();
  for (ProviderId pr = 0; pr < c.provider_count(); ++pr) {
    by_provider[c.provider(pr).name] = r9(ratio(m.busy_by_provider()[pr], provider_cards[pr], window));
  }
  util["by_provider"] = by_provider;
  // Idle card-time while jobs waited, as a share of all card-time in the window.
  util["stranded"] = r9(ratio(m.stranded_card_us(), static_cast<int64_t>(c.card_count()), window));
  return util;
}

// Gangs that spanned chip types (docs/mixed-training.md).
nlohmann::ordered_json mixed_json(const ReportInputs& in) {
  const auto& recs = in.metrics->records();
  const SimTime window = in.metrics->end_time();
  uint64_t mixed_jobs = 0;
  double mixed_card_s = 0, eta_sum = 0;
  for (JobId i = 0; i < recs.size(); ++i) {
    const JobRecord& r = recs[i];
    if (r.mixed_efficiency == 0 || !has_started(r)) continue;
    ++mixed_jobs;
    eta_sum += r.mixed_efficiency;
    const SimTime until = has_ended(r) ? r.end : window;
    mixed_card_s += static_cast<double>(r.cards) * (until - r.segment_start).seconds();
  }
  return nlohmann::ordered_json{
      {"jobs_started", mixed_jobs},
      {"card_hours", r9(mixed_card_s / 3600.0)},
      {"mean_efficiency", mixed_jobs > 0 ? r9(eta_sum / static_cast<double>(mixed_jobs)) : 0.0}};
}

// Elastic jobs (docs/policies.md "Sia"): zeros when no job may change its gang size.
nlohmann::ordered_json elastic_json(const ReportInputs& in) {
  const auto& recs = in.metrics->records();
  const auto& jobs = *in.jobs;
  uint64_t elastic_jobs = 0, resized_jobs = 0, resizes = 0;
  for (JobId i = 0; i < recs.size(); ++i) {
    if (!jobs[i].elastic()) continue;
    ++elastic_jobs;
    resized_jobs += recs[i].resizes > 0 ? 1 : 0;
    resizes += recs[i].resizes;
  }
  return nlohmann::ordered_json{{"jobs", elastic_jobs}, {"jobs_resized", resized_jobs}, {"resizes", resizes}};
}

// Guaranteed shares (docs/policies.md "Guaranteed shares"): the preemptions that took cards back
// for a guarantee, and per tenant with one its reserved cards and its jobs' first waits.
nlohmann::ordered_json guarantees_json(const ReportInputs& in) {
  const auto& recs = in.metrics->records();
  const auto& jobs = *in.jobs;
  uint64_t reclaims = 0, reclaimed_jobs = 0, guaranteed_tenants = 0;
  for (const JobRecord& r : recs) {
    reclaims += r.reclaims;
    reclaimed_jobs += r.reclaims > 0 ? 1 : 0;
  }
  nlohmann::ordered_json guaranteed = nlohmann::ordered_json::object();
  std::vector<uint64_t> t_submitted(in.tenants->size(), 0), t_started(in.tenants->size(), 0);
  std::vector<double> wait_s(in.tenants->size(), 0.0);
  for (JobId i = 0; i < recs.size(); ++i) {
    const TenantId t = jobs[i].tenant;
    if (!(*in.tenants)[t].has_guarantee() || recs[i].outcome == JobOutcome::NotArrived) continue;
    ++t_submitted[t];
    if (!has_started(recs[i])) continue;
    ++t_started[t];
    wait_s[t] += (recs[i].start - jobs[i].arrival).seconds();
  }
  for (TenantId t = 0; t < in.tenants->size(); ++t) {
    const Tenant& tenant = (*in.tenants)[t];
    if (!tenant.has_guarantee()) continue;
    ++guaranteed_tenants;
    int64_t cards = 0;
    for (int64_t g : tenant.provider_guarantee) cards += g;
    guaranteed[tenant.name] = {
        {"cards", cards},
        {"jobs", t_submitted[t]},
        {"jobs_started", t_started[t]},
        {"mean_wait_s", t_started[t] > 0 ? r2(wait_s[t] / static_cast<double>(t_started[t])) : 0.0}};
  }
  return nlohmann::ordered_json{{"tenants", guaranteed_tenants},
                                {"reclaims", reclaims},
                                {"jobs_reclaimed", reclaimed_jobs},
                                {"by_tenant", guaranteed}};
}

// Stopped runs and the work they lost, by preemptions and by failures' kills: one pass over the
// records for the two sections.
struct Losses {
  uint64_t preemptions = 0, preempted_jobs = 0, kills = 0;
  double preemption_lost_card_s = 0, failure_lost_card_s = 0;
};

Losses losses_of(const ReportInputs& in) {
  Losses l;
  for (const JobRecord& r : in.metrics->records()) {
    l.preemptions += r.preemptions;
    l.preempted_jobs += r.preemptions > 0 ? 1 : 0;
    l.preemption_lost_card_s += r.lost_card_s - r.failure_lost_card_s;
    l.kills += r.failures;
    l.failure_lost_card_s += r.failure_lost_card_s;
  }
  return l;
}

// Preemptions (docs/policies.md, "Preemption"): zeros without them.
nlohmann::ordered_json preemption_json(const Losses& l) {
  return nlohmann::ordered_json{{"preemptions", l.preemptions},
                                {"jobs_preempted", l.preempted_jobs},
                                {"lost_card_hours", r9(l.preemption_lost_card_s / 3600.0)}};
}

// Data staging (docs/scenario-format.md, "data_staging"): zeros without it. Jobs still copying
// at the end count the seconds up to their last arrival or stop only.
nlohmann::ordered_json staging_json(const ReportInputs& in) {
  const auto& recs = in.metrics->records();
  uint64_t copies = 0, staged_jobs = 0;
  double staged_gb = 0, staging_s = 0, staging_card_s = 0;
  for (JobId i = 0; i < recs.size(); ++i) {
    const JobRecord& r = recs[i];
    copies += r.copies;
    staged_jobs += r.copies > 0 ? 1 : 0;
    staged_gb += r.staged_gb;
    staging_s += r.staging_s;
    staging_card_s += r.staging_card_s;
  }
  return nlohmann::ordered_json{
      {"copies", copies},
      {"jobs_staged", staged_jobs},
      {"staged_tb", r9(staged_gb / 1000.0)},
      {"mean_staging_s", staged_jobs > 0 ? r9(staging_s / static_cast<double>(staged_jobs)) : 0.0},
      {"staging_card_hours", r9(staging_card_s / 3600.0)}};
}

// Failures (docs/scenario-format.md, "failures"): zeros without them.
nlohmann::ordered_json failures_json(const ReportInputs& in, uint64_t failed, const Losses& l) {
  const MetricsCollector& m = *in.metrics;
  return nlohmann::ordered_json{{"node_failures", m.node_failures()},
                                {"card_hours_down", r9(static_cast<double>(m.down_card_us()) / 3.6e9)},
                                {"job_kills", l.kills},
                                {"jobs_failed", failed},
                                {"lost_card_hours", r9(l.failure_lost_card_s / 3600.0)}};
}

// Rent and vouchers (docs/scenario-format.md, "Prices and vouchers").
nlohmann::ordered_json cost_json(const ReportInputs& in, const Billing& bill) {
  nlohmann::ordered_json by_tenant = nlohmann::ordered_json::object();
  std::size_t at_budget = 0, rent_budget_spent = 0;
  for (std::size_t t = 0; t < in.tenants->size(); ++t) {
    by_tenant[(*in.tenants)[t].name] = {{"rent", r2(bill.tenant_rent[t])}, {"subsidy", r2(bill.tenant_subsidy[t])}};
    at_budget += bill.tenant_at_budget[t] ? 1 : 0;
    const Tenant& tenant = (*in.tenants)[t];
    rent_budget_spent += tenant.has_budget() && bill.tenant_rent[t] >= tenant.budget ? 1 : 0;
  }
  return nlohmann::ordered_json{{"currency", in.vouchers->currency},
                                {"rent", r2(bill.rent)},
                                {"subsidy", r2(bill.subsidy)},
                                {"paid_by_tenants", r2(bill.rent - bill.subsidy)},
                                {"subsidy_share", bill.rent > 0 ? r9(bill.subsidy / bill.rent) : 0.0},
                                {"tenants_at_voucher_budget", at_budget},
                                {"tenants_at_budget", rent_budget_spent},
                                {"by_tenant", by_tenant}};
}

// The run's wall-clock figures: the only part of the summary that is not deterministic.
nlohmann::ordered_json engine_json(const ReportInputs& in) {
  return nlohmann::ordered_json{
      {"device", in.info->device},
      {"events", in.info->events},
      {"wall_s", in.info->wall_s},
      {"events_per_s", in.info->wall_s > 0 ? static_cast<double>(in.info->events) / in.info->wall_s : 0.0},
      {"planner_calls", in.info->planner_calls},
      {"planner_s", in.info->planner_s}};
}
}  // namespace

nlohmann::ordered_json summary_json(const ReportInputs& in, const Billing& bill) {
  const Cluster& c = *in.cluster;
  const MetricsCollector& m = *in.metrics;
  nlohmann::ordered_json s;
  s["scenario"] = in.info->scenario;
  s["seed"] = in.info->seed;
  s["policy"] = in.info->policy;
  // Only where it is so, so that the summaries of every other run keep their bytes.
  if (in.info->policy_oracle) s["policy_oracle"] = true;
  s["horizon_s"] = in.info->horizon_s;
  s["end_time_s"] = m.end_time().seconds();

  std::size_t chip_types = 0;
  for (ChipId ch = 0; ch < in.chips->size(); ++ch) chip_types += c.total_cards_of_chip(ch) > 0;
  s["cluster"] = {{"cards", c.card_count()},         {"nodes", c.node_count()}, {"chip_types", chip_types},
                  {"providers", c.provider_count()}, {"sites", c.site_count()}, {"tenants", in.tenants->size()}};
  add_job_outcomes(in, s);
  s["utilization"] = utilization_json(in);
  s["mixed"] = mixed_json(in);
  s["elastic"] = elastic_json(in);
  s["guarantees"] = guarantees_json(in);
  const Losses losses = losses_of(in);
  s["preemption"] = preemption_json(losses);
  s["staging"] = staging_json(in);
  s["failures"] = failures_json(in, s["jobs"]["failed"].get<uint64_t>(), losses);
  s["cost"] = cost_json(in, bill);
  // Only where the policy reports any, so that the summaries of every other run keep their bytes.
  if (!in.info->policy_stats.empty()) {
    // Simulation::policy_counters() checked a policy's already; this stands for callers that fill
    // RunInfo themselves.
    const std::string problem = named_counters_problem(in.info->policy_stats);
    if (!problem.empty()) throw std::logic_error("policy_stats: " + problem);
    nlohmann::ordered_json stats = nlohmann::ordered_json::object();
    for (const NamedCounter& counter : in.info->policy_stats) {
      if (counter.integer) {
        stats[counter.name] = static_cast<int64_t>(std::llround(counter.value));
      } else {
        // Beyond 1e15 the rounding changes nothing, and near 1e300 its product would overflow.
        stats[counter.name] = std::abs(counter.value) < 1e15 ? r9(counter.value) : counter.value;
      }
    }
    s["policy_stats"] = std::move(stats);
  }
  s["engine"] = engine_json(in);
  return s;
}

std::string chip_label(const ChipCatalog& chips, const JobRecord& r) {
  std::string out;
  append_chip_label(out, chips, r.chip_mask);
  return out;
}

void for_each_job_row(const ReportInputs& in, const Billing& bill, const std::function<void(const JobRowView&)>& f) {
  const auto& recs = in.metrics->records();
  const auto& jobs = *in.jobs;
  std::string scratch;
  for (JobId i = 0; i < jobs.size(); ++i)
    f(JobRowView(jobs[i], recs[i], *in.cluster, *in.chips, *in.tenants, bill, scratch));
}

void jobs_csv(const ReportInputs& in, const Billing& bill, const std::function<void(std::string_view)>& sink) {
  const std::vector<JobColumn>& columns = job_columns();
  constexpr std::size_t kChunk = 1 << 20;
  std::string out = job_columns_header();
  out.reserve(kChunk + 4096);
  for_each_job_row(in, bill, [&](const JobRowView& view) {
    CsvRow row(out);
    for (const JobColumn& c : columns) {
      const JobCell cell = c.cell(view);
      switch (cell.kind) {
        case JobCell::Kind::Empty:
          row.empty();
          break;
        case JobCell::Kind::Integer:
          row.integer(cell.integer);
          break;
        case JobCell::Kind::Real:
          row.fixed(cell.real, cell.digits);
          break;
        case JobCell::Kind::Time:
          row.seconds(cell.time);
          break;
        case JobCell::Kind::Text:
          row.text(cell.text);
          break;
      }
    }
    row.end();
    if (out.size() >= kChunk) {
      sink(out);
      out.clear();
    }
  });
  sink(out);
}

std::string jobs_csv(const ReportInputs& in) {
  std::string all;
  jobs_csv(in, bill_run(in), [&](std::string_view chunk) { all.append(chunk); });
  return all;
}

std::string timeseries_csv(const ReportInputs& in) {
  const Cluster& c = *in.cluster;
  const MetricsCollector& m = *in.metrics;
  std::string out = "t_s,pending_jobs,running_jobs,busy_cards,utilization";
  for (ChipId ch : m.chip_columns()) out += ",util_chip_" + in.chips->at(ch).name;
  for (SiteId s = 0; s < c.site_count(); ++s) out += ",util_site_" + c.site(s).name;
  out += '\n';
  std::vector<int64_t> site_cards(c.site_count(), 0);
  for (SiteId s = 0; s < c.site_count(); ++s) {
    for (ChipId ch = 0; ch < in.chips->size(); ++ch) site_cards[s] += c.total_cards(ch, s);
  }
  auto frac = [](int64_t a, int64_t b) { return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  for (const TimeseriesRow& r : m.timeseries()) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{:.6f}", seconds_str(r.t), r.pending, r.running, r.busy_cards,
                   frac(r.busy_cards, static_cast<int64_t>(c.card_count())));
    for (std::size_t k = 0; k < m.chip_columns().size(); ++k) {
      fmt::format_to(std::back_inserter(out), ",{:.6f}",
                     frac(r.busy_by_chip[k], c.total_cards_of_chip(m.chip_columns()[k])));
    }
    for (SiteId s = 0; s < c.site_count(); ++s) {
      fmt::format_to(std::back_inserter(out), ",{:.6f}", frac(r.busy_by_site[s], site_cards[s]));
    }
    out += '\n';
  }
  return out;
}

std::string summary_table(const nlohmann::ordered_json& s) {
  std::string out;
  auto line = [&](const std::string& k, const std::string& v) { out += fmt::format("  {:<26} {}\n", k, v); };
  out += fmt::format("hetsim run: {} | policy {} | seed {}\n", s["scenario"].get<std::string>(),
                     s["policy"].get<std::string>(), s["seed"].get<uint64_t>());
  const auto& cl = s["cluster"];
  line("cluster",
       fmt::format("{} cards, {} nodes, {} chip types, {} providers, {} sites, {} tenants", cl["cards"].get<uint64_t>(),
                   cl["nodes"].get<uint64_t>(), cl["chip_types"].get<uint64_t>(), cl["providers"].get<uint64_t>(),
                   cl["sites"].get<uint64_t>(), cl["tenants"].get<uint64_t>()));
  const auto& jb = s["jobs"];
  line("jobs", fmt::format("{} submitted, {} completed, {} running, {} pending at end", jb["submitted"].get<uint64_t>(),
                           jb["completed"].get<uint64_t>(), jb["running_at_end"].get<uint64_t>(),
                           jb["pending_at_end"].get<uint64_t>()));
  const auto& jct = s["jct_s"];
  line("JCT s (mean/p50/p95/p99)",
       fmt::format("{:.1f} / {:.1f} / {:.1f} / {:.1f}", jct["mean"].get<double>(), jct["p50"].get<double>(),
                   jct["p95"].get<double>(), jct["p99"].get<double>()));
  const auto& w = s["wait_s"];
  line("wait s (mean/p50/p99)", fmt::format("{:.1f} / {:.1f} / {:.1f}", w["mean"].get<double>(), w["p50"].get<double>(),
                                            w["p99"].get<double>()));
  line("makespan", fmt::format("{:.2f} d", s["makespan_s"].get<double>() / 86400.0));
  const auto& u = s["utilization"];
  line("utilization", fmt::format("{:.1f} % over {:.2f} d; {:.1f} % of card-time idle while jobs waited",
                                  100 * u["overall"].get<double>(), u["window_s"].get<double>() / 86400.0,
                                  100 * u["stranded"].get<double>()));
  out += "  utilization by chip:\n";
  for (const auto& [name, v] : u["by_chip"].items())
    out += fmt::format("    {:<24} {:6.1f} %\n", name, 100 * v.get<double>());
  out += "  utilization by site:\n";
  for (const auto& [name, v] : u["by_site"].items())
    out += fmt::format("    {:<24} {:6.1f} %\n", name, 100 * v.get<double>());
  out += "  utilization by provider:\n";
  for (const auto& [name, v] : u["by_provider"].items())
    out += fmt::format("    {:<24} {:6.1f} %\n", name, 100 * v.get<double>());
  const auto& mx = s["mixed"];
  if (mx["jobs_started"].get<uint64_t>() > 0)
    line("mixed-chip gangs",
         fmt::format("{} started, {:.0f} card-hours, mean efficiency {:.3f}", mx["jobs_started"].get<uint64_t>(),
                     mx["card_hours"].get<double>(), mx["mean_efficiency"].get<double>()));
  const auto& co = s["cost"];
  if (co["rent"].get<double>() > 0)
    line("rent", fmt::format("{:.0f} {}, vouchers paid {:.0f} ({:.1f} %){}", co["rent"].get<double>(),
                             co["currency"].get<std::string>(), co["subsidy"].get<double>(),
                             100 * co["subsidy_share"].get<double>(),
                             co["tenants_at_voucher_budget"].get<uint64_t>() > 0
                                 ? fmt::format("; {} tenants used up their voucher budget",
                                               co["tenants_at_voucher_budget"].get<uint64_t>())
                                 : ""));
  const auto& e = s["engine"];
  line("engine",
       fmt::format("{} events in {:.2f} s wall ({:.2f} M events/s), device {}", e["events"].get<uint64_t>(),
                   e["wall_s"].get<double>(), e["events_per_s"].get<double>() / 1e6, e["device"].get<std::string>()));
  if (e["planner_calls"].get<uint64_t>() > 0)
    line("planner", fmt::format("{} mixed-training plans in {:.2f} s wall (cached per model and mix)",
                                e["planner_calls"].get<uint64_t>(), e["planner_s"].get<double>()));
  return out;
}

namespace {
// A file's size and FNV-1a 64 as it is written: enough to tell files of two runs apart (not
// against tampering).
struct Fnv1a64 {
  uint64_t h = kFnv1a64Basis;
  uint64_t bytes = 0;
  void add(std::string_view s) {
    h = fnv1a64(s, h);
    bytes += s.size();
  }
};

nlohmann::ordered_json manifest_entry(const char* name, const Fnv1a64& f) {
  return {{"file", name}, {"bytes", f.bytes}, {"fnv1a64", fmt::format("{:016x}", f.h)}};
}
}  // namespace

nlohmann::ordered_json write_run_outputs(const std::string& dir, const ReportInputs& in) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create output directory " + dir + ": " + ec.message());
  remove_stale_temporaries(dir);  // of runs killed (SIGKILL, a crash) while writing here
  // No manifest while the set is being replaced: a reader that finds none knows it is not whole.
  std::filesystem::remove(dir + "/manifest.json", ec);
  if (ec) throw std::runtime_error("cannot remove " + dir + "/manifest.json: " + ec.message());
  const Billing bill = bill_run(in);
  // The summary reads the run's results only, as jobs.csv does: it is built on another thread
  // while jobs.csv is formatted (about 0.2 s of the default month's outputs), and written after
  // jobs.csv as before, so a failure leaves the same files behind. Where no thread can be had it
  // is built at get(), as before.
  std::future<nlohmann::ordered_json> summary_built =
      std::async(std::launch::async | std::launch::deferred, [&in, &bill] { return summary_json(in, bill); });
  Fnv1a64 jobs_hash, series_hash, summary_hash;
  {
    // Streamed: a 30-day city run's jobs.csv is over 100 MB.
    // The hash and the write run on a second thread while the rows are formatted
    // (chunk_pipeline.hpp); declared after the writer, so it is joined before the writer goes.
    AtomicFileWriter jobs(dir + "/jobs.csv");
    ChunkPipeline pipeline([&](std::string_view chunk) {
      jobs_hash.add(chunk);
      jobs.write(chunk);
    });
    jobs_csv(in, bill, [&](std::string_view chunk) { pipeline.push(chunk); });
    pipeline.finish();
    jobs.commit();
  }
  const std::string series = timeseries_csv(in);
  series_hash.add(series);
  write_file_atomically(dir + "/timeseries.csv", series);
  nlohmann::ordered_json summary = summary_built.get();
  const std::string summary_text = summary.dump(2) + "\n";
  summary_hash.add(summary_text);
  write_file_atomically(dir + "/summary.json", summary_text);
  // Last: its presence says the files it lists are complete and of this run.
  const RunInfo& info = *in.info;
  nlohmann::ordered_json manifest;
  manifest["format"] = "hetsim-run-outputs/1";
  manifest["run"] = {
      {"scenario", info.scenario}, {"seed", info.seed}, {"policy", info.policy}, {"device", info.device}};
  manifest["files"] = nlohmann::ordered_json::array({manifest_entry("jobs.csv", jobs_hash),
                                                     manifest_entry("timeseries.csv", series_hash),
                                                     manifest_entry("summary.json", summary_hash)});
  write_file_atomically(dir + "/manifest.json", manifest.dump(2) + "\n");
  return summary;
}

}  // namespace hetsim
