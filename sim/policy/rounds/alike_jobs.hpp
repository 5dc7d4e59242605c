#pragma once
// Jobs of an allocation problem alike in their rates on every type and their gang (and, where the
// caller has one, a weight): the programs treat them alike, so the max-min program (allocation.cpp)
// and the grouped finish-time program (finish_time_grouped.cpp) give each such kind one group of
// columns. Kinds are numbered in the order of their first job, so a program built from them is the
// same for the same input.
#include <cstddef>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "hetsim/policy/rounds/allocation.hpp"

namespace hetsim {

struct AlikeJobs {
  std::vector<std::size_t> of;     // per job: its kind
  std::vector<std::size_t> first;  // per kind: its first job
};

// `weights`: one per job, part of the kind; nullptr: none.
inline AlikeJobs alike_jobs(const AllocationProblem& p, const std::vector<double>* weights = nullptr) {
  AlikeJobs a;
  a.of.resize(p.jobs);
  std::map<std::tuple<std::vector<double>, uint32_t, double>, std::size_t> index;
  for (std::size_t j = 0; j < p.jobs; ++j) {
    std::vector<double> row(p.tput.begin() + static_cast<std::ptrdiff_t>(j * p.types),
                            p.tput.begin() + static_cast<std::ptrdiff_t>((j + 1) * p.types));
    const double w = weights != nullptr ? (*weights)[j] : 0.0;
    const auto [it, fresh] = index.try_emplace({std::move(row), p.scale[j], w}, a.first.size());
    if (fresh) a.first.push_back(j);
    a.of[j] = it->second;
  }
  return a;
}

}  // namespace hetsim
