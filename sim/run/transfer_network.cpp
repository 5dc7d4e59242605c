#include "hetsim/run/transfer_network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hetsim {

TransferNetwork::TransferNetwork(std::vector<double> channel_bps)
    : capacity_(std::move(channel_bps)), load_(capacity_.size(), 0) {
  for (double c : capacity_) {
    if (!(c > 0) || !std::isfinite(c)) throw std::invalid_argument("TransferNetwork: channel capacity must be > 0");
  }
}

double TransferNetwork::rate_bps(uint32_t id) const {
  const Flow& f = flows_.at(id);
  return f.live ? classes_[f.cls].rate : 0.0;
}

double TransferNetwork::remaining_bits(uint32_t id) const {
  const Flow& f = flows_.at(id);
  return f.live ? std::max(0.0, f.target - classes_[f.cls].served) : 0.0;
}

uint32_t TransferNetwork::class_of(const std::vector<uint32_t>& route) {
  for (uint32_t c : route) {
    if (c >= capacity_.size()) throw std::invalid_argument("TransferNetwork: route names an unknown channel");
  }
  auto [it, fresh] = class_index_.emplace(route, static_cast<uint32_t>(classes_.size()));
  if (fresh) classes_.push_back(RouteClass{route, 0, 0, {}});
  return it->second;
}

void TransferNetwork::join(uint32_t id, uint32_t cls, double bits) {
  Flow& f = flows_[id];
  RouteClass& k = classes_[cls];
  f.cls = cls;
  f.target = k.served + bits;
  f.live = true;
  k.targets.emplace(f.target, id);
  for (uint32_t c : k.route) ++load_[c];
}

void TransferNetwork::leave(uint32_t id) {
  Flow& f = flows_[id];
  RouteClass& k = classes_[f.cls];
  k.targets.erase({f.target, id});
  for (uint32_t c : k.route) --load_[c];
  f = Flow{};
}

void TransferNetwork::drain_to(SimTime now) {
  if (now < last_) throw std::logic_error("TransferNetwork: time went backwards");
  const double dt = (now - last_).seconds();
  last_ = now;
  if (dt == 0) return;
  for (RouteClass& k : classes_) {
    if (!k.targets.empty()) k.served += k.rate * dt;
  }
}

void TransferNetwork::allocate() {
  std::vector<double> left = capacity_;
  std::vector<uint32_t> unfixed = load_;
  std::vector<uint32_t> open;  // classes with transfers and a route, not yet given a rate
  for (uint32_t i = 0; i < classes_.size(); ++i) {
    classes_[i].rate = 0;
    if (!classes_[i].targets.empty() && !classes_[i].route.empty()) open.push_back(i);
  }
  std::vector<uint32_t> still;
  while (!open.empty()) {
    // The bottleneck: the channel whose remaining capacity split among its unfixed transfers is
    // smallest (ties to the lower index).
    uint32_t bottleneck = 0;
    double share = std::numeric_limits<double>::infinity();
    for (uint32_t c = 0; c < left.size(); ++c) {
      if (unfixed[c] == 0) continue;
      const double s = std::max(0.0, left[c]) / unfixed[c];
      if (s < share) {
        share = s;
        bottleneck = c;
      }
    }
    still.clear();
    for (uint32_t i : open) {
      RouteClass& k = classes_[i];
      if (std::find(k.route.begin(), k.route.end(), bottleneck) == k.route.end()) {
        still.push_back(i);
        continue;
      }
      k.rate = share;
      const auto n = static_cast<uint32_t>(k.targets.size());
      for (uint32_t c : k.route) {
        left[c] -= share * n;
        unfixed[c] -= n;
      }
    }
    open.swap(still);
  }
}

uint32_t TransferNetwork::add(std::vector<uint32_t> route, double bits, SimTime now) {
  if (!(bits > 0) || !std::isfinite(bits)) throw std::invalid_argument("TransferNetwork: a transfer needs > 0 bits");
  const uint32_t cls = class_of(route);
  drain_to(now);
  uint32_t id;
  if (!free_ids_.empty()) {
    id = *free_ids_.begin();  // lowest first: reuse does not depend on the order ids were freed in
    free_ids_.erase(free_ids_.begin());
  } else {
    id = static_cast<uint32_t>(flows_.size());
    flows_.emplace_back();
  }
  join(id, cls, bits);
  ++active_count_;
  allocate();
  return id;
}

void TransferNetwork::remove(uint32_t id, SimTime now) {
  if (id >= flows_.size() || !flows_[id].live)
    throw std::logic_error("TransferNetwork: removing a transfer that is not live");
  drain_to(now);
  leave(id);
  free_ids_.insert(id);
  --active_count_;
  allocate();
}

void TransferNetwork::reroute(uint32_t id, std::vector<uint32_t> route, SimTime now) {
  if (id >= flows_.size() || !flows_[id].live)
    throw std::logic_error("TransferNetwork: rerouting a transfer that is not live");
  const uint32_t cls = class_of(route);
  drain_to(now);
  const double left = remaining_bits(id);
  leave(id);
  join(id, cls, left);
  allocate();
}

std::vector<uint32_t> TransferNetwork::take_finished(SimTime now) {
  drain_to(now);
  std::vector<uint32_t> done;
  for (RouteClass& k : classes_) {
    // next_finish() rounds up to whole microseconds, so a finished transfer has drained to 0 up to
    // rounding: anything under a microsecond's worth (or one bit) is done.
    const double slack = std::max(1.0, k.rate * 1e-6);
    while (k.rate > 0 && !k.targets.empty() && k.targets.begin()->first - k.served <= slack) {
      done.push_back(k.targets.begin()->second);
      k.targets.erase(k.targets.begin());
    }
  }
  if (done.empty()) return done;
  std::sort(done.begin(), done.end());
  for (uint32_t id : done) {
    for (uint32_t c : classes_[flows_[id].cls].route) --load_[c];
    flows_[id] = Flow{};
    free_ids_.insert(id);
    --active_count_;
  }
  allocate();
  return done;
}

SimTime TransferNetwork::next_finish() const {
  double best_us = std::numeric_limits<double>::infinity();
  for (const RouteClass& k : classes_) {
    if (k.rate > 0 && !k.targets.empty()) {
      best_us = std::min(best_us, std::ceil(std::max(0.0, k.targets.begin()->first - k.served) / k.rate * 1e6));
    }
  }
  if (!(best_us < kLongestDurationUs)) return kNever;
  return saturating_add(last_, SimTime::from_us(static_cast<int64_t>(best_us)));
}

double TransferNetwork::estimate_s(const std::vector<uint32_t>& route, double bits) const {
  if (route.empty()) return std::numeric_limits<double>::infinity();
  double rate = std::numeric_limits<double>::infinity();
  for (uint32_t c : route) rate = std::min(rate, capacity_.at(c) / (load_.at(c) + 1));
  return bits / rate;
}

}  // namespace hetsim
