#include "libnet/wire/frame.h"

#include <gtest/gtest.h>

#include <cstring>
#include <utility>
#include <vector>

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

// --- share(): one copy of the bytes for many handles, copied on the first write ---------------------

TEST(Frame, ShareGivesASecondHandleOnTheSameBytes) {
  FramePool pool;
  Frame a = pool.allocate(4);
  std::memcpy(a.data(), "abcd", 4);
  a.meta().packet_id = 9;
  Frame b = a.share();
  EXPECT_TRUE(a.is_shared());
  EXPECT_TRUE(b.is_shared());
  EXPECT_EQ(std::as_const(a).data(), std::as_const(b).data());
  EXPECT_EQ(b.meta().packet_id, 9u);
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  b.meta().ingress_interface = 3;  // metadata is per handle
  EXPECT_EQ(a.meta().ingress_interface, kNoInterface);
}

TEST(Frame, WritingThroughASharedHandleCopiesAndLeavesTheOthersAlone) {
  FramePool pool;
  Frame a = pool.allocate(4);
  std::memcpy(a.data(), "abcd", 4);
  Frame b = a.share();
  Frame c = b.share();
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  b.data()[0] = 'X';  // b gets its own copy first
  EXPECT_FALSE(b.is_shared());
  EXPECT_EQ(pool.slabs_in_use(), 2u);
  EXPECT_EQ(std::memcmp(std::as_const(a).data(), "abcd", 4), 0);
  EXPECT_EQ(std::memcmp(std::as_const(c).data(), "abcd", 4), 0);
  EXPECT_EQ(std::memcmp(std::as_const(b).data(), "Xbcd", 4), 0);
  EXPECT_EQ(b.headroom(), a.headroom()) << "the copy keeps the headroom";
  EXPECT_EQ(b.size(), 4u);
}

TEST(Frame, TheLastHandleLeftWritesWithoutCopying) {
  FramePool pool;
  Frame a = pool.allocate(4);
  std::memcpy(a.data(), "abcd", 4);
  Frame b = a.share();
  const std::uint8_t* bytes = std::as_const(a).data();
  b.reset();
  EXPECT_EQ(pool.slabs_in_use(), 1u) << "the slab stays while a handle holds it";
  a.data()[1] = 'Y';
  EXPECT_EQ(std::as_const(a).data(), bytes);
  EXPECT_EQ(pool.slabs_created(), 256u);  // one chunk: nothing was copied
  EXPECT_FALSE(a.is_shared());
}

TEST(Frame, ASharedSlabReturnsToThePoolWithItsLastHandle) {
  FramePool pool;
  std::vector<Frame> copies;
  Frame original = pool.allocate(42);
  for (int i = 0; i < 1000; ++i) copies.push_back(original.share());
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  original.reset();
  for (std::size_t i = 0; i + 1 < copies.size(); ++i) copies[i].reset();
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  Frame moved = std::move(copies.back());
  copies.back().reset();  // moved-from: releases nothing
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  moved.reset();
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

TEST(Frame, CloningOrSharingASharedFrame) {
  FramePool pool;
  Frame a = pool.allocate(2);
  std::memcpy(a.data(), "hi", 2);
  Frame b = a.share();
  Frame deep = b.clone();  // a private copy, not shared
  EXPECT_FALSE(deep.is_shared());
  EXPECT_NE(std::as_const(deep).data(), std::as_const(b).data());
  Frame c = b.share();  // a third handle on the shared bytes
  a.reset();
  b.reset();
  EXPECT_EQ(std::memcmp(std::as_const(c).data(), "hi", 2), 0);
  EXPECT_EQ(pool.slabs_in_use(), 2u);
}

TEST(Frame, AFrameWithNoHeadroomLeftIsClonedInsteadOfShared) {
  // The count of handles lives in the headroom; a frame that pushed headers into all of it is copied.
  FramePool pool;
  Frame a = pool.allocate(10);
  ASSERT_TRUE(a.push_front(FramePool::kHeadroom));
  std::memset(a.data(), 7, a.size());
  Frame b = a.share();
  EXPECT_FALSE(a.is_shared());
  EXPECT_FALSE(b.is_shared());
  EXPECT_EQ(pool.slabs_in_use(), 2u);
  EXPECT_EQ(std::as_const(b).data()[0], 7);
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
