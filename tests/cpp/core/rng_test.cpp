#include "libnet/core/rng.h"

#include <gtest/gtest.h>

#include <set>

namespace vpcsim::core {
namespace {

TEST(Rng, SameSeedSameSequence) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    std::uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, KnownFirstValueIsStableAcrossPlatforms) {
  // xoshiro256** seeded by splitmix64(1): pinned so a change of algorithm is noticed (it changes every pcap).
  Rng r(1);
  EXPECT_EQ(r.next_u64(), 0xb3f2af6d0fc710c5ULL);
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
  Rng r(3);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    std::uint64_t v = r.below(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  for (int i = 0; i < 1000; ++i) {
    std::int64_t v = r.between(32768, 60999);
    ASSERT_GE(v, 32768);
    ASSERT_LE(v, 60999);
  }
}

TEST(Rng, StreamsAreIndependentOfLaterDraws) {
  Rng a(5), b(5);
  Rng sa = a.stream(1);
  b.next_u64();
  Rng sb = Rng(5).stream(1);
  EXPECT_EQ(sa.next_u64(), sb.next_u64());
  EXPECT_NE(a.stream(1).next_u64(), a.stream(2).next_u64());
}

}  // namespace
}  // namespace vpcsim::core
