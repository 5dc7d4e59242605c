// Event-queue throughput: hold-model benchmark (pop one event, push one at a random future
// time) at several queue sizes. Reports events/s as items_per_second.
#include <benchmark/benchmark.h>

#include <vector>

#include "hetsim/core/engine.hpp"
#include "hetsim/core/rng.hpp"

using namespace hetsim;

static void BM_EventQueueHold(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  Engine eng(size * 2);
  Rng rng(1);
  for (std::size_t i = 0; i < size; ++i) {
    eng.schedule_at(SimTime::from_us(static_cast<int64_t>(rng.below(1'000'000))), 1);
  }
  std::vector<Event> batch;
  batch.reserve(64);
  int64_t events = 0;
  for (auto _ : state) {
    if (!eng.pop_batch(SimTime::max(), batch)) break;
    for (std::size_t k = 0; k < batch.size(); ++k) {
      eng.schedule_in(SimTime::from_us(1 + static_cast<int64_t>(rng.below(1'000'000))), 1);
    }
    events += static_cast<int64_t>(batch.size());
  }
  state.SetItemsProcessed(events);
  state.counters["queue_size"] = static_cast<double>(size);
}
BENCHMARK(BM_EventQueueHold)->Arg(1 << 6)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);
