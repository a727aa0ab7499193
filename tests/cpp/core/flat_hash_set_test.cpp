#include "libnet/core/flat_hash_set.h"

#include <gtest/gtest.h>

#include <set>

#include "libnet/core/rng.h"

namespace vpcsim::core {
namespace {

TEST(FlatHashSet, AgreesWithStdSetOnRandomKeys) {
  Rng rng(3);
  FlatHashSet set;
  std::set<std::uint64_t> reference;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t key = 1 + rng.below(30000);  // repeats on purpose; never 0
    ASSERT_EQ(set.insert(key), reference.insert(key).second) << key;
  }
  EXPECT_EQ(set.size(), reference.size());
  for (std::uint64_t key = 1; key <= 30000; ++key) ASSERT_EQ(set.contains(key), reference.count(key) == 1) << key;
  EXPECT_FALSE(set.contains(30001));
}

TEST(FlatHashSet, EmptySetContainsNothing) {
  FlatHashSet set;
  EXPECT_FALSE(set.contains(1));
  EXPECT_EQ(set.size(), 0u);
}

}  // namespace
}  // namespace vpcsim::core
