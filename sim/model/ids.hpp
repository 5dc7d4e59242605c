#pragma once
// Index types of the model. Plain integers into the model's arrays; ids are dense and assigned in
// scenario order, so iterating by id is deterministic.
#include <cstdint>
#include <limits>

namespace hetsim {

using ChipId = uint16_t;
using SiteId = uint16_t;
using ProviderId = uint16_t;
using PoolId = uint32_t;
using NodeId = uint32_t;
using CardId = uint32_t;
using JobId = uint32_t;
using TenantId = uint32_t;

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr JobId kNoJob = std::numeric_limits<JobId>::max();
inline constexpr int kMaxChipTypes = 64;     // allowed-chip sets are 64-bit masks
inline constexpr int kMaxCardsPerNode = 32;  // a node's cards fit a 32-bit mask
inline constexpr uint32_t kMilliPerCard = 1000;

}  // namespace hetsim
