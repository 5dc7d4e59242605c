# Resolves HETSIM_CUDA (AUTO/ON/OFF) into HETSIM_CUDA_ENABLED.
# AUTO turns CUDA on when a CUDA compiler is found; ON fails without one.
set(HETSIM_CUDA_ENABLED OFF)
if(NOT HETSIM_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS "/usr/local/cuda/bin/nvcc")
    set(CMAKE_CUDA_COMPILER "/usr/local/cuda/bin/nvcc")
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(HETSIM_CUDA_ENABLED ON)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "52")
      # H100 (sm_90) is the device the project benchmarks on; PTX for forward compatibility.
      set(CMAKE_CUDA_ARCHITECTURES 80 90)
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    # CMake < 3.26 does not know the flag of the CUDA20 dialect (generation fails with
    # "requires the language dialect CUDA20") although nvcc >= 12 accepts -std=c++20.
    if(NOT DEFINED CMAKE_CUDA20_STANDARD_COMPILE_OPTION
       AND CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12.0)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
  elseif(HETSIM_CUDA STREQUAL "ON")
    message(FATAL_ERROR "HETSIM_CUDA=ON but no CUDA compiler (nvcc) was found")
  endif()
endif()
message(STATUS "hetsim: CUDA kernels ${HETSIM_CUDA_ENABLED}")
