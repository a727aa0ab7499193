// The ones' complement sum loop (RFC 1071 §4.1), summing 32-bit big-endian words into a 64-bit
// accumulator: the sum of 32-bit words folded to 16 bits equals the sum of 16-bit words (RFC 1071
// §2(B), byte-order and word-size independence), and a 64-bit accumulator cannot overflow for any
// buffer a frame can hold.
#include "libnet/wire/checksum.h"

#include "libnet/wire/bytes.h"

namespace vpcsim::wire {

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t initial) {
  std::uint64_t sum = initial;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n >= 4) {
    sum += load_be32(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += load_be16(p);
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += std::uint32_t{p[0]} << 8;
  // Fold 64 -> 32 -> 16 with end-around carries.
  sum = (sum & 0xffff'ffff) + (sum >> 32);
  sum = (sum & 0xffff'ffff) + (sum >> 32);
  return checksum_fold(static_cast<std::uint32_t>(sum));
}

}  // namespace vpcsim::wire
