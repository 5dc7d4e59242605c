#include "mpi_world.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#ifdef HETSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace hetsim {

namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (*end == '\0' && n > 0 && n < 1'000'000) ? static_cast<int>(n) : 0;
}

#ifdef HETSIM_HAVE_MPI
// Messages go in pieces of at most this many bytes: MPI counts are ints.
constexpr unsigned long long kChunk = 1ull << 30;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

// fn(offset, length) over consecutive pieces of `n` bytes, each at most kChunk.
template <typename F>
void in_chunks(unsigned long long n, F fn) {
  for (unsigned long long at = 0; at < n; at += kChunk) fn(at, static_cast<int>(std::min(kChunk, n - at)));
}
#endif

}  // namespace

int MpiWorld::launcher_size() {
  // OpenMPI's mpirun, then PMIx and PMI launchers (srun, hydra).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}) {
    if (const int n = env_int(name)) return n;
  }
  return 1;
}

bool MpiWorld::built_with_mpi() {
#ifdef HETSIM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

MpiWorld::MpiWorld() {
#ifdef HETSIM_HAVE_MPI
  if (launcher_size() > 1) {
    check(MPI_Init(nullptr, nullptr), "MPI_Init");
    initialised_ = true;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
    MPI_Comm local;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &local),
          "MPI_Comm_split_type");
    check(MPI_Comm_size(local, &local_size_), "MPI_Comm_size");
    MPI_Comm_free(&local);
  }
#endif
}

MpiWorld::~MpiWorld() {
#ifdef HETSIM_HAVE_MPI
  if (initialised_) MPI_Finalize();
#endif
}

void MpiWorld::abort(int code) const {
  std::fflush(stdout);
  std::fflush(stderr);
#ifdef HETSIM_HAVE_MPI
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::_Exit(code);
}

std::string MpiWorld::broadcast(const std::string& text) const {
#ifdef HETSIM_HAVE_MPI
  if (size_ > 1) {
    unsigned long long n = text.size();
    check(MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    std::string out = rank_ == 0 ? text : std::string(n, '\0');
    in_chunks(n, [&](unsigned long long at, int len) {
      check(MPI_Bcast(out.data() + at, len, MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
    });
    return out;
  }
#endif
  return text;
}

std::vector<std::string> MpiWorld::gather(const std::string& text) const {
#ifdef HETSIM_HAVE_MPI
  if (size_ > 1) {
    // Point to point, one rank at a time: Gatherv's int displacements would overflow at 2 GiB.
    constexpr int kTagSize = 1, kTagData = 2;
    unsigned long long n = text.size();
    if (rank_ != 0) {
      check(MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, kTagSize, MPI_COMM_WORLD), "MPI_Send");
      in_chunks(n, [&](unsigned long long at, int len) {
        check(MPI_Send(text.data() + at, len, MPI_CHAR, 0, kTagData, MPI_COMM_WORLD), "MPI_Send");
      });
      return {};
    }
    std::vector<std::string> all{text};
    for (int r = 1; r < size_; ++r) {
      unsigned long long m = 0;
      check(MPI_Recv(&m, 1, MPI_UNSIGNED_LONG_LONG, r, kTagSize, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
      std::string s(m, '\0');
      in_chunks(m, [&](unsigned long long at, int len) {
        check(MPI_Recv(s.data() + at, len, MPI_CHAR, r, kTagData, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
      });
      all.push_back(std::move(s));
    }
    return all;
  }
#endif
  return {text};
}

}  // namespace hetsim
