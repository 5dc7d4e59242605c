// The card's measured copy bandwidth, the yardstick for the kernels' GB/s figures
// (docs/performance.md): device-to-device cudaMemcpy (bytes_per_second counts bytes read plus
// bytes written, as the kernels' figures count what they read), and host-to-device and
// device-to-host from pinned host memory (bytes moved). Built only with CUDA.
#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "hetsim/kernels/placement_scoring.hpp"  // cuda_available

namespace {

bool ok(cudaError_t e, benchmark::State& state) {
  if (!hetsim::kernels::cuda_available()) {
    state.SkipWithError("no CUDA device");
    return false;
  }
  if (e == cudaSuccess) return true;
  state.SkipWithError(cudaGetErrorString(e));
  return false;
}

void BM_CopyDeviceToDevice(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) << 20;
  void* a = nullptr;
  void* b = nullptr;
  if (!ok(cudaMalloc(&a, bytes), state) || !ok(cudaMalloc(&b, bytes), state)) return;
  cudaEvent_t start, stop;
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  (void)cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);  // warm-up
  for (auto _ : state) {
    cudaEventRecord(start);
    cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice);
    cudaEventRecord(stop);
    cudaEventSynchronize(stop);
    float ms = 0;
    cudaEventElapsedTime(&ms, start, stop);
    state.SetIterationTime(ms / 1e3);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(2 * bytes));
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(a);
  cudaFree(b);
}

void host_copy(benchmark::State& state, cudaMemcpyKind kind) {
  const auto bytes = static_cast<std::size_t>(state.range(0)) << 20;
  void* host = nullptr;
  void* dev = nullptr;
  if (!ok(cudaMallocHost(&host, bytes), state) || !ok(cudaMalloc(&dev, bytes), state)) return;
  for (auto _ : state) {
    if (kind == cudaMemcpyHostToDevice)
      cudaMemcpy(dev, host, bytes, kind);
    else
      cudaMemcpy(host, dev, bytes, kind);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  cudaFreeHost(host);
  cudaFree(dev);
}

void BM_CopyHostToDevice(benchmark::State& state) { host_copy(state, cudaMemcpyHostToDevice); }
void BM_CopyDeviceToHost(benchmark::State& state) { host_copy(state, cudaMemcpyDeviceToHost); }

}  // namespace

BENCHMARK(BM_CopyDeviceToDevice)->ArgName("MiB")->Arg(1024)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CopyHostToDevice)->ArgName("MiB")->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CopyDeviceToHost)->ArgName("MiB")->Arg(256)->UseRealTime()->Unit(benchmark::kMillisecond);
