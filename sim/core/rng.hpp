#pragma once
// Random numbers that are identical on every platform and library version: xoshiro256** as the
// generator and our own distributions (std:: distributions are implementation-defined).
// RngStreams derives an independent stream per component name from one root seed, so adding a
// component or drawing more numbers in one stream never shifts another stream's sequence.
#include <cstdint>
#include <span>
#include <string_view>

namespace hetsim {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next_u64();
  double uniform01();                                     // [0, 1), 53 random bits
  double uniform(double lo, double hi);                   // [lo, hi)
  uint64_t below(uint64_t n);                             // [0, n), unbiased (Lemire); n > 0
  double exponential(double rate);                        // mean 1/rate; rate > 0
  double normal();                                        // standard normal (Box-Muller, no cached spare)
  double lognormal(double mu, double sigma);              // exp(N(mu, sigma))
  std::size_t discrete(std::span<const double> weights);  // index with probability w_i / sum(w)

 private:
  uint64_t s_[4];
};

class RngStreams {
 public:
  explicit RngStreams(uint64_t root_seed) : root_(root_seed) {}
  uint64_t root_seed() const { return root_; }
  Rng stream(std::string_view name) const { return Rng(stream_seed(name)); }
  uint64_t stream_seed(std::string_view name) const;

 private:
  uint64_t root_;
};

uint64_t splitmix64(uint64_t& state);
// FNV-1a over the bytes of s, continuing from `h` (the offset basis by default), so a text hashed
// in pieces gives the hash of the whole.
inline constexpr uint64_t kFnv1a64Basis = 0xCBF29CE484222325ULL;
uint64_t fnv1a64(std::string_view s, uint64_t h = kFnv1a64Basis);

}  // namespace hetsim
