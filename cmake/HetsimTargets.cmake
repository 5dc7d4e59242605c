# hetsim_add_library(NAME FOLDER SOURCES... DEPS ...)
#
# Every folder of sim/ (and kernels/) is one static library. Its headers are
# reachable as <hetsim/FOLDER/x.hpp> only through a per-target include root that
# holds a single symlink hetsim/FOLDER -> the folder. A target therefore sees
# its own headers and those of the targets it links, nothing else: an include
# against the dependency direction fails to compile (tests/layering checks it).
# -Wno-restrict: GCC 12 reports false positives on std::string concatenation at -O2
# (GCC bug 105329); the warning stays on with other compilers' equivalents.
set(HETSIM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND HETSIM_WARNINGS -Wno-restrict)
endif()

function(hetsim_include_root name folder)
  set(root "${CMAKE_BINARY_DIR}/include_roots/${name}")
  get_filename_component(leaf "${folder}" NAME)
  file(MAKE_DIRECTORY "${root}/hetsim")
  if(NOT EXISTS "${root}/hetsim/${leaf}")
    file(CREATE_LINK "${CMAKE_SOURCE_DIR}/${folder}" "${root}/hetsim/${leaf}" SYMBOLIC)
  endif()
  set(HETSIM_LAST_ROOT "${root}" PARENT_SCOPE)
endfunction()

function(hetsim_add_library name folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  hetsim_include_root(${name} ${folder})
  target_include_directories(${name} PUBLIC "${HETSIM_LAST_ROOT}")
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${HETSIM_WARNINGS}>)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
