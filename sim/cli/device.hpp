#pragma once
// --device cpu|cuda|auto: which backend scores placements in batches.
#include <string>

namespace hetsim {

enum class Device { Cpu, Cuda };
// Resolves the user's choice; throws std::invalid_argument when CUDA is asked for and absent.
Device resolve_device(const std::string& choice);
const char* device_name(Device d);

}  // namespace hetsim
