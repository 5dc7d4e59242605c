#include "hetsim/perf/mixed_planner.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <stdexcept>

#include "hetsim/kernels/plan_search.hpp"

namespace hetsim {

namespace {

constexpr double kBytesPerGbit = 1e9 / 8.0;
constexpr uint32_t kTpChoices[] = {1, 2, 4, 8};
constexpr uint32_t kMicrobatchChoices[] = {1, 2, 4, 8};
constexpr std::size_t kMaxGroups = 6;
constexpr uint32_t kMaxSubsetGroups = 3;  // evaluate_mixing tries every subset of up to this many groups

// One candidate's shape before its stages are costed.
struct Shape {
  std::vector<uint32_t> order;       // group indices in pipeline order
  std::vector<uint32_t> tp, stages;  // per group (indexed by group, not by order)
  std::vector<uint32_t> mult;        // per group: its DP degree is dp x mult, its microbatch b / mult
  uint32_t dp = 1, b = 1, m = 1;     // base DP degree, microbatch per replica at the base degree
  Recompute recompute = Recompute::None;
  uint32_t dp_of(uint32_t g) const { return dp * mult[g]; }
  uint32_t b_of(uint32_t g) const { return b / mult[g]; }
};

struct Costing {
  const PlanRequest& req;

  double peak(uint32_t g) const { return req.groups[g].chip.bf16_tflops * 1e12 * req.groups[g].chip.achievable_mfu; }
  // Weights, gradients and optimizer states per parameter on one card (PlanRequest::zero_stage).
  double bytes_per_param_state(uint32_t dp) const {
    if (req.zero_stage >= 3) return 18.0 / dp;
    return req.zero_stage >= 1 ? 6.0 + 12.0 / dp : 18.0;
  }
  double link_bytes_per_s(uint32_t from, uint32_t to) const {
    const bool cross = req.groups[from].chip.vendor != req.groups[to].chip.vendor;
    return (cross ? req.cross_vendor_gbps : req.inter_node_gbps) * kBytesPerGbit;
  }
  double link_latency_s(uint32_t from, uint32_t to) const {
    const bool cross = req.groups[from].chip.vendor != req.groups[to].chip.vendor;
    return (cross ? req.cross_vendor_latency_us : req.inter_node_latency_us) * 1e-6;
  }

  // Memory of a stage of group g on one card, bytes: fixed part and per layer.
  double fixed_memory(bool first, bool last, uint32_t g, const Shape& sh) const {
    const TransformerSpec& M = req.model;
    const uint32_t t = sh.tp[g];
    const double embed = static_cast<double>(M.vocab) * M.hidden / t;  // one of the two matrices
    double f = req.framework_overhead_gb * 1e9;
    // ZeRO-3 holds the layer it runs and the next (prefetched) gathered, in BF16.
    if (req.zero_stage >= 3) f += 2.0 * 2.0 * M.layer_params() / t;
    // Full recomputation rebuilds one layer's activations at a time for its backward.
    if (sh.recompute == Recompute::Full) f += M.layer_working_bytes(sh.b_of(g), t, req.stack);
    if (first) f += embed * bytes_per_param_state(sh.dp_of(g));
    if (last)
      f += embed * bytes_per_param_state(sh.dp_of(g)) + 4.0 * sh.b_of(g) * M.seq_len * M.vocab / t;  // FP32 logits
    return f;
  }
  double layer_memory(uint32_t g, uint32_t inflight, const Shape& sh) const {
    const TransformerSpec& M = req.model;
    const uint32_t t = sh.tp[g];
    return M.layer_params() / t * bytes_per_param_state(sh.dp_of(g)) +
           M.layer_activation_bytes(sh.b_of(g), t, sh.recompute, req.stack) * inflight;
  }

