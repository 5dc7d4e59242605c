#pragma once
// The MPI job a `hetsim sweep` runs in: rank and size, a broadcast from rank 0 and a gather to it.
// A process not started by mpirun (or a hetsim built without MPI) is a world of one, so the sweep
// code has a single path. MPI is initialised only when the environment shows an MPI launcher: a
// plain `hetsim sweep` never pays for, or depends on, the MPI runtime.
#include <string>
#include <vector>

namespace hetsim {

class MpiWorld {
 public:
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  // Processes of this job on this machine (for sharing its cores between them).
  int local_size() const { return local_size_; }

  // Rank 0's `text` on every rank.
  std::string broadcast(const std::string& text) const;
  // On rank 0, every rank's `text` in rank order; elsewhere empty.
  std::vector<std::string> gather(const std::string& text) const;

  // Ends every rank of the job at once (after an error that would leave others waiting).
  [[noreturn]] void abort(int code) const;

  // Ranks the launcher announced in the environment (1 when not under a launcher).
  static int launcher_size();
  static bool built_with_mpi();

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_size_ = 1;
  bool initialised_ = false;
};

}  // namespace hetsim
