// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
//
// The checksum is the 16-bit ones' complement of the ones' complement sum of the data taken as
// big-endian 16-bit words (an odd trailing byte is padded with a zero byte). IPv4 covers its header
// with it; ICMP its whole message; UDP and TCP their segment plus a pseudo header (RFC 768, RFC 9293
// §3.1):
//
//    0      7 8     15 16    23 24    31
//   +--------+--------+--------+--------+
//   |          source address           |
//   +--------+--------+--------+--------+
//   |        destination address        |
//   +--------+--------+--------+--------+
//   |  zero  |protocol|  UDP/TCP length |
//   +--------+--------+--------+--------+
//
// Sums are carried as uint32_t "partial sums" that can be added together and folded at the end, so a
// segment's checksum is checksum_finish(pseudo_header_sum(...) + checksum_add(segment)). A router
// rewriting a field (TTL, a NAT'd address or port) does not recompute: it adjusts the old checksum
// with checksum_update16/32, RFC 1624 equation 3, HC' = ~(~HC + ~m + m'), which (unlike RFC 1141's
// equation) never turns a correct 0x0000 into 0xffff. This is what Linux's csum_replace2/4 and
// gVisor's checksum.Update do, and what keeps per-hop cost flat regardless of packet size.
#pragma once

#include <cstdint>
#include <span>

#include "libnet/wire/ipv4_address.h"

namespace vpcsim::wire {

/// Folds a partial sum's carries back in until it fits 16 bits (not complemented).
constexpr std::uint16_t checksum_fold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

/// The ones' complement sum of `data` as big-endian 16-bit words, added to `initial`, folded to at
/// most 0xffff (so thousands of partial sums can be added in a uint32_t). If `data` has an odd length
/// its last byte is padded with zero; so when summing a message in pieces, every piece but the last
/// must have an even length.
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

/// The checksum to put on the wire for a partial sum: ~fold(sum).
constexpr std::uint16_t checksum_finish(std::uint32_t sum) { return static_cast<std::uint16_t>(~checksum_fold(sum)); }

/// The Internet checksum of `data` (RFC 1071). Data that includes a correct checksum field gives 0.
inline std::uint16_t internet_checksum(std::span<const std::uint8_t> data) { return checksum_finish(checksum_add(data)); }

/// The partial sum of the IPv4 pseudo header for UDP/TCP: src, dst, zero, protocol, length (the UDP
/// or TCP length: header plus payload). Add checksum_add(segment) and finish.
constexpr std::uint32_t pseudo_header_sum(Ipv4Address src, Ipv4Address dst, std::uint8_t protocol, std::uint16_t len) {
  const std::uint32_t s = src.to_u32();
  const std::uint32_t d = dst.to_u32();
  return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + protocol + len;
}

/// RFC 1624 eqn. 3: the checksum after one 16-bit word it covers changes from old_word to new_word.
/// Words are the numeric values of the big-endian fields (as load_be16 returns them).
constexpr std::uint16_t checksum_update16(std::uint16_t old_csum, std::uint16_t old_word, std::uint16_t new_word) {
  const std::uint32_t sum = std::uint32_t{static_cast<std::uint16_t>(~old_csum)} +
                            std::uint32_t{static_cast<std::uint16_t>(~old_word)} + new_word;
  return static_cast<std::uint16_t>(~checksum_fold(sum));
}

/// RFC 1624 for a 32-bit field (an IPv4 address, a TCP sequence number) changing from old_value to
/// new_value, both as numeric values of the big-endian field (Ipv4Address::to_u32()).
constexpr std::uint16_t checksum_update32(std::uint16_t old_csum, std::uint32_t old_value, std::uint32_t new_value) {
  const std::uint32_t sum = std::uint32_t{static_cast<std::uint16_t>(~old_csum)} +
                            std::uint32_t{static_cast<std::uint16_t>(~(old_value >> 16))} +
                            std::uint32_t{static_cast<std::uint16_t>(~old_value)} + (new_value >> 16) +
                            (new_value & 0xffff);
  return static_cast<std::uint16_t>(~checksum_fold(sum));
}

/// checksum_update32 for an address: a NAT rewriting src or dst adjusts the IPv4 header checksum and
/// (through the pseudo header) the UDP/TCP checksum with this.
constexpr std::uint16_t checksum_update32(std::uint16_t old_csum, Ipv4Address old_address, Ipv4Address new_address) {
  return checksum_update32(old_csum, old_address.to_u32(), new_address.to_u32());
}

}  // namespace vpcsim::wire
