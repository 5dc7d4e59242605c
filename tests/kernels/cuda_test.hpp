#pragma once
// Base fixture of the GPU tests: every test skips when no CUDA device is present (or hetsim was
// built without CUDA), so test_kernels_gpu passes on machines without one.
#include <gtest/gtest.h>

#include "hetsim/kernels/placement_scoring.hpp"  // cuda_available

namespace hetsim::kernels::testing {

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device (or hetsim built without CUDA)";
  }
};

}  // namespace hetsim::kernels::testing
