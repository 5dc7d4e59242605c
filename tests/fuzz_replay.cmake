# Every fuzz target's kept regression inputs (fuzz/regressions/<target>/) and seed corpus replayed
# through its entry point by a plain executable, in every build: a crash input found once can
# never come back unnoticed. The seeds are the files scripts/fuzz.sh starts from.
set(_fz ${CMAKE_SOURCE_DIR}/fuzz)
function(hetsim_fuzz_replay name source lib)
  add_executable(replay_${name} ${_fz}/${source} ${_fz}/replay_main.cpp)
  target_link_libraries(replay_${name} PRIVATE ${lib})
  target_compile_options(replay_${name} PRIVATE ${HETSIM_WARNINGS})
  target_compile_definitions(replay_${name} PRIVATE HETSIM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_test(NAME FuzzReplay.${name} COMMAND replay_${name} ${ARGN} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(FuzzReplay.${name} PROPERTIES LABELS fuzz)
endfunction()
hetsim_fuzz_replay(scenario fuzz_scenario.cpp hetsim_scenario
                   ${_fz}/regressions/scenario ${CMAKE_SOURCE_DIR}/scenarios ${CMAKE_SOURCE_DIR}/tests/scenario/data
                   ${CMAKE_SOURCE_DIR}/tests/e2e/data)
hetsim_fuzz_replay(trace fuzz_trace.cpp hetsim_scenario ${_fz}/regressions/trace ${_fz}/corpus/trace
                   ${CMAKE_SOURCE_DIR}/scenarios/examples/traces)
hetsim_fuzz_replay(units fuzz_units.cpp hetsim_scenario ${_fz}/regressions/units ${_fz}/corpus/units)
hetsim_fuzz_replay(openb_nodes fuzz_openb_nodes.cpp hetsim_workload ${_fz}/regressions/openb_nodes
                   ${CMAKE_SOURCE_DIR}/tests/workload/data/openb)
hetsim_fuzz_replay(openb_pods fuzz_openb_pods.cpp hetsim_workload ${_fz}/regressions/openb_pods
                   ${CMAKE_SOURCE_DIR}/tests/workload/data/openb)
hetsim_fuzz_replay(output_path fuzz_output_path.cpp hetsim_metrics ${_fz}/regressions/output_path ${_fz}/corpus/output_path)
hetsim_fuzz_replay(fgd_arrivals fuzz_fgd_arrivals.cpp hetsim_replay ${_fz}/regressions/fgd_arrivals
                   ${_fz}/corpus/fgd_arrivals)
hetsim_fuzz_replay(sweep_keys fuzz_sweep_keys.cpp hetsim_app ${_fz}/regressions/sweep_keys ${_fz}/corpus/sweep_keys
                   ${CMAKE_SOURCE_DIR}/sweeps)
