#pragma once
// ChipCatalog: accelerator types and their published figures (scenarios/catalog/chips.yaml).
// Units are in the field names. Lookup by name is O(log n) and deterministic.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hetsim/model/ids.hpp"

namespace hetsim {

struct ChipSpec {
  std::string name;
  std::string vendor;
  double bf16_tflops = 0;       // dense BF16/FP16 peak, TFLOP/s
  double mem_gb = 0;            // device memory, GB (1e9 bytes)
  double mem_bw_tbs = 0;        // device memory bandwidth, TB/s
  double intra_node_gbs = 0;    // per-card intra-node link bandwidth, GB/s (NVLink/HCCS/PCIe)
  std::string intra_node_link;  // link family, e.g. "NVLink4", "HCCS", "PCIe4"
  // false: cards cannot read each other's memory (consumer GPUs: the driver disables peer-to-peer),
  // so intra-node collectives are staged through host memory (docs/performance-model.md).
  bool peer_to_peer = true;
  int cards_per_server = 8;
  double tdp_w = 0;
  double price_cny_per_card_hour = 0;
  double achievable_mfu = 0.4;  // share of peak a well-tuned training job reaches
  std::string confidence;       // high | medium | low (from the source)
  std::string source;           // where the numbers come from
  bool domestic = false;        // made by one of the scenario's vouchers.domestic_vendors

  // GB/s a ring collective inside a server moves one way per card: half the bidirectional catalog
  // figure (a ring step sends one way while it receives the other), halved again without
  // peer-to-peer, where every byte is copied into host memory and out again.
  double intra_node_ring_gbs() const { return intra_node_gbs / 2.0 * (peer_to_peer ? 1.0 : 0.5); }
};

class ChipCatalog {
 public:
  // Adds or replaces (scenario overrides) a chip; returns its id. Ids stay stable on replace.
  ChipId add_or_replace(ChipSpec spec);
  std::optional<ChipId> find(const std::string& name) const;
  const ChipSpec& at(ChipId id) const { return chips_.at(id); }
  std::size_t size() const { return chips_.size(); }
  const std::vector<ChipSpec>& all() const { return chips_; }
  std::vector<std::string> names() const;
  std::size_t vendor_count() const;

 private:
  std::vector<ChipSpec> chips_;
  std::map<std::string, ChipId> by_name_;
};

}  // namespace hetsim
