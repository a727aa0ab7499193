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
// with RFC 1624 equation 3, HC' = ~(~HC + ~m + m'), which (unlike RFC 1141's equation) never turns a
// correct 0x0000 into 0xffff. This is what Linux's csum_replace2/4 and gVisor's checksum.Update do,
// and what keeps per-hop cost flat regardless of packet size. Every view patches its checksum through
// one helper, patch_checksum(), which also applies the protocol's rule for zero (UDP's "no checksum",
// and the all-zero ICMP message whose only correct checksum is 0xffff, which eqn. 3 alone misses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "libnet/wire/bytes.h"
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

/// RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for any number of changed words: `old_sum` and
/// `new_sum` are the partial sums (checksum_add-style, not complemented) of the changed words before
/// and after. This is only the arithmetic: it cannot tell a message whose bytes sum to +0 (all zero)
/// from one that sums to -0 (0xffff), so it turns a correct 0xffff over all-zero bytes into 0x0000.
/// Views patch checksums with patch_checksum(), which settles that case.
constexpr std::uint16_t checksum_update(std::uint16_t old_csum, std::uint32_t old_sum, std::uint32_t new_sum) {
  const std::uint32_t sum = std::uint32_t{static_cast<std::uint16_t>(~old_csum)} +
                            std::uint32_t{static_cast<std::uint16_t>(~checksum_fold(old_sum))} + checksum_fold(new_sum);
  return static_cast<std::uint16_t>(~checksum_fold(sum));
}

/// The partial sum of a 32-bit field as its two 16-bit words.
constexpr std::uint32_t word_sum32(std::uint32_t value) { return (value >> 16) + (value & 0xffff); }

/// checksum_update for one 16-bit word changing from old_word to new_word (the numeric values of the
/// big-endian fields, as load_be16 returns them).
constexpr std::uint16_t checksum_update16(std::uint16_t old_csum, std::uint16_t old_word, std::uint16_t new_word) {
  return checksum_update(old_csum, old_word, new_word);
}

/// checksum_update for a 32-bit field (an IPv4 address, a TCP sequence number) changing from
/// old_value to new_value, both as numeric values of the big-endian field.
constexpr std::uint16_t checksum_update32(std::uint16_t old_csum, std::uint32_t old_value, std::uint32_t new_value) {
  return checksum_update(old_csum, word_sum32(old_value), word_sum32(new_value));
}

/// checksum_update32 for an address: a NAT rewriting src or dst adjusts the IPv4 header checksum and
/// (through the pseudo header) the UDP/TCP checksum with this.
constexpr std::uint16_t checksum_update32(std::uint16_t old_csum, Ipv4Address old_address, Ipv4Address new_address) {
  return checksum_update32(old_csum, old_address.to_u32(), new_address.to_u32());
}

/// How a protocol's checksum field treats the value zero (see patch_checksum).
enum class ChecksumRule : std::uint8_t {
  /// The checksum covers only the given bytes (IPv4 header, ICMP). If they are all zero but the
  /// checksum, the only correct checksum is 0xffff: an ICMP echo reply with id 0, seq 0 and no data.
  plain,
  /// The checksum also covers the IPv4 pseudo header (TCP), whose protocol byte is never zero, so
  /// eqn. 3's result is always the one a recomputation gives.
  pseudo_header,
  /// UDP (RFC 768): a zero field means "no checksum" and stays zero; a computed zero is sent as 0xffff.
  udp,
};

/// The one way the views patch a checksum after changing words it covers (RFC 1624 eqn. 3, as
/// Linux's csum_replace2/4 and gVisor's checksum.Update): `covered` is the message the checksum
/// covers (the pseudo header aside), `field` the checksum's offset in it, old_sum/new_sum the partial
/// sums of the changed words before and after (the words may lie in `covered` or in the pseudo
/// header). Eqn. 3 gives 0x0000 whenever the new bytes sum to a ones' complement zero; for `plain`
/// the bytes are then scanned (a 1-in-65536 event) and if they are all zero the checksum is 0xffff.
inline void patch_checksum(std::span<std::uint8_t> covered, std::size_t field, std::uint32_t old_sum,
                           std::uint32_t new_sum, ChecksumRule rule) {
  std::uint8_t* at = covered.data() + field;
  const std::uint16_t old_csum = load_be16(at);
  if (rule == ChecksumRule::udp && old_csum == 0) return;
  std::uint16_t csum = checksum_update(old_csum, old_sum, new_sum);
  if (csum == 0) {
    if (rule == ChecksumRule::udp) {
      csum = 0xffff;
    } else if (rule == ChecksumRule::plain) {
      bool all_zero = true;
      for (std::size_t i = 0; i < covered.size() && all_zero; ++i) all_zero = (i == field || i == field + 1 || covered[i] == 0);
      if (all_zero) csum = 0xffff;
    }
  }
  store_be16(at, csum);
}

/// Stores the big-endian word `value` at `offset` in `covered` and patches the checksum at `field`.
inline void rewrite_be16(std::span<std::uint8_t> covered, std::size_t field, std::size_t offset, std::uint16_t value,
                         ChecksumRule rule) {
  const std::uint16_t old_word = load_be16(covered.data() + offset);
  store_be16(covered.data() + offset, value);
  patch_checksum(covered, field, old_word, value, rule);
}

/// Stores the big-endian 32-bit `value` at `offset` (even) in `covered` and patches the checksum.
inline void rewrite_be32(std::span<std::uint8_t> covered, std::size_t field, std::size_t offset, std::uint32_t value,
                         ChecksumRule rule) {
  const std::uint32_t old_value = load_be32(covered.data() + offset);
  store_be32(covered.data() + offset, value);
  patch_checksum(covered, field, word_sum32(old_value), word_sum32(value), rule);
}

/// Stores one byte at `offset` and patches the checksum for the 16-bit word that holds it.
inline void rewrite_byte(std::span<std::uint8_t> covered, std::size_t field, std::size_t offset, std::uint8_t value,
                         ChecksumRule rule) {
  const std::size_t word = offset & ~std::size_t{1};
  const std::uint16_t old_word = load_be16(covered.data() + word);
  covered[offset] = value;
  patch_checksum(covered, field, old_word, load_be16(covered.data() + word), rule);
}

}  // namespace vpcsim::wire
