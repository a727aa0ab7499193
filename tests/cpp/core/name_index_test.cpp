#include "libnet/core/name_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vpcsim::core {
namespace {

TEST(NameIndex, FindsEveryNameAtItsPositionAndNothingElse) {
  std::vector<std::string> names;
  NameIndex index;
  auto name_of = [&](std::uint32_t i) -> const std::string& { return names[i]; };
  EXPECT_EQ(index.find("p1", name_of), NameIndex::kAbsent);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    names.push_back("p" + std::to_string(i + 1));
    index.insert(names.back(), i);
  }
  EXPECT_EQ(index.size(), 5000u);
  for (std::uint32_t i = 0; i < 5000; ++i) ASSERT_EQ(index.find(names[i], name_of), i) << names[i];
  EXPECT_EQ(index.find("p0", name_of), NameIndex::kAbsent);
  EXPECT_EQ(index.find("p5001", name_of), NameIndex::kAbsent);
  EXPECT_EQ(index.find("", name_of), NameIndex::kAbsent);
}

TEST(NameIndex, TellsApartNamesThatShareAHash) {
  // The index compares names on a hash match: a name_of that maps two positions to names which the
  // index hashed alike must still give each its own position. Force it by indexing one name twice
  // under different positions' names: only the position whose name matches is returned.
  std::vector<std::string> names{"alpha", "beta"};
  NameIndex index;
  index.insert("alpha", 0);
  index.insert("beta", 1);
  auto name_of = [&](std::uint32_t i) -> const std::string& { return names[i]; };
  EXPECT_EQ(index.find("alpha", name_of), 0u);
  EXPECT_EQ(index.find("beta", name_of), 1u);
  names[0] = "gamma";  // same stored hash as "alpha", different name now: no longer a match
  EXPECT_EQ(index.find("alpha", name_of), NameIndex::kAbsent);
}

}  // namespace
}  // namespace vpcsim::core
