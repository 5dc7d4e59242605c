#pragma once
// ClassSampler: draws the attributes of one generated job of a class (gang, model, runtime,
// estimate, data size, elastic coin). Each kind has its own stream per class,
// "workload.<kind>.<class index>", so editing one class's distribution leaves every other draw of
// the workload unchanged. The elastic coin is drawn only for a class with elastic.share > 0.
#include <cstdint>
#include <string>

#include "hetsim/core/rng.hpp"
#include "hetsim/model/job.hpp"
#include "hetsim/workload/generator.hpp"
#include "hetsim/workload/sampling.hpp"
#include "hetsim/workload/workload_spec.hpp"

namespace hetsim {

// Bounds on redraws when a drawn gang x model fits no chip: models first (a small gang keeps its
// size and gets a model it can hold), then the gang. A class where no combination fits is
// rejected up front, so running out of attempts means feasible combinations are very rare.
inline constexpr int kMaxModelRedraws = 32;
inline constexpr int kMaxGangRedraws = 32;

class ClassSampler {
 public:
  // Validates the class and that at least one of its gang x model combinations fits an allowed
  // chip; throws std::invalid_argument otherwise. `ctx` must outlive the sampler.
  ClassSampler(const JobClassSpec& spec, std::size_t index, const GeneratorContext& ctx, const RngStreams& streams);

  // Fills everything but id, tenant, arrival and data_site; returns the reference runtime
  // (steps * reference step time).
  double draw(Job& job);

 private:
  void draw_gang_and_model(Job& job);

  const JobClassSpec& spec_;
  const GeneratorContext& ctx_;
  std::string label_;
  uint64_t candidates_ = 0;
  DiscreteSampler cards_, model_;
  Rng cards_rng_, model_rng_, runtime_rng_, estimate_rng_, data_rng_, elastic_rng_;
};

}  // namespace hetsim
