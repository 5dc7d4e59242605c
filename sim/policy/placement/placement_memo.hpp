#pragma once
// PlacementMemo: find_placement's answers within one scheduling pass, shared by the waiting jobs
// that ask it the same question, so a long queue costs one search per kind of job, not per job.
//
// find_placement (and find_placement_for_data under data=ignore) sees a job only through its
// placement class: its gang size, the chip types it may use (allowed and with room for its
// memory), its host CPU and memory per card, whether it may span sites, and, when tenants have
// quotas, budgets or guarantees, its tenant (its room). Within one pass the cluster only loses
// capacity (the policy starts jobs; nothing ends), quota room only shrinks, and a reservation's
// caps only shrink, so for jobs of one class:
//   - a search that failed fails again until the pass ends (recorded only while no cards are
//     reserved for guarantees: a guaranteed job that starts gives its claim back to the others);
//   - a search that succeeded returns the same allocation until the next start (state version).
// A policy that asks the memo gets exactly the decisions it would get by searching for every job
// (tests/policy/placement_memo_test.cpp checks both against the plain search on random queues).
// Cost: O(1) per lookup after the first of its class in a pass; memory O(classes).
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "hetsim/perf/allocation_shape.hpp"
#include "hetsim/policy/placement/placement.hpp"
#include "hetsim/policy/scheduling_context.hpp"

namespace hetsim {

class PlacementMemo {
 public:
  static constexpr uint32_t kNoClass = 0xFFFFFFFFu;

  // The class of job `j` (interned: equal questions, equal ids), computed once per job by the
  // policy (at submission) and kept with it. Its usable chip mask is usable(class).
  uint32_t class_of(const SchedulingContext& ctx, const JobRequest& j);
  uint64_t usable(uint32_t cls) const { return classes_[cls].usable; }
  uint32_t cards(uint32_t cls) const { return classes_[cls].cards; }
  bool cross_site(uint32_t cls) const { return classes_[cls].cross_site; }
  // Whether every placement of the class is one node: each pool it may use holds it on one node,
  // and it may not gather pools across sites.
  bool single_node(uint32_t cls) const { return classes_[cls].single_node; }
  std::size_t class_count() const { return classes_.size(); }

  // A new pass: every recorded answer is forgotten.
  void begin_pass() { ++pass_; }

  // The answer without caps for job `id` of class `cls`, searching only when the class has no
  // answer valid now. Null when the job does not fit. The allocation lives until the next call for
  // the same class.
  const Allocation* uncapped(SchedulingContext& ctx, JobId id, uint32_t cls, PlacementScore kind, GangPlacement gangs) {
    State& s = classes_[cls];
    if (s.failed_pass == pass_) return nullptr;
    if (s.placed_pass == pass_ && s.placed_version == ctx.state_version()) return &s.placed;
    return search_uncapped(ctx, id, cls, kind, gangs);
  }
  // The shape of the allocation uncapped() last returned for `cls`, as an id: equal shapes, equal
  // ids, over the memo's lifetime (computed once per allocation). shape(id) gives it back.
  uint32_t placed_shape_id(const SchedulingContext& ctx, uint32_t cls) {
    State& s = classes_[cls];
    return s.shape_id != kNoClass ? s.shape_id : intern_shape(ctx, s);
  }
  const AllocationShape& shape(uint32_t shape_id) const { return shapes_[shape_id]; }
  // Whether the class is known not to fit under the caps this pass (capped() failed, or even the
  // search without caps did).
  bool capped_failed(uint32_t cls) const {
    return classes_[cls].capped_failed_pass == pass_ || classes_[cls].failed_pass == pass_;
  }
  // The answer under the reservation's `caps` (one reservation for the whole pass: they may only
  // shrink): false when the class is known not to fit, else searches into `out` and records a
  // failure.
  bool capped(SchedulingContext& ctx, JobId id, uint32_t cls, PlacementScore kind, GangPlacement gangs,
              std::span<const NodeCap> caps, Allocation& out);

  // Searches made (for tests and benchmarks).
  uint64_t searches() const { return searches_; }

 private:
  struct Key {
    uint32_t cards;
    uint32_t tenant;  // kNoClass when quotas do not apply
    uint64_t usable;
    int64_t cpu_milli_per_card;
    int64_t mem_mib_per_card;
    bool cross_site;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct ShapeHash {
    std::size_t operator()(const AllocationShape& s) const;
  };
  struct State {
    uint64_t usable = 0;
    uint32_t cards = 0;
    bool cross_site = false;
    bool single_node = false;
    uint64_t failed_pass = 0;         // pass in which the uncapped search failed
    uint64_t capped_failed_pass = 0;  // pass in which the capped search failed
    uint64_t placed_pass = 0;         // pass and state version of `placed`
    uint64_t placed_version = 0;
    uint32_t shape_id = kNoClass;  // placed's shape (kNoClass: not computed yet)
    Allocation placed;
  };
  const Allocation* search_uncapped(SchedulingContext& ctx, JobId id, uint32_t cls, PlacementScore kind,
                                    GangPlacement gangs);
  uint32_t intern_shape(const SchedulingContext& ctx, State& s);

  std::unordered_map<Key, uint32_t, KeyHash> ids_;
  std::vector<State> classes_;
  std::unordered_map<AllocationShape, uint32_t, ShapeHash> shape_ids_;
  std::vector<AllocationShape> shapes_;
  uint64_t pass_ = 1;
  uint64_t searches_ = 0;
};

}  // namespace hetsim
