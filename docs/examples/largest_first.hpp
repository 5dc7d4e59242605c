#pragma once
// largest-first: the waiting job that needs the most cards starts first, on the first nodes that
// fit it; a job that does not fit now waits without blocking the smaller ones behind it.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "hetsim/policy/view/view_policy.hpp"

namespace hetsim {

class LargestFirstPolicy final : public ViewPolicy {
 public:
  std::string name() const override { return "largest-first"; }

 protected:
  void decide(SchedulingView& view) override {
    const WaitingColumns& waiting = view.waiting();  // in arrival order
    std::vector<std::size_t> rows(waiting.size());
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return waiting.cards[a] > waiting.cards[b]; });
    // Started, NoFit (no room now) or Held (its tenant's quota, budget or others' guarantees): a
    // job that did not start waits, and the next one is tried.
    for (std::size_t row : rows) view.start(waiting.id[row]);
  }
};

}  // namespace hetsim
