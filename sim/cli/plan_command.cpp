#include "plan_command.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "device.hpp"
#include "hetsim/app/app_util.hpp"
#include "hetsim/core/did_you_mean.hpp"
#include "hetsim/metrics/atomic_file.hpp"
#include "hetsim/perf/mixed_planner.hpp"
#include "hetsim/scenario/parse.hpp"
#include "plan_output.hpp"
#include "progress_bar.hpp"

namespace hetsim {

namespace {

constexpr int kExitBadInput = 2;

int bad(const std::string& msg) {
  fmt::print(stderr, "hetsim plan: {}\n", msg);
  return kExitBadInput;
}

}  // namespace

int cmd_plan(const PlanOptions& opt) {
  std::vector<Diagnostic> errors;
  const auto chips = parse_chip_catalog_file(opt.catalog, errors);
  const auto models = parse_model_catalog_file(opt.models, errors);
  if (!errors.empty()) {
    for (const auto& d : errors) fmt::print(stderr, "{}\n", d.format());
    return kExitBadInput;
  }
  PlanRequest req;
  std::vector<std::string> model_names;
  for (const auto& m : models) model_names.push_back(m.name);
  const auto mit =
      std::find_if(models.begin(), models.end(), [&](const TransformerSpec& m) { return m.name == opt.model; });
  if (mit == models.end()) {
    std::string all;
    for (const auto& n : model_names) all += (all.empty() ? "" : ", ") + n;
    return bad("unknown model '" + opt.model + "'" + did_you_mean_note(opt.model, model_names) + " (models: " + all +
               ")");
  }
  req.model = *mit;
  std::vector<std::string> chip_names;
  for (const auto& c : chips) chip_names.push_back(c.name);
  for (const std::string& item : split_commas(opt.chips)) {
    const auto colon = item.rfind(':');
    unsigned count = 0;
    const char* b = item.data() + (colon == std::string::npos ? 0 : colon + 1);
    const char* e = item.data() + item.size();
    auto [p, ec] = std::from_chars(b, e, count);
    // A count too large is not a malformed one: say which limit it passes (the platform's).
    if (colon != std::string::npos && colon > 0 && p == e && b != e &&
        (ec == std::errc::result_out_of_range || (ec == std::errc() && count > kMaxPlatformCards)))
      return bad("--chips: " + std::string(b, e) + " cards of " + item.substr(0, colon) + " are more than " +
                 std::to_string(kMaxPlatformCards) + ", the most a platform may have (kMaxPlatformCards)");
    if (colon == std::string::npos || colon == 0 || ec != std::errc() || p != e || count == 0)
      return bad("--chips: expected TYPE:COUNT with COUNT >= 1, got '" + item + "'");
    const std::string name = item.substr(0, colon);
    const auto cit = std::find_if(chips.begin(), chips.end(), [&](const ChipSpec& c) { return c.name == name; });
    if (cit == chips.end())
      return bad("unknown chip '" + name + "'" + did_you_mean_note(name, chip_names) + " (see `hetsim list chips`)");
    for (const auto& g : req.groups)
      if (g.chip.name == name) return bad("--chips: '" + name + "' is listed twice");
    req.groups.push_back(ChipGroup{*cit, count});
  }
  if (req.groups.size() > 6) return bad("--chips: at most 6 chip types");
  uint64_t all_cards = 0;
  for (const auto& g : req.groups) all_cards += g.cards;
  if (all_cards > static_cast<uint64_t>(kMaxPlatformCards))
    return bad("--chips: " + std::to_string(all_cards) + " cards in all are more than " +
               std::to_string(kMaxPlatformCards) + ", the most a platform may have (kMaxPlatformCards)");
  if (!(opt.cross_vendor_gbps > 0) || !(opt.inter_node_gbps > 0) || !std::isfinite(opt.cross_vendor_gbps) ||
      !std::isfinite(opt.inter_node_gbps))
    return bad("link bandwidths must be finite and > 0");
  req.global_batch = opt.global_batch;
  req.cross_vendor_gbps = opt.cross_vendor_gbps;
  req.inter_node_gbps = opt.inter_node_gbps;
  req.per_group_dp = !opt.uniform_dp;
  const auto attention = parse_attention(opt.attention);
  if (!attention) return bad("--attention: expected flash or materialized, got '" + opt.attention + "'");
  req.stack.attention = *attention;
  const auto modes = parse_recompute_modes(opt.recompute);
  if (!modes) {
    if (opt.recompute != "auto" && opt.recompute.find("auto") != std::string::npos)
      return bad("--recompute: 'auto' already means every mode and is not joined with others, got '" + opt.recompute +
                 "'");
    return bad("--recompute: expected auto, or none, selective or full (several joined by '|'), got '" + opt.recompute +
               "'");
  }
  req.recompute_modes = *modes;
  if (opt.zero != "0" && opt.zero != "1" && opt.zero != "3")
    return bad("--zero: expected 0, 1 or 3 (ZeRO stage 2 is not modelled), got '" + opt.zero + "'");
  req.zero_stage = static_cast<uint32_t>(opt.zero[0] - '0');
  if (opt.sequence_parallel != "on" && opt.sequence_parallel != "off")
    return bad("--sequence-parallel: expected on or off, got '" + opt.sequence_parallel + "'");
  req.stack.sequence_parallel = opt.sequence_parallel == "on";
  std::unique_ptr<kernels::CudaPlanEvaluator> gpu;
  try {
    const Device device = resolve_device(opt.device);
    if (cuda_plan_search(device)) gpu = std::make_unique<kernels::CudaPlanEvaluator>();
    req.cuda = gpu.get();
    req.cuda_min_batch = plan_min_batch(device);
  } catch (const std::invalid_argument& e) {
    return bad(e.what());
  }

  if (!opt.out.empty()) {
    if (const std::string why = check_output_dir(opt.out); !why.empty()) return bad("--out " + opt.out + ": " + why);
    if (const std::string why = lock_output_dir(opt.out); !why.empty()) return bad("--out " + opt.out + ": " + why);
  }
  MixingReport r;
  CountProgress progress(stderr, parse_progress_mode(opt.progress), "hetsim plan: pipeline orders", 0);
  req.on_order_done = [&](uint64_t done, uint64_t total) {
    progress.set_total(total);
    progress.at(done);
  };
  try {
    r = evaluate_mixing(req);
  } catch (const std::invalid_argument& e) {
    return bad(e.what());
  }
  progress.finish();
  if (!r.mixed.feasible) return bad("no plan fits: " + r.mixed.why_infeasible);

  const uint32_t gb = req.global_batch > 0 ? req.global_batch : req.model.default_global_batch;
  fmt::print("{} on {} (global batch {} x {} tokens)\n", req.model.name, opt.chips, gb, req.model.seq_len);
  print_plan(r.mixed);
  fmt::print(
      "  throughput {:.0f} tokens/s, MFU {:.1f} % (HFU {:.1f} %; MFU {:.1f} % over the cards used), step {:.2f} s\n",
      r.mixed.tokens_per_s, 100 * r.mixed.mfu, 100 * r.mixed.hfu, 100 * r.mixed.mfu_used, r.mixed.step_s);
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    if (g < r.mixed.cards_used.size() && r.mixed.cards_used[g] == 0)
      fmt::print("  idle: {} x {} (the plan is faster without this group)\n", req.groups[g].cards,
                 req.groups[g].chip.name);
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    fmt::print("  alone: {} x {}: {}\n", req.groups[g].cards, req.groups[g].chip.name,
               r.homogeneous[g].feasible ? fmt::format("{:.0f} tokens/s", r.homogeneous[g].tokens_per_s)
                                         : std::string("no plan fits"));
  for (std::size_t g = 0; g < req.groups.size(); ++g)
    fmt::print("  all {} cards as {}: {}\n", all_cards, req.groups[g].chip.name,
               r.relabelled[g].feasible ? fmt::format("{:.0f} tokens/s", r.relabelled[g].tokens_per_s)
                                        : std::string("no plan fits"));
  const auto ratio = [](std::optional<double> x, const char* why) {
    return x ? fmt::format("{:.4f}", *x) : fmt::format("undefined ({})", why);
  };
  fmt::print("  mixing efficiency {} (mixed / the same cards homogeneous, weighted by share)\n",
             ratio(r.defined_mixing_efficiency(), "no chip holds the model on all the cards"));
  fmt::print("  pooling gain {} (that baseline / sum of the groups alone)\n",
             ratio(r.defined_pooling_gain(), "no group trains alone"));
  fmt::print(
      "  eta {} (mixed / sum of the groups alone = mixing efficiency x pooling gain); {} candidate plans in "
      "{:.2f} s\n",
      ratio(r.defined_efficiency(), "no group trains alone"), r.stats.candidates, r.stats.search_s);

  if (!opt.out.empty()) {
    const nlohmann::ordered_json j = report_json(req, r);
    try {
      write_file_atomically(opt.out + "/plan.json", j.dump(2) + "\n");
    } catch (const std::exception& e) {
      return bad(std::string("--out: ") + e.what());
    }
    fmt::print("  wrote {}/plan.json\n", opt.out);
  }
  return 0;
}

}  // namespace hetsim
