// The pipeline behind jobs.csv: the consumer sees every chunk, in order, whatever the threads'
// timing; its failure reaches the producer; nothing is lost or consumed after one.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "hetsim/metrics/chunk_pipeline.hpp"

namespace hetsim {
namespace {

TEST(ChunkPipeline, ConsumesEveryChunkInOrder) {
  std::string seen;
  std::string expected;
  {
    ChunkPipeline p([&](std::string_view c) {
      if (c.size() % 7 == 0) std::this_thread::yield();  // uneven pace
      seen.append(c);
    });
    for (int i = 0; i < 2000; ++i) {
      const std::string chunk = std::to_string(i) + std::string(static_cast<std::size_t>(i % 13), 'x') + ";";
      expected += chunk;
      p.push(chunk);
    }
    p.finish();
    EXPECT_EQ(seen, expected);  // complete once finish() returns
  }
  EXPECT_EQ(seen, expected);
}

TEST(ChunkPipeline, TheConsumersFailureReachesTheProducer) {
  int consumed = 0;
  ChunkPipeline p([&](std::string_view c) {
    if (c == "bad") throw std::runtime_error("disk full");
    ++consumed;
  });
  p.push("a");
  p.push("bad");
  // The failure surfaces at a later push or at finish(), never silently.
  bool thrown = false;
  try {
    for (int i = 0; i < 100; ++i) p.push("after");
    p.finish();
  } catch (const std::runtime_error& e) {
    thrown = true;
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_TRUE(thrown);
  EXPECT_EQ(consumed, 1);  // nothing after the failed chunk
  EXPECT_THROW(p.finish(), std::runtime_error);
}

TEST(ChunkPipeline, DestroyedWithoutFinishStillJoins) {
  int consumed = 0;
  {
    ChunkPipeline p([&](std::string_view) { ++consumed; });
    p.push("x");
    p.push("y");
  }
  EXPECT_EQ(consumed, 2);
}

}  // namespace
}  // namespace hetsim