  // The stages of a shape, in pipeline order, appended to `out`.
  void stages(const Shape& sh, std::vector<kernels::PlanStage>& out, std::vector<uint32_t>& group_of) const {
    const TransformerSpec& M = req.model;
    uint32_t total = 0;
    for (uint32_t g : sh.order) total += sh.stages[g];
    uint32_t j = 0;
    for (std::size_t oi = 0; oi < sh.order.size(); ++oi) {
      const uint32_t g = sh.order[oi];
      const ChipSpec& chip = req.groups[g].chip;
      const uint32_t t = sh.tp[g];
      const uint32_t dp = sh.dp_of(g);
      // Each of the group's dp replicas takes b / mult samples of every microbatch of the base b x dp.
      const double tokens = static_cast<double>(sh.b_of(g)) * M.seq_len;
      const double act_bytes = 2.0 * tokens * M.hidden;       // BF16 activations of one replica's microbatch
      const double intra = chip.intra_node_ring_gbs() * 1e9;  // one way of the server's fabric
      // 2 all-reduces forward, 2 backward (sequence parallelism swaps each for an all-gather and
      // a reduce-scatter of the same volume); full recomputation repeats the forward's 2.
      const double all_reduces = sh.recompute == Recompute::Full ? 6.0 : 4.0;
      const double tp_comm = t > 1 ? all_reduces * 2.0 * (t - 1) / t * act_bytes / intra : 0.0;
      const double inter = req.inter_node_gbps * kBytesPerGbit;
      // The group's replicas of one stage sit side by side (Megatron's rank order: tensor, then
      // data parallel), up to a server's worth: their gradient sync runs over the server's fabric
      // first (hierarchical: reduce-scatter and all-gather among the r in a server, a ring across
      // the n servers on each card's 1/r share over the NIC).
      const uint32_t per_server = std::max<uint32_t>(1, static_cast<uint32_t>(chip.cards_per_server) / t);
      const uint32_t r_in = std::min(dp, per_server);
      const uint32_t n_srv = (dp + r_in - 1) / r_in;
      const double sync_factor = req.zero_stage >= 3 ? 1.5 * sh.m : 1.0;
      for (uint32_t k = 0; k < sh.stages[g]; ++k, ++j) {
        kernels::PlanStage s;
        s.per_layer_s = M.layer_timed_flops(tokens, sh.recompute) / (t * peak(g)) + tp_comm;
        const bool first = j == 0, last = j + 1 == total;
        if (last) s.fixed_s = M.head_train_flops(tokens) / (t * peak(g));
        if (!last) {
          // Each card sends its share of its replica's activations. Where the two groups' DP degrees
          // differ, replicas regroup at the boundary and the side with the larger share per card
          // sets the time.
          const uint32_t next = k + 1 < sh.stages[g] ? g : sh.order[oi + 1];
          const double next_bytes = 2.0 * sh.b_of(next) * M.seq_len * M.hidden / sh.tp[next];
          const double per_card = sh.mult[next] == sh.mult[g] ? act_bytes / t : std::max(act_bytes / t, next_bytes);
          s.comm_s = 2.0 * (per_card / link_bytes_per_s(g, next) + link_latency_s(g, next));
        }
        if (dp > 1) {
          // Seconds per byte of a card's gradient shard: the intra-server ring, then the ring
          // across servers on 1/r of it.
          const double in_ring = 2.0 * (r_in - 1) / r_in / intra;
          const double out_ring = n_srv > 1 ? 2.0 * (n_srv - 1) / n_srv / r_in / inter : 0.0;
          const double per_byte = sync_factor * (in_ring + out_ring);
          s.sync_per_layer_s = per_byte * 2.0 * M.layer_params() / t;
          const double embed_grads = (first || last) ? 2.0 * M.vocab * static_cast<double>(M.hidden) / t : 0.0;
          s.sync_fixed_s = per_byte * embed_grads + sync_factor * 2.0 * (n_srv - 1) * req.inter_node_latency_us * 1e-6;
        }
        // Adam: read and write weights, gradients, moments and master weights, about 32 B/param.
        s.opt_per_layer_s = 32.0 * M.layer_params() / t / (req.zero_stage >= 1 ? dp : 1) / (chip.mem_bw_tbs * 1e12);
        const double usable = req.memory_usable_fraction * chip.mem_gb * 1e9 - fixed_memory(first, last, g, sh);
        const uint32_t inflight = std::min(sh.m, total - j);
        const double per_layer = layer_memory(g, inflight, sh);
        s.max_layers = usable <= 0 ? 0 : static_cast<uint32_t>(std::min<double>(M.layers, usable / per_layer));
        out.push_back(s);
        group_of.push_back(g);
      }
    }
  }
};

void check_request(const PlanRequest& r) {
  if (r.groups.empty()) throw std::invalid_argument("no chips to plan for");
  if (r.zero_stage != 0 && r.zero_stage != 1 && r.zero_stage != 3)
    throw std::invalid_argument("ZeRO stage must be 0, 1 or 3, got " + std::to_string(r.zero_stage));
  if ((r.recompute_modes & 0b111) == 0 || (r.recompute_modes & ~0b111) != 0)
    throw std::invalid_argument("no recomputation mode to search");
  if (r.groups.size() > kMaxGroups) throw std::invalid_argument("at most 6 chip types per plan");
  for (const auto& g : r.groups) {
    if (g.cards == 0) throw std::invalid_argument("chip " + g.chip.name + ": zero cards");
    if (g.chip.cards_per_server < 1) throw std::invalid_argument("chip " + g.chip.name + ": no cards per server");
  }
  if (r.model.layers == 0 || r.model.layers > kernels::kMaxPlanLayers || r.model.hidden == 0 || r.model.seq_len == 0)
    throw std::invalid_argument("model " + r.model.name + ": layers, hidden size and sequence length must be set");
}

// A plan puts S_k = cards_k / (d m_k t_k) stages on group k. When no (d, m, t) the global batch
// allows gives a pipeline the model can be cut into, no layout exists: that, not memory, is why
// nothing fits. The explanation names the fewest stages any allowed layout needs.
std::string why_no_layout_fits(const PlanRequest& req, uint32_t gb,
                               const std::vector<std::vector<uint32_t>>& tp_options,
                               const std::vector<std::vector<uint32_t>>& mults, uint32_t min_cards, uint64_t layouts) {
  if (layouts > 0) return req.model.name + " needs more memory than these chips offer in every pipeline layout";
  uint64_t fewest = UINT64_MAX;
  uint32_t fewest_d = 1;
  for (uint32_t d = 1; d <= min_cards; ++d) {
    if (gb % d != 0) continue;
    for (const std::vector<uint32_t>& mlt : mults) {
      const uint32_t max_mult = *std::max_element(mlt.begin(), mlt.end());
      bool batch_ok = false;
      for (uint32_t b : kMicrobatchChoices) batch_ok = batch_ok || (gb % (d * b) == 0 && b % max_mult == 0);
      if (!batch_ok) continue;
      uint64_t total = 0;
      for (std::size_t g = 0; g < req.groups.size() && total != UINT64_MAX; ++g) {
        uint64_t best_g = 0;  // the fewest stages of at least one card group each
        for (uint32_t t : tp_options[g]) {
          const uint64_t st = req.groups[g].cards / (uint64_t{d} * mlt[g] * t);
          if (st >= 1 && (best_g == 0 || st < best_g)) best_g = st;
        }
        total = best_g == 0 ? UINT64_MAX : total + best_g;
      }
      if (total < fewest) fewest = total, fewest_d = d;
    }
  }
  const uint32_t most = std::min(req.model.layers, kernels::kMaxPlanStages);
  if (fewest == UINT64_MAX)
    return "no pipeline layout uses these cards: no data-parallel degree that divides the global batch of " +
           std::to_string(gb) + " gives every chip group a stage";
  return "no pipeline layout uses these cards: the fewest pipeline stages any layout needs is " +
         std::to_string(fewest) + " (data-parallel degree " + std::to_string(fewest_d) +
         ", which divides the global batch of " + std::to_string(gb) + "), more than the " + std::to_string(most) +
         " stages " + req.model.name + " can be cut into (one layer or more each, at most " +
         std::to_string(kernels::kMaxPlanStages) + "); use fewer cards or a larger global batch";
}

}  // namespace

MixedPlan best_plan(const PlanRequest& req, PlannerStats* stats) {
  check_request(req);
  const uint32_t gb = req.global_batch > 0 ? req.global_batch : req.model.default_global_batch;
  if (gb == 0) throw std::invalid_argument("no global batch: give one or set the model's default_global_batch");
  const Costing cost{req};
  const auto K = static_cast<uint32_t>(req.groups.size());
  const uint32_t L = req.model.layers;
  uint32_t min_cards = req.groups[0].cards;
  for (const auto& g : req.groups) min_cards = std::min(min_cards, g.cards);

  std::vector<std::vector<uint32_t>> tp_options(K);
  for (uint32_t g = 0; g < K; ++g)
    for (uint32_t t : kTpChoices)
      if (t <= static_cast<uint32_t>(req.groups[g].chip.cards_per_server) &&
          req.groups[g].chip.cards_per_server % static_cast<int>(t) == 0)
        tp_options[g].push_back(t);

  const auto t0 = std::chrono::steady_clock::now();
  MixedPlan best;
  std::vector<kernels::PlanStage> stages;
  std::vector<uint32_t> group_of;
  std::vector<kernels::PlanCandidate> cands;
  std::vector<Shape> shapes;
  std::vector<kernels::PlanResult> results;
  std::vector<uint32_t> split;
  uint64_t evaluated = 0;

  // Per-group DP degrees: each group's degree is the base d times 1, 2 or 4, at least one group at
  // d (the same plan is otherwise counted at a smaller base). Two or three groups only: the family
  // grows as 3^K - 2^K. req.per_group_dp = false keeps one degree for all.
  std::vector<std::vector<uint32_t>> mults;
  {
    const bool hetero = req.per_group_dp && K >= 2 && K <= 3;
    std::vector<uint32_t> mlt(K, 1);
    while (true) {
      if (*std::min_element(mlt.begin(), mlt.end()) == 1) mults.push_back(mlt);
      if (!hetero) break;
      std::size_t g = 0;
      while (g < K && mlt[g] == 4) mlt[g++] = 1;
      if (g == K) break;
      mlt[g] *= 2;
    }
  }

  std::vector<uint32_t> order(K);
  std::iota(order.begin(), order.end(), 0U);
  uint64_t orders_total = 1, orders_done = 0;
  for (uint32_t k = 2; k <= K; ++k) orders_total *= k;
  do {  // every pipeline order of the groups, one batch per order
    if (req.on_order_done && orders_done > 0) req.on_order_done(orders_done, orders_total);
    ++orders_done;
    stages.clear(), group_of.clear(), cands.clear(), shapes.clear();
    for (uint32_t d = 1; d <= min_cards; ++d) {
      if (gb % d != 0) continue;
      for (const std::vector<uint32_t>& mlt : mults) {
        std::vector<std::size_t> pick(K, 0);  // odometer over the TP choices of each group
        while (true) {
          Shape sh;
          sh.order = order;
          sh.dp = d;
          sh.mult = mlt;
          sh.tp.resize(K), sh.stages.resize(K);
          uint32_t total = 0;
          bool ok = true;
          for (uint32_t g = 0; g < K && ok; ++g) {
            sh.tp[g] = tp_options[g][pick[g]];
            sh.stages[g] = req.groups[g].cards / (d * mlt[g] * sh.tp[g]);
            ok = sh.stages[g] >= 1;
            total += sh.stages[g];
          }
          if (ok && total <= std::min(L, kernels::kMaxPlanStages)) {
            const uint32_t max_mult = *std::max_element(mlt.begin(), mlt.end());
            for (uint32_t b : kMicrobatchChoices) {
              if (gb % (d * b) != 0 || b % max_mult != 0) continue;
              for (Recompute rc : {Recompute::None, Recompute::Selective, Recompute::Full}) {
                if (!((req.recompute_modes >> static_cast<int>(rc)) & 1)) continue;
                // Under FlashAttention selective recomputation keeps what none keeps, at more FLOPs.
                if (rc == Recompute::Selective && req.stack.attention == AttentionKernel::Flash &&
                    (req.recompute_modes & 1))
                  continue;
                Shape s = sh;
                s.b = b, s.m = gb / (d * b), s.recompute = rc;
                const auto first = static_cast<uint32_t>(stages.size());
                cost.stages(s, stages, group_of);
                cands.push_back(kernels::PlanCandidate{first, static_cast<uint32_t>(stages.size()) - first, s.m});
                shapes.push_back(std::move(s));
              }
            }
          }
          std::size_t g = 0;
          while (g < K && ++pick[g] == tp_options[g].size()) pick[g++] = 0;
          if (g == K) break;
        }
      }
    }
    if (cands.empty()) continue;
    results.assign(cands.size(), {});
    split.assign(stages.size(), 0);
    if (req.cuda != nullptr && cands.size() >= req.cuda_min_batch)
      req.cuda->evaluate(stages, cands, L, results, split);
    else
      kernels::evaluate_plans_cpu(stages, cands, L, results, split);
    evaluated += cands.size();
    for (std::size_t c = 0; c < cands.size(); ++c) {
      if (!results[c].feasible) continue;
      if (best.feasible && !(results[c].step_s < best.step_s)) continue;
      const Shape& sh = shapes[c];
      MixedPlan p;
      p.feasible = true;
      p.dp = sh.dp, p.microbatch = sh.b, p.microbatches = sh.m, p.recompute = sh.recompute;
      p.step_s = results[c].step_s;
      p.cards_used.assign(K, 0);
      for (uint32_t g = 0; g < K; ++g) p.cards_used[g] = sh.dp_of(g) * sh.stages[g] * sh.tp[g];
      const uint32_t total = cands[c].stage_count;
      for (uint32_t j = 0; j < total; ++j) {
        const kernels::PlanStage& st = stages[cands[c].first_stage + j];
        const uint32_t g = group_of[cands[c].first_stage + j];
        StagePlan sp;
        sp.group = g;
        sp.chip = req.groups[g].chip.name;
        sp.layers = split[cands[c].first_stage + j];
        sp.tp = sh.tp[g];
        sp.dp = sh.dp_of(g);
        sp.microbatch = sh.b_of(g);
        sp.microbatch_s = sp.layers * st.per_layer_s + st.fixed_s + st.comm_s;
        const uint32_t inflight = std::min(sh.m, total - j);
        sp.memory_gb =
            (cost.fixed_memory(j == 0, j + 1 == total, g, sh) + sp.layers * cost.layer_memory(g, inflight, sh)) / 1e9;
        sp.memory_limit_gb = req.memory_usable_fraction * req.groups[g].chip.mem_gb;
        p.stages.push_back(sp);
      }
      best = std::move(p);
    }
  } while (std::next_permutation(order.begin(), order.end()));

  if (req.on_order_done) req.on_order_done(orders_done, orders_total);
  if (!best.feasible) best.why_infeasible = why_no_layout_fits(req, gb, tp_options, mults, min_cards, evaluated);
  if (best.feasible) {
    const double tokens = static_cast<double>(gb) * req.model.seq_len;
    best.tokens_per_s = tokens / best.step_s;
    double peak_used = 0, peak_given = 0;
    for (uint32_t g = 0; g < K; ++g) {
      peak_used += best.cards_used[g] * req.groups[g].chip.bf16_tflops * 1e12;
      peak_given += req.groups[g].cards * req.groups[g].chip.bf16_tflops * 1e12;
    }
    const double head = req.model.head_train_flops(tokens);
    const double model_flops = req.model.layers * req.model.layer_model_flops(tokens) + head;
    const double executed = req.model.layers * req.model.layer_executed_flops(tokens, best.recompute, req.stack) + head;
    best.mfu = model_flops / (best.step_s * peak_given);
    best.hfu = executed / (best.step_s * peak_given);
    best.mfu_used = model_flops / (best.step_s * peak_used);
  }
  if (stats != nullptr) {
    stats->candidates += evaluated;
    stats->search_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return best;
}

namespace {

PlanRequest subset_request(const PlanRequest& req, const std::vector<uint32_t>& subset) {
  PlanRequest sub = req;
  sub.on_order_done = {};
  sub.groups.clear();
  for (uint32_t g : subset) sub.groups.push_back(req.groups[g]);
  return sub;
}

// A plan of the groups in `subset` as a plan of all of req's groups, the others idle: stage
// groups and cards per group re-indexed, MFU and HFU over every card given.
void lift(MixedPlan& p, const std::vector<uint32_t>& subset, const PlanRequest& req) {
  if (!p.feasible) return;
  for (StagePlan& s : p.stages) s.group = subset[s.group];
  std::vector<uint32_t> used(req.groups.size(), 0);
  double peak_subset = 0, peak_all = 0;
  for (std::size_t i = 0; i < subset.size(); ++i) {
    used[subset[i]] = p.cards_used[i];
    peak_subset += req.groups[subset[i]].cards * req.groups[subset[i]].chip.bf16_tflops;
  }
  for (const ChipGroup& g : req.groups) peak_all += g.cards * g.chip.bf16_tflops;
  p.cards_used = std::move(used);
  p.mfu *= peak_subset / peak_all;
  p.hfu *= peak_subset / peak_all;
}

// The fastest plan over every non-empty subset of the groups, the others left idle (2 or 3 groups;
// with more, every group takes a stage): adding cards never makes the plan slower. The full set is
// planned first and keeps ties; then subsets by ascending bit mask. `singles[g]`, when given, is
// group g's plan alone, already computed.
MixedPlan best_over_subsets(const PlanRequest& req, PlannerStats* stats, const std::vector<MixedPlan>* singles) {
  MixedPlan best = best_plan(req, stats);
  const auto K = static_cast<uint32_t>(req.groups.size());
  if (K < 2 || K > kMaxSubsetGroups) return best;
  const uint32_t full = (1U << K) - 1;
  for (uint32_t mask = 1; mask < full; ++mask) {
    std::vector<uint32_t> subset;
    for (uint32_t g = 0; g < K; ++g)
      if ((mask >> g) & 1U) subset.push_back(g);
    MixedPlan p = subset.size() == 1 && singles != nullptr ? (*singles)[subset[0]]
                                                           : best_plan(subset_request(req, subset), stats);
    if (!p.feasible || (best.feasible && !(p.tokens_per_s > best.tokens_per_s))) continue;
    lift(p, subset, req);
    best = std::move(p);
  }
  return best;
}

}  // namespace

MixingReport evaluate_mixing(const PlanRequest& req) {
  MixingReport r;
  for (const auto& g : req.groups) {
    PlanRequest alone = req;
    alone.groups = {g};
    alone.on_order_done = {};
    r.homogeneous.push_back(best_plan(alone, &r.stats));
    if (r.homogeneous.back().feasible) r.pooled_tokens_per_s += r.homogeneous.back().tokens_per_s;
  }
  r.mixed = best_over_subsets(req, &r.stats, &r.homogeneous);
  // The scale-free baseline is taken over the groups the plan mixes: a group it leaves idle takes
  // no part in the mixing (weighting its chip by its cards would credit the mix for not using it).
  std::vector<uint32_t> used;
  for (uint32_t g = 0; g < req.groups.size(); ++g)
    if (!r.mixed.feasible || r.mixed.cards_used[g] > 0) used.push_back(g);
  const PlanRequest mixed_groups = used.size() == req.groups.size() ? req : subset_request(req, used);
  double cards = 0;
  for (uint32_t g : used) cards += req.groups[g].cards;
  r.relabelled.assign(req.groups.size(), MixedPlan{});
  for (std::size_t i = 0; i < used.size(); ++i) {
    MixedPlan& rk = r.relabelled[used[i]];
    rk = best_over_subsets(relabelled_request(mixed_groups, i), &r.stats, nullptr);
    if (rk.feasible) r.scale_free_tokens_per_s += req.groups[used[i]].cards / cards * rk.tokens_per_s;
  }
  const double mixed = r.mixed.feasible ? r.mixed.tokens_per_s : 0.0;
  if (r.pooled_tokens_per_s > 0) r.efficiency = mixed / r.pooled_tokens_per_s;
  if (r.scale_free_tokens_per_s > 0) r.mixing_efficiency = mixed / r.scale_free_tokens_per_s;
  if (r.pooled_tokens_per_s > 0) r.pooling_gain = r.scale_free_tokens_per_s / r.pooled_tokens_per_s;
  return r;
}

PlanRequest relabelled_request(const PlanRequest& req, std::size_t k) {
  PlanRequest same = req;
  same.on_order_done = {};
  for (ChipGroup& g : same.groups) g.chip = req.groups.at(k).chip;
  return same;
}

}  // namespace hetsim
