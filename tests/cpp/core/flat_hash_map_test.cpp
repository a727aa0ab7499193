#include "libnet/core/flat_hash_map.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <memory>
#include <unordered_map>

#include "libnet/core/rng.h"

namespace vpcsim::core {
namespace {

TEST(FlatHashMap, StartsEmptyAndFindsNothing) {
  FlatHashMap<std::uint32_t, int> map;
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.find(0), nullptr);
  EXPECT_FALSE(map.erase(7));
}

TEST(FlatHashMap, TryEmplaceInsertsOnceAndKeyZeroIsAKey) {
  FlatHashMap<std::uint32_t, int> map;
  auto [value, inserted] = map.try_emplace(0);
  EXPECT_TRUE(inserted);
  *value = 5;
  auto [again, inserted_again] = map.try_emplace(0);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(*again, 5);
  EXPECT_EQ(map.size(), 1u);
  ASSERT_NE(map.find(0), nullptr);
  EXPECT_EQ(*map.find(0), 5);
}

TEST(FlatHashMap, HoldsMoveOnlyValues) {
  FlatHashMap<std::uint64_t, std::unique_ptr<int>> map;
  for (std::uint64_t k = 0; k < 100; ++k) map[k] = std::make_unique<int>(static_cast<int>(k));
  for (std::uint64_t k = 0; k < 100; ++k) EXPECT_EQ(**map.find(k), static_cast<int>(k));
  EXPECT_TRUE(map.erase(50));
  EXPECT_EQ(map.find(50), nullptr);
  EXPECT_EQ(map.size(), 99u);
}

// Random inserts, erases and lookups, checked step by step against std::unordered_map. Keys come from
// a small range so that runs collide, wrap around the end of the array and are erased from the middle.
TEST(FlatHashMap, AgreesWithUnorderedMapUnderRandomChurn) {
  for (std::uint64_t key_range : {16u, 200u, 5000u}) {
    Rng rng(key_range);
    FlatHashMap<std::uint32_t, std::uint64_t> map;
    std::unordered_map<std::uint32_t, std::uint64_t> reference;
    for (int step = 0; step < 60'000; ++step) {
      const auto key = static_cast<std::uint32_t>(rng.below(key_range));
      switch (rng.below(3)) {
        case 0: {
          map[key] = static_cast<std::uint64_t>(step);
          reference[key] = static_cast<std::uint64_t>(step);
          break;
        }
        case 1:
          ASSERT_EQ(map.erase(key), reference.erase(key) == 1) << "key " << key << " step " << step;
          break;
        default: {
          const std::uint64_t* found = map.find(key);
          auto it = reference.find(key);
          ASSERT_EQ(found != nullptr, it != reference.end()) << "key " << key << " step " << step;
          if (found != nullptr) {
            ASSERT_EQ(*found, it->second);
          }
        }
      }
      ASSERT_EQ(map.size(), reference.size());
    }
    std::map<std::uint32_t, std::uint64_t> seen;
    map.for_each([&](std::uint32_t k, std::uint64_t v) { seen.emplace(k, v); });
    const std::map<std::uint32_t, std::uint64_t> expected(reference.begin(), reference.end());
    EXPECT_EQ(seen, expected);
  }
}

TEST(FlatHashMap, ClearForgetsEverything) {
  FlatHashMap<std::uint16_t, int> map;
  map[1] = 1;
  map[2] = 2;
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.find(1), nullptr);
  map[3] = 3;
  EXPECT_EQ(*map.find(3), 3);
}

TEST(FlatHashMap, TakesItsSlotsFromAnArenaWhenGivenOne) {
  Arena arena;
  FlatHashMap<std::uint32_t, std::string, true> map;
  map.set_arena(&arena);
  for (std::uint32_t k = 0; k < 1000; ++k) map[k] = std::to_string(k * 7);
  for (std::uint32_t k = 0; k < 1000; ++k) ASSERT_EQ(*map.find(k), std::to_string(k * 7));
  // Every capacity from 2 to 2,048 slots came from the arena; outgrown ones stay there.
  const std::size_t slot = sizeof(FlatHashMap<std::uint32_t, std::string, true>::Slot);
  EXPECT_EQ(arena.bytes_allocated(), (2 + 4 + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048) * slot);
  EXPECT_TRUE(map.erase(5));
  map.clear();  // destroys the strings (ASan/valgrind would see a leak otherwise)
  EXPECT_EQ(map.size(), 0u);
  map[1] = "again";
  EXPECT_EQ(*map.find(1), "again");
}

TEST(FlatHashMap, WithoutAnArenaAnArenaMapUsesTheHeap) {
  FlatHashMap<std::uint32_t, int, true> map;  // no set_arena: as a plain map
  for (std::uint32_t k = 0; k < 100; ++k) map[k] = static_cast<int>(k);
  FlatHashMap<std::uint32_t, int, true> moved(std::move(map));
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(moved.size(), 100u);
  EXPECT_EQ(*moved.find(99), 99);
}

}  // namespace
}  // namespace vpcsim::core
