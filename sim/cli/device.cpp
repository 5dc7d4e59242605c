#include "device.hpp"

#include <stdexcept>

#include "hetsim/kernels/placement_scoring.hpp"

namespace hetsim {

Device resolve_device(const std::string& choice) {
  if (choice == "cpu") return Device::Cpu;
  if (choice == "auto") return kernels::cuda_available() ? Device::Auto : Device::Cpu;
  if (choice == "cuda") {
    if (!kernels::cuda_available()) {
      throw std::invalid_argument(
          "--device cuda: no usable CUDA device (hetsim built without CUDA, or no GPU present); "
          "use --device cpu or --device auto");
    }
    return Device::Cuda;
  }
  throw std::invalid_argument("--device: expected cpu, cuda or auto, got '" + choice + "'");
}

const char* device_name(Device d) {
  switch (d) {
    case Device::Cuda:
      return "cuda";
    case Device::Auto:
      return "auto";
    case Device::Cpu:
      break;
  }
  return "cpu";
}

}  // namespace hetsim
