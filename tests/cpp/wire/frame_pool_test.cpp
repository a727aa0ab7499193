// FramePool: size classes and their boundary, chunked slab creation, LIFO reuse, accounting, copies.
// (Frame's own handle semantics are covered in frame_test.cpp.)
#include "libnet/wire/frame_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <set>
#include <vector>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

constexpr std::size_t kLargestStandard = FramePool::kStandardSlab - FramePool::kHeadroom;  // 1984

TEST(FramePool, NewPoolHasReservedNothing) {
  FramePool pool;
  EXPECT_EQ(pool.slabs_created(), 0u);
  EXPECT_EQ(pool.slabs_in_use(), 0u);
  EXPECT_EQ(pool.bytes_reserved(), 0u);
}

TEST(FramePool, AllocateGivesTheRequestedLengthAfterTheHeadroom) {
  FramePool pool;
  Frame f = pool.allocate(60);
  EXPECT_EQ(f.size(), 60u);
  EXPECT_EQ(f.headroom(), FramePool::kHeadroom);
  EXPECT_EQ(f.tailroom(), FramePool::kSmallSlab - FramePool::kHeadroom - 60);
  EXPECT_EQ(f.meta().packet_id, 0u);
  EXPECT_EQ(f.meta().ingress_interface, kNoInterface);
}

TEST(FramePool, SlabChunksStartAt64KiBAndDoubleUpToHugePageBlocks) {
  FramePool pool;
  std::vector<Frame> frames;
  for (int i = 0; i < 32; ++i) frames.push_back(pool.allocate(1000));
  EXPECT_EQ(pool.slabs_created(), 32u);  // 64 KiB of 2 KiB slabs
  EXPECT_EQ(pool.bytes_reserved(), 32 * FramePool::kStandardSlab);
  frames.push_back(pool.allocate(1000));
  EXPECT_EQ(pool.slabs_created(), 32u + 64u);  // then 128 KiB
  EXPECT_EQ(pool.slabs_in_use(), 33u);
  frames.push_back(pool.allocate(60));  // a small slab: a first chunk of 256 of them
  EXPECT_EQ(pool.slabs_created(), 96u + 256u);
  EXPECT_EQ(pool.bytes_reserved(), 96 * FramePool::kStandardSlab + 256 * FramePool::kSmallSlab);
  // 64 + 128 + 256 + 512 KiB + 1 MiB of standard slabs, then 2 MiB chunks, and no larger.
  while (pool.slabs_in_use() < 992 + 1 + 1) frames.push_back(pool.allocate(1000));
  EXPECT_EQ(pool.slabs_created(), 256u + 992u + 1024u);
  while (pool.slabs_in_use() < 992 + 1024 + 1 + 1) frames.push_back(pool.allocate(1000));
  EXPECT_EQ(pool.slabs_created(), 256u + 992u + 2 * 1024u);
}

TEST(FramePool, LargestStandardFrameFitsAStandardSlab) {
  FramePool pool;
  Frame f = pool.allocate(kLargestStandard);
  EXPECT_EQ(f.tailroom(), 0u);
  EXPECT_EQ(pool.bytes_reserved(), 32 * FramePool::kStandardSlab);
}

TEST(FramePool, OneByteMoreTakesAJumboSlab) {
  FramePool pool;
  Frame f = pool.allocate(kLargestStandard + 1);
  EXPECT_EQ(f.size(), kLargestStandard + 1);
  EXPECT_EQ(f.headroom(), FramePool::kHeadroom);
  EXPECT_EQ(pool.bytes_reserved(), 7 * FramePool::kJumboSlab);  // 64 KiB / 9280 B
  EXPECT_TRUE(f.resize(FramePool::kMaxFrameLen));
  EXPECT_FALSE(f.resize(FramePool::kMaxFrameLen + 1));
}

TEST(FramePool, AwsJumboFrameFits) {
  // 9001-byte MTU + 14-byte Ethernet header + 802.1Q tag.
  FramePool pool;
  Frame f = pool.allocate(9001 + 14 + 4);
  EXPECT_EQ(f.size(), 9019u);
  Frame largest = pool.allocate(FramePool::kMaxFrameLen);
  EXPECT_EQ(largest.size(), FramePool::kMaxFrameLen);
}

TEST(FramePool, TooLargeIsAConfigErrorNamingTheLength) {
  FramePool pool;
  try {
    pool.allocate(FramePool::kMaxFrameLen + 1);
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), "frame pool");
    EXPECT_NE(std::string(e.what()).find(std::to_string(FramePool::kMaxFrameLen + 1)), std::string::npos) << e.what();
  }
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

