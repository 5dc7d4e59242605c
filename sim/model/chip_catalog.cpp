#include "hetsim/model/chip_catalog.hpp"

#include <set>
#include <stdexcept>

namespace hetsim {

ChipId ChipCatalog::add_or_replace(ChipSpec spec) {
  auto it = by_name_.find(spec.name);
  if (it != by_name_.end()) {
    chips_[it->second] = std::move(spec);
    return it->second;
  }
  if (chips_.size() >= static_cast<std::size_t>(kMaxChipTypes)) {
    throw std::length_error("ChipCatalog: more than 64 chip types");
  }
  const auto id = static_cast<ChipId>(chips_.size());
  by_name_.emplace(spec.name, id);
  chips_.push_back(std::move(spec));
  return id;
}

std::optional<ChipId> ChipCatalog::find(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ChipCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& c : chips_) out.push_back(c.name);
  return out;
}

std::size_t ChipCatalog::vendor_count() const {
  std::set<std::string> v;
  for (const auto& c : chips_) v.insert(c.vendor);
  return v.size();
}

}  // namespace hetsim
