#pragma once
// Hands chunks of a large output to a second thread, in order, while the caller produces the
// next ones. Used for jobs.csv: hashing it for the manifest (FNV-1a, one byte at a time: about
// 0.27 s for the default month's 199 MB) and writing it overlap its formatting. The consumer
// sees exactly the chunks pushed, in the order pushed, so the bytes and the hash do not depend
// on the threads' timing.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace hetsim {

class ChunkPipeline {
 public:
  explicit ChunkPipeline(std::function<void(std::string_view)> consume);
  ~ChunkPipeline();  // waits for the consumer; drops its error (call finish() to see it)
  ChunkPipeline(const ChunkPipeline&) = delete;
  ChunkPipeline& operator=(const ChunkPipeline&) = delete;

  // Copies the chunk for the consumer; waits while kMaxQueued chunks are queued. Rethrows the
  // consumer's exception, if it threw on an earlier chunk (a full disk stops the producer too).
  void push(std::string_view chunk);
  // Waits until every chunk is consumed; rethrows the consumer's exception.
  void finish();

 private:
  static constexpr std::size_t kMaxQueued = 4;
  void run();
  void rethrow_locked();

  std::function<void(std::string_view)> consume_;
  std::mutex m_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  bool closed_ = false;
  bool busy_ = false;  // the consumer holds a chunk taken off the queue
  std::exception_ptr error_;
  std::thread worker_;
};

}  // namespace hetsim
