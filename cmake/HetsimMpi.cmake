# Resolves HETSIM_MPI (AUTO/ON/OFF) into HETSIM_MPI_ENABLED: `hetsim sweep` under mpirun spreads
# its runs over the ranks (OpenMPI from Debian: libopenmpi-dev, openmpi-bin). Without MPI the
# sweep runs on one machine and refuses to start under a launcher. Not in sanitizer or fuzz
# builds: the MPI runtime's own allocations would be reported as leaks.
set(HETSIM_MPI_ENABLED OFF)
if(NOT HETSIM_MPI STREQUAL "OFF" AND NOT HETSIM_SANITIZE AND NOT HETSIM_FUZZ)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(HETSIM_MPI_ENABLED ON)
  elseif(HETSIM_MPI STREQUAL "ON")
    message(FATAL_ERROR "HETSIM_MPI=ON but MPI was not found (apt-get install libopenmpi-dev openmpi-bin)")
  endif()
endif()
message(STATUS "hetsim: MPI sweeps ${HETSIM_MPI_ENABLED}")
