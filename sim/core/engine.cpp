#include "hetsim/core/engine.hpp"

#include <stdexcept>
#include <string>

namespace hetsim {

void Engine::schedule_at(SimTime at, uint32_t kind, uint32_t subject, uint64_t payload) {
  if (at < now_) {
    throw std::logic_error("Engine::schedule_at: event at t=" + std::to_string(at.us()) +
                           "us is before now=" + std::to_string(now_.us()) + "us");
  }
  queue_.push(Event{at, next_seq_++, kind, subject, payload});
}

void Engine::schedule_in(SimTime delay, uint32_t kind, uint32_t subject, uint64_t payload) {
  if (delay < SimTime::zero()) {
    throw std::logic_error("Engine::schedule_in: negative delay " + std::to_string(delay.us()) + "us");
  }
  schedule_at(now_ + delay, kind, subject, payload);
}

bool Engine::pop_batch(SimTime horizon, std::vector<Event>& batch) {
  batch.clear();
  if (queue_.empty() || queue_.top().time > horizon) return false;
  const SimTime t = queue_.top().time;
  if (t < now_) throw std::logic_error("Engine: clock would go backwards");
  now_ = t;
  while (!queue_.empty() && queue_.top().time == t) batch.push_back(queue_.pop());
  processed_ += batch.size();
  return true;
}

void Engine::advance_to(SimTime t) {
  if (t < now_) throw std::logic_error("Engine::advance_to: clock would go backwards");
  if (!queue_.empty() && queue_.top().time < t) {
    throw std::logic_error("Engine::advance_to: would skip pending events");
  }
  now_ = t;
}

}  // namespace hetsim
