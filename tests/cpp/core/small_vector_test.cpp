#include "libnet/core/small_vector.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace vpcsim::core {
namespace {

TEST(SmallVector, HoldsOneValueInlineThenGrowsKeepingOrder) {
  SmallVector<std::uint32_t> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end());
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < 100; ++i) {
    v.push_back(i * 7);
    expected.push_back(i * 7);
    ASSERT_EQ(v.size(), expected.size());
    EXPECT_EQ(std::vector<std::uint32_t>(v.begin(), v.end()), expected);
    EXPECT_EQ(v.front(), 0u);
    EXPECT_EQ(v.back(), i * 7);
    EXPECT_EQ(v[i / 2], expected[i / 2]);
  }
}

TEST(SmallVector, OwnsMoveOnlyValuesAndDestroysEachOnce) {
  auto alive = std::make_shared<int>(0);
  struct Counted {
    explicit Counted(std::shared_ptr<int> c) : count(std::move(c)) { ++*count; }
    ~Counted() { --*count; }
    std::shared_ptr<int> count;
  };
  {
    SmallVector<std::unique_ptr<Counted>> one;
    one.push_back(std::make_unique<Counted>(alive));
    EXPECT_EQ(*alive, 1);
    SmallVector<std::unique_ptr<Counted>> many;
    for (int i = 0; i < 9; ++i) many.push_back(std::make_unique<Counted>(alive));
    EXPECT_EQ(*alive, 10);
    const Counted* first = many.front().get();
    many.push_back(std::make_unique<Counted>(alive));
    EXPECT_EQ(many.front().get(), first) << "growing moves the pointers, not the objects";
  }
  EXPECT_EQ(*alive, 0);
}

}  // namespace
}  // namespace vpcsim::core
