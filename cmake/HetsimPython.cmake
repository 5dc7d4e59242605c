# Resolves HETSIM_PYTHON (AUTO/ON/OFF) into HETSIM_PYTHON_ENABLED: the pybind11 module `hetsim`
# for Debian's /usr/bin/python3 (the interpreter that has numpy and pandas; the `python3` first
# on PATH may be another). Not in sanitizer or fuzz builds: an ASan-instrumented extension cannot
# load into an uninstrumented interpreter. The static libraries are built position-independent
# so the module can link them.
set(HETSIM_PYTHON_ENABLED OFF)
if(NOT HETSIM_PYTHON STREQUAL "OFF" AND NOT HETSIM_SANITIZE AND NOT HETSIM_FUZZ)
  set(Python_EXECUTABLE /usr/bin/python3)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 CONFIG QUIET)
  if(pybind11_FOUND)
    set(HETSIM_PYTHON_ENABLED ON)
    set(CMAKE_POSITION_INDEPENDENT_CODE ON)
    # PIC alone would let calls between global functions be interposed, and so not inlined; hetsim
    # never interposes, so keep the executable's code as fast as without PIC.
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-fno-semantic-interposition>)
  elseif(HETSIM_PYTHON STREQUAL "ON")
    message(FATAL_ERROR "HETSIM_PYTHON=ON but pybind11 was not found (apt-get install pybind11-dev python3-dev)")
  endif()
endif()
message(STATUS "hetsim: Python module ${HETSIM_PYTHON_ENABLED}")
