#pragma once
// --device cpu|cuda|auto: which backend runs the hot paths that have a CUDA kernel.
//   cpu  : everything on the CPU (the default).
//   cuda : EASY's batched placement scoring and the mixed planner's plan search on the GPU;
//          an error when no CUDA device is usable.
//   auto : the GPU where it was measured to pay (docs/performance.md, "On the GPU"): the plan
//          search for batches of at least kAutoPlanMinBatch candidates; placement stays on the
//          CPU index search, which beat the batched GPU scoring end to end on an H200. Without a
//          device, auto is cpu.
// Every backend gives the same results bit for bit; only the wall time differs.
#include <cstddef>
#include <string>

namespace hetsim {

enum class Device { Cpu, Cuda, Auto };
inline constexpr std::size_t kAutoPlanMinBatch = 64;

// Resolves the user's choice; throws std::invalid_argument when CUDA is asked for and absent.
// auto resolves to Cpu when no device is usable.
Device resolve_device(const std::string& choice);
const char* device_name(Device d);
inline bool cuda_batch_scoring(Device d) { return d == Device::Cuda; }
inline bool cuda_plan_search(Device d) { return d != Device::Cpu; }
inline std::size_t plan_min_batch(Device d) { return d == Device::Cuda ? 1 : kAutoPlanMinBatch; }

}  // namespace hetsim
