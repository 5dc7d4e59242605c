// Internal to kernels/ (CUDA translation units only): checked CUDA calls and a grow-only device
// buffer, shared by the placement-scoring and plan-search implementations.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace hetsim::kernels::cuda_support {

inline void check(cudaError_t err, const char* expr, const char* file, int line) {
  if (err != cudaSuccess) {
    throw std::runtime_error(std::string("hetsim::kernels CUDA error: ") + expr + " failed: " + cudaGetErrorName(err) +
                             ": " + cudaGetErrorString(err) + " (" + file + ":" + std::to_string(line) + ")");
  }
}

// Device allocation grown geometrically, never shrunk; the contents do not survive a growth.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_ != nullptr) (void)cudaFree(ptr_);
  }

  void* reserve(std::size_t bytes) {
    if (bytes > capacity_) {
      const std::size_t grown = std::max(bytes, capacity_ + capacity_ / 2);
      if (ptr_ != nullptr) {
        check(cudaFree(ptr_), "cudaFree", __FILE__, __LINE__);
        ptr_ = nullptr;
        capacity_ = 0;
      }
      check(cudaMalloc(&ptr_, grown), "cudaMalloc", __FILE__, __LINE__);
      capacity_ = grown;
    }
    return ptr_;
  }

 private:
  void* ptr_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace hetsim::kernels::cuda_support

#define HETSIM_CUDA_CHECK(expr) ::hetsim::kernels::cuda_support::check((expr), #expr, __FILE__, __LINE__)
