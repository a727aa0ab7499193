// Arena: objects are placed in order, aligned, destroyed through Arena::Ptr (polymorphically, with
// the memory kept), blocks grow to huge-page blocks, and an object larger than a block still fits.
#include "libnet/core/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vpcsim::core {
namespace {

struct Base {
  virtual ~Base() = default;
};
struct Counted final : Base {
  explicit Counted(int& destroyed) : destroyed_(destroyed) {}
  ~Counted() override { ++destroyed_; }
  int& destroyed_;
  std::string payload = std::string(100, 'x');  // owns heap memory: the destructor must run
};

TEST(Arena, PlacesObjectsOneAfterAnotherInTheOrderMade) {
  Arena arena;
  auto a = arena.make<std::uint64_t>(1);
  auto b = arena.make<std::uint64_t>(2);
  auto c = arena.make<std::uint64_t>(3);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.get()) - reinterpret_cast<std::uintptr_t>(a.get()), 8u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(c.get()) - reinterpret_cast<std::uintptr_t>(b.get()), 8u);
  EXPECT_EQ(*a + *b + *c, 6u);
  EXPECT_EQ(arena.bytes_allocated(), 24u);
}

TEST(Arena, AlignsEachObject) {
  Arena arena;
  auto byte = arena.make<char>('a');
  struct alignas(64) Line {
    char bytes[64];
  };
  auto line = arena.make<Line>();
  auto word = arena.make<std::uint32_t>(7u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(line.get()) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(word.get()) % alignof(std::uint32_t), 0u);
  EXPECT_EQ(*byte, 'a');
}

TEST(Arena, PtrDestroysThroughTheBaseClass) {
  Arena arena;
  int destroyed = 0;
  {
    Arena::Ptr<Base> object = arena.make<Counted>(destroyed);
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 1);
  std::vector<Arena::Ptr<Base>> many;
  for (int i = 0; i < 1000; ++i) many.push_back(arena.make<Counted>(destroyed));
  many.clear();
  EXPECT_EQ(destroyed, 1001);
}

TEST(Arena, GrowsToHugePageBlocks) {
  Arena arena;
  std::vector<Arena::Ptr<std::uint64_t>> values;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) values.push_back(arena.make<std::uint64_t>(i));
  for (std::uint64_t i = 0; i < values.size(); i += 4099) ASSERT_EQ(*values[i], i);
  EXPECT_EQ(arena.bytes_allocated(), 8'000'000u);
  EXPECT_GE(arena.bytes_reserved(), arena.bytes_allocated());
  // 64 KiB doubling to 2 MiB: six blocks hold 4 MiB - 64 KiB; the rest comes in 2 MiB blocks, so what
  // is reserved exceeds what is used by less than one block plus the small ones.
  EXPECT_LT(arena.bytes_reserved(), arena.bytes_allocated() + 2 * MemoryBlock::kHugePage + 4 * 64 * 1024);
}

TEST(Arena, AnObjectLargerThanABlockGetsItsOwn) {
  Arena arena;
  struct Big {
    std::uint8_t bytes[3 << 20];
  };
  auto big = arena.make<Big>();
  big->bytes[sizeof(Big) - 1] = 1;
  auto after = arena.make<std::uint64_t>(5u);
  EXPECT_EQ(*after, 5u);
  EXPECT_GE(arena.bytes_reserved(), sizeof(Big) + sizeof(std::uint64_t));
}

}  // namespace
}  // namespace vpcsim::core
