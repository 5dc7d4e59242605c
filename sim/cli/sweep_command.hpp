#pragma once
// `hetsim sweep SWEEP.yaml --out DIR`: every point of a grid or list of scenario overrides, under
// every policy and seed; OpenMP threads run simulations in parallel on one machine, and the same
// command under `mpirun -n N` spreads them over N ranks. One result file per run under DIR/runs/
// (written when the run ends, so an interrupted sweep loses only the runs in flight and a rerun
// skips the finished ones), gathered into DIR/results.csv, one tidy row per run
// (docs/workflow.md, "Sweeps").
#include <string>

namespace hetsim {

struct SweepOptions {
  std::string sweep_file;
  std::string out;
  int threads = 0;  // per rank; 0: OMP_NUM_THREADS, else this machine's cores shared by its ranks
  bool quiet = false;
  std::string progress = "auto";  // checking the points: auto, on, off (progress_bar.hpp)
};

int cmd_sweep(const SweepOptions& opt);

}  // namespace hetsim
