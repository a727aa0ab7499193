// RingBuffer: FIFO order through growth and wrap-around, move-only elements, indexing, and the state a
// moved-from buffer is left in.
#include "libnet/core/ring_buffer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace vpcsim::core {
namespace {

TEST(RingBuffer, StartsEmptyWithoutAllocating) {
  RingBuffer<int> q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
}

TEST(RingBuffer, PopsInTheOrderPushed) {
  RingBuffer<int> q;
  for (int i = 0; i < 3; ++i) q.push_back(i);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front(), 0);
  EXPECT_EQ(q.back(), 2);
  EXPECT_EQ(q.pop_front(), 0);
  EXPECT_EQ(q.pop_front(), 1);
  EXPECT_EQ(q.pop_front(), 2);
  EXPECT_TRUE(q.empty());
}

TEST(RingBuffer, KeepsOrderWhenGrowingWhileWrappedAround) {
  // Fill the initial 4 slots, pop two so the head moves, then push past the capacity: the grow must
  // copy the wrapped contents in order.
  RingBuffer<int> q;
  for (int i = 0; i < 4; ++i) q.push_back(i);
  EXPECT_EQ(q.pop_front(), 0);
  EXPECT_EQ(q.pop_front(), 1);
  for (int i = 4; i < 20; ++i) q.push_back(i);
  ASSERT_EQ(q.size(), 18u);
  for (int i = 2; i < 20; ++i) EXPECT_EQ(q.pop_front(), i);
  EXPECT_TRUE(q.empty());
}

TEST(RingBuffer, LongRunOfInterleavedPushAndPopMatchesAQueue) {
  RingBuffer<int> q;
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 1000; ++round) {
    const int pushes = (round * 7) % 5 + 1;
    const int pops = (round * 3) % 5;
    for (int i = 0; i < pushes; ++i) q.push_back(next_in++);
    for (int i = 0; i < pops && !q.empty(); ++i) ASSERT_EQ(q.pop_front(), next_out++);
    ASSERT_EQ(q.size(), static_cast<std::size_t>(next_in - next_out));
    if (!q.empty()) {
      ASSERT_EQ(q.front(), next_out);
      ASSERT_EQ(q.back(), next_in - 1);
    }
  }
}

TEST(RingBuffer, IndexCountsFromTheFront) {
  RingBuffer<std::string> q;
  for (const char* s : {"a", "b", "c", "d", "e"}) q.push_back(s);
  q.pop_front();
  q.push_back("f");  // wraps
  const RingBuffer<std::string>& cq = q;
  EXPECT_EQ(cq[0], "b");
  EXPECT_EQ(cq[4], "f");
  q[1] = "C";
  EXPECT_EQ(q.pop_front(), "b");
  EXPECT_EQ(q.pop_front(), "C");
}

TEST(RingBuffer, HoldsMoveOnlyElements) {
  RingBuffer<std::unique_ptr<int>> q;
  for (int i = 0; i < 10; ++i) q.push_back(std::make_unique<int>(i));
  for (int i = 0; i < 10; ++i) {
    auto p = q.pop_front();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(*p, i);
  }
}

TEST(RingBuffer, PopReleasesTheElementItHeld) {
  auto shared = std::make_shared<int>(1);
  RingBuffer<std::shared_ptr<int>> q;
  q.push_back(shared);
  EXPECT_EQ(shared.use_count(), 2);
  q.pop_front();
  EXPECT_EQ(shared.use_count(), 1) << "the slot must not keep a copy after pop_front";
}

TEST(RingBuffer, ClearEmptiesAndStaysUsable) {
  RingBuffer<int> q;
  for (int i = 0; i < 9; ++i) q.push_back(i);
  q.clear();
  EXPECT_TRUE(q.empty());
  q.push_back(42);
  EXPECT_EQ(q.front(), 42);
  EXPECT_EQ(q.size(), 1u);
}

TEST(RingBuffer, MoveConstructionTransfersTheContents) {
  RingBuffer<int> a;
  for (int i = 0; i < 6; ++i) a.push_back(i);
  RingBuffer<int> b(std::move(a));
  ASSERT_EQ(b.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(b.pop_front(), i);
}

TEST(RingBuffer, MoveAssignmentReplacesTheContents) {
  RingBuffer<int> a, b;
  a.push_back(1);
  b.push_back(7);
  b.push_back(8);
  b = std::move(a);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b.front(), 1);
}

// A moved-from buffer is empty and usable.
TEST(RingBuffer, MovedFromBufferIsEmptyAndUsable) {
  RingBuffer<int> a;
  for (int i = 0; i < 3; ++i) a.push_back(i);
  RingBuffer<int> b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): what a moved-from queue should be
  EXPECT_EQ(a.size(), 0u);
  a.push_back(5);
  EXPECT_EQ(a.front(), 5);

  RingBuffer<int> c;
  c.push_back(1);
  RingBuffer<int> d;
  d = std::move(c);
  EXPECT_TRUE(c.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(RingBuffer, TakesItsSlotsFromAnArenaWhenGivenOne) {
  Arena arena;
  RingBuffer<std::unique_ptr<int>, true> q;
  q.set_arena(&arena);
  for (int i = 0; i < 100; ++i) q.push_back(std::make_unique<int>(i));
  EXPECT_GE(arena.bytes_allocated(), 128 * sizeof(std::unique_ptr<int>));  // 4, 8, ... 128 slots
  for (int i = 0; i < 50; ++i) EXPECT_EQ(*q.pop_front(), i);
  RingBuffer<std::unique_ptr<int>, true> moved(std::move(q));
  EXPECT_TRUE(q.empty());
  for (int i = 50; i < 100; ++i) EXPECT_EQ(*moved.pop_front(), i);
}

}  // namespace
}  // namespace vpcsim::core