TEST(FramePool, ReleasedSlabsAreReusedMostRecentFirst) {
  FramePool pool;
  Frame a = pool.allocate(10);
  Frame b = pool.allocate(10);
  const std::uint8_t* a_data = a.data();
  const std::uint8_t* b_data = b.data();
  a.reset();
  b.reset();
  EXPECT_EQ(pool.slabs_in_use(), 0u);
  Frame c = pool.allocate(10);
  Frame d = pool.allocate(10);
  EXPECT_EQ(c.data(), b_data);
  EXPECT_EQ(d.data(), a_data);
  EXPECT_EQ(pool.slabs_created(), 256u) << "no new chunk while free slabs remain";
}

TEST(FramePool, SteadyStateAllocatesNothingNew) {
  FramePool pool;
  for (int round = 0; round < 1000; ++round) {
    std::vector<Frame> burst;
    for (int i = 0; i < 20; ++i) burst.push_back(pool.allocate(1500));
  }
  EXPECT_EQ(pool.slabs_created(), 32u);
  EXPECT_EQ(pool.slabs_in_use(), 0u);
}

TEST(FramePool, SizeClassesAreAccountedSeparately) {
  FramePool pool;
  {
    Frame small = pool.allocate(60);
    Frame s = pool.allocate(1000);
    Frame j = pool.allocate(5000);
    EXPECT_EQ(pool.slabs_in_use(), 3u);
    EXPECT_EQ(pool.slabs_created(), 256u + 32u + 7u);
    EXPECT_EQ(pool.bytes_reserved(),
              256 * FramePool::kSmallSlab + 32 * FramePool::kStandardSlab + 7 * FramePool::kJumboSlab);
  }
  EXPECT_EQ(pool.slabs_in_use(), 0u);
  // Each slab went back to its own free list: new frames of each class reuse them, no new chunk.
  Frame j2 = pool.allocate(9000);
  Frame s2 = pool.allocate(1500);
  Frame small2 = pool.allocate(42);
  EXPECT_EQ(pool.slabs_created(), 256u + 32u + 7u);
}

TEST(FramePool, LiveSlabsNeverOverlap) {
  FramePool pool;
  std::vector<Frame> frames;
  for (int i = 0; i < 100; ++i) {
    frames.push_back(pool.allocate(i % 2 == 0 ? kLargestStandard : 3000));
    std::memset(frames.back().data(), i, frames.back().size());
  }
  for (int i = 0; i < 100; ++i) {
    const auto bytes = frames[i].bytes();
    for (std::uint8_t b : bytes) ASSERT_EQ(b, static_cast<std::uint8_t>(i)) << "frame " << i << " was overwritten";
  }
  std::set<const std::uint8_t*> starts;
  for (const auto& f : frames) starts.insert(f.data());
  EXPECT_EQ(starts.size(), 100u);
}

TEST(FramePool, CopyOfCopiesTheBytes) {
  FramePool pool;
  std::vector<std::uint8_t> bytes(300);
  std::iota(bytes.begin(), bytes.end(), 0);
  Frame f = pool.copy_of(bytes);
  ASSERT_EQ(f.size(), bytes.size());
  EXPECT_EQ(std::memcmp(f.data(), bytes.data(), bytes.size()), 0);
  bytes[0] = 99;
  EXPECT_EQ(f.data()[0], 0) << "the frame owns its copy";
}

TEST(FramePool, CopyOfNothingIsAnEmptyFrame) {
  FramePool pool;
  Frame f = pool.copy_of({});
  EXPECT_TRUE(f);
  EXPECT_EQ(f.size(), 0u);
}

TEST(FramePool, MoveAssignmentReturnsTheOverwrittenSlab) {
  FramePool pool;
  Frame a = pool.allocate(10);
  Frame b = pool.allocate(10);
  EXPECT_EQ(pool.slabs_in_use(), 2u);
  a = std::move(b);
  EXPECT_EQ(pool.slabs_in_use(), 1u);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move)
}

TEST(FramePool, CloneOfAFrameThatUsedItsHeadroomGetsFreshHeadroom) {
  FramePool pool;
  Frame f = pool.allocate(100);
  ASSERT_TRUE(f.push_front(FramePool::kHeadroom));
  f.data()[0] = 0xab;
  Frame g = f.clone();
  EXPECT_EQ(g.size(), 100 + FramePool::kHeadroom);
  EXPECT_EQ(g.data()[0], 0xab);
  EXPECT_EQ(g.headroom(), FramePool::kHeadroom);
}

TEST(FramePool, TwoPoolsAreIndependent) {
  FramePool p1, p2;
  Frame a = p1.allocate(10);
  Frame b = p2.allocate(10);
  a.reset();
  EXPECT_EQ(p1.slabs_in_use(), 0u);
  EXPECT_EQ(p2.slabs_in_use(), 1u);
  Frame c = b.clone();
  EXPECT_EQ(p2.slabs_in_use(), 2u) << "a clone comes from its original's pool";
  EXPECT_EQ(p1.slabs_in_use(), 0u);
}

}  // namespace
}  // namespace vpcsim::wire
