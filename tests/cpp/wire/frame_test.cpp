#include "libnet/wire/frame.h"

#include <gtest/gtest.h>

#include <cstring>

#include "libnet/core/error.h"
#include "libnet/wire/frame_pool.h"

namespace vpcsim::wire {
namespace {

TEST(Frame, MovesWithoutCopyingAndReturnsItsSlab) {
  FramePool pool;
  Frame a = pool.allocate(60);
  const std::uint8_t* where = a.data();
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  Frame b = std::move(a);
  EXPECT_FALSE(a);
  EXPECT_EQ(b.data(), where);
  b.reset();
  EXPECT_EQ(pool.slabs_in_use(), 0u);
  Frame c = pool.allocate(100);
  EXPECT_EQ(c.data(), where) << "a released slab is reused";
  EXPECT_EQ(pool.slabs_created(), 256u);
}

TEST(Frame, CloneCopiesBytesAndMetadata) {
  FramePool pool;
  Frame a = pool.allocate(4);
  std::memcpy(a.data(), "abcd", 4);
  a.meta().packet_id = 77;
  Frame b = a.clone();
  EXPECT_NE(a.data(), b.data());
  EXPECT_EQ(std::memcmp(b.data(), "abcd", 4), 0);
  EXPECT_EQ(b.meta().packet_id, 77u);
  EXPECT_EQ(pool.slabs_in_use(), 2u);
}

TEST(Frame, HeadroomAllowsPushingAHeader) {
  FramePool pool;
  Frame f = pool.allocate(10);
  EXPECT_EQ(f.headroom(), FramePool::kHeadroom);
  EXPECT_TRUE(f.push_front(4));
  EXPECT_EQ(f.size(), 14u);
  EXPECT_TRUE(f.pull_front(4));
  EXPECT_EQ(f.size(), 10u);
  EXPECT_FALSE(f.push_front(FramePool::kHeadroom + 1));
  EXPECT_FALSE(f.pull_front(11));
  // A 10-byte frame lives in a small slab: it can grow at the back only within it.
  EXPECT_TRUE(f.resize(FramePool::kSmallSlab - FramePool::kHeadroom));
  EXPECT_FALSE(f.resize(FramePool::kSmallSlab - FramePool::kHeadroom + 1));
}

TEST(Frame, EachFrameGetsTheSmallestSlabThatFits) {
  FramePool pool;
  Frame arp = pool.allocate(60);
  EXPECT_EQ(arp.headroom() + arp.size() + arp.tailroom(), FramePool::kSmallSlab);
  Frame edge = pool.allocate(FramePool::kSmallSlab - FramePool::kHeadroom);
  EXPECT_EQ(edge.tailroom(), 0u);
  Frame full = pool.allocate(1514);
  EXPECT_EQ(full.headroom() + full.size() + full.tailroom(), FramePool::kStandardSlab);
  Frame just_over = pool.allocate(FramePool::kSmallSlab - FramePool::kHeadroom + 1);
  EXPECT_EQ(just_over.headroom() + just_over.size() + just_over.tailroom(), FramePool::kStandardSlab);
  EXPECT_EQ(pool.slabs_in_use(), 4u);
  arp.reset();
  edge.reset();
  full.reset();
  just_over.reset();
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

TEST(Frame, JumboFramesUseJumboSlabs) {
  FramePool pool;
  Frame f = pool.allocate(9018);
  EXPECT_EQ(f.size(), 9018u);
  EXPECT_THROW(pool.allocate(FramePool::kMaxFrameLen + 1), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::wire
