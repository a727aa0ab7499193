// Big-endian (network byte order) loads and stores on raw frame bytes.
//
// Every multi-byte field on the wire is big-endian (RFC 1700, "Data Notations"). Views read fields
// through these helpers rather than casting to packed structs: no alignment or strict-aliasing
// traps, and GCC folds each into a single load plus bswap. No bounds checks: callers (the views'
// parse()) have checked the length once.
#pragma once

#include <cstdint>

namespace vpcsim::wire {

constexpr std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((std::uint16_t{p[0]} << 8) | p[1]);
}

constexpr std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

constexpr void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

constexpr void store_be32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace vpcsim::wire
