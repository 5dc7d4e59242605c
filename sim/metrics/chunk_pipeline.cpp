#include "hetsim/metrics/chunk_pipeline.hpp"

#include <utility>

namespace hetsim {

ChunkPipeline::ChunkPipeline(std::function<void(std::string_view)> consume)
    : consume_(std::move(consume)), worker_([this] { run(); }) {}

ChunkPipeline::~ChunkPipeline() {
  {
    std::lock_guard lock(m_);
    closed_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void ChunkPipeline::run() {
  std::unique_lock lock(m_);
  while (true) {
    changed_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closed and drained
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    changed_.notify_all();  // room in the queue
    std::exception_ptr failed;
    try {
      consume_(chunk);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    busy_ = false;
    if (failed) {
      error_ = failed;
      queue_.clear();
      closed_ = true;  // nothing more is consumed after a failure
    }
    changed_.notify_all();
  }
}

void ChunkPipeline::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

void ChunkPipeline::push(std::string_view chunk) {
  std::unique_lock lock(m_);
  changed_.wait(lock, [&] { return error_ || queue_.size() < kMaxQueued; });
  rethrow_locked();
  queue_.emplace_back(chunk);
  lock.unlock();
  changed_.notify_all();
}

void ChunkPipeline::finish() {
  std::unique_lock lock(m_);
  changed_.wait(lock, [&] { return error_ || (queue_.empty() && !busy_); });
  rethrow_locked();
}

}  // namespace hetsim
