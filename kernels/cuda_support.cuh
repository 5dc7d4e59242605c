// Internal to kernels/ (CUDA translation units only): checked CUDA calls and a grow-only device
// buffer, shared by the placement-scoring and plan-search implementations.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "hetsim/kernels/placement_scoring.hpp"  // cuda_available

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

// The entry points' common first step: a clear error when there is no device.
inline void require_device() {
  if (!cuda_available())
    throw std::runtime_error("hetsim::kernels: no CUDA device available (cudaGetDeviceCount found none)");
}

// A non-blocking stream owned for the lifetime of a kernel's context.
class Stream {
 public:
  Stream() {
    check(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags", __FILE__, __LINE__);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() {
    if (s_ != nullptr) (void)cudaStreamDestroy(s_);
  }
  operator cudaStream_t() const { return s_; }  // NOLINT: used where a cudaStream_t is expected

 private:
  cudaStream_t s_ = nullptr;
};

// Copies `host` into `buf` (grown as needed) on `stream`; the device view, empty for empty input.
template <typename T>
std::span<const T> upload(DeviceBuffer& buf, std::span<const T> host, cudaStream_t stream) {
  if (host.empty()) return {};
  void* dev = buf.reserve(host.size_bytes());
  check(cudaMemcpyAsync(dev, host.data(), host.size_bytes(), cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync",
        __FILE__, __LINE__);
  return {static_cast<const T*>(dev), host.size()};
}

}  // namespace hetsim::kernels::cuda_support

#define HETSIM_CUDA_CHECK(expr) ::hetsim::kernels::cuda_support::check((expr), #expr, __FILE__, __LINE__)
