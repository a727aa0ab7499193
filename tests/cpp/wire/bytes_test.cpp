// Big-endian loads and stores (libnet/wire/bytes.h).
#include "libnet/wire/bytes.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace vpcsim::wire {
namespace {

constexpr std::array<std::uint8_t, 4> kBytes{0x12, 0x34, 0x56, 0x78};
static_assert(load_be16(kBytes.data()) == 0x1234);
static_assert(load_be32(kBytes.data()) == 0x12345678);

TEST(BytesTest, LoadsAreBigEndian) {
  EXPECT_EQ(load_be16(kBytes.data() + 2), 0x5678);
  EXPECT_EQ(load_be32(kBytes.data()), 0x12345678u);
  const std::array<std::uint8_t, 4> high{0xff, 0xfe, 0x80, 0x01};
  EXPECT_EQ(load_be16(high.data()), 0xfffe);
  EXPECT_EQ(load_be32(high.data()), 0xfffe8001u);
}

TEST(BytesTest, StoresAreBigEndianAndTouchOnlyTheirBytes) {
  std::array<std::uint8_t, 8> buf{};
  buf.fill(0xaa);
  store_be16(buf.data() + 1, 0xbeef);
  EXPECT_EQ(buf, (std::array<std::uint8_t, 8>{0xaa, 0xbe, 0xef, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}));
  store_be32(buf.data() + 3, 0x01020304);
  EXPECT_EQ(buf, (std::array<std::uint8_t, 8>{0xaa, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0xaa}));
}

TEST(BytesTest, RoundTrip) {
  std::array<std::uint8_t, 4> buf{};
  for (std::uint32_t v : {0u, 1u, 0x80000000u, 0xffffffffu, 0xdeadbeefu}) {
    store_be32(buf.data(), v);
    EXPECT_EQ(load_be32(buf.data()), v);
    store_be16(buf.data(), static_cast<std::uint16_t>(v));
    EXPECT_EQ(load_be16(buf.data()), static_cast<std::uint16_t>(v));
  }
}

}  // namespace
}  // namespace vpcsim::wire
