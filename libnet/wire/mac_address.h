// MacAddress: a 48-bit IEEE 802 MAC address (EUI-48), the Ethernet source and destination.
//
// A plain 6-byte value type: trivially copyable, ordered, hashable, and cheap to read from and write
// to frame bytes (from_bytes / write_to), because switches look MACs up and rewrite them on every
// frame. Bits that matter to forwarding are predicates on the first octet, as IEEE 802-2014 §8.2
// defines them: bit 0 is the individual/group bit (multicast, which includes broadcast), bit 1 the
// universal/local bit (locally administered, as every MAC the simulator invents is; RFC 7042 §2.1).
// to_u64 / from_u64 give the address as a 48-bit integer in transmission (big-endian) order, handy
// for sequential allocation and compact tables.
//
// Text form: six groups of two hex digits separated by ':' (or '-', as Windows writes them),
// case-insensitive on input, always lowercase with ':' on output ("02:00:5e:10:00:01", as iproute2
// prints). Anything else is rejected with a ParseError saying what is wrong.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace vpcsim::wire {

class MacAddress {
 public:
  static constexpr std::size_t kLen = 6;

  /// 00:00:00:00:00:00.
  constexpr MacAddress() = default;
  constexpr explicit MacAddress(std::array<std::uint8_t, 6> octets) : octets_(octets) {}

  /// Parses "02:00:5e:10:00:01" or "02-00-5E-10-00-01". Throws core::ParseError naming the text and
  /// the problem ("group 3 'zz' is not hexadecimal").
  static MacAddress parse(std::string_view text);
  /// Like parse, but returns nullopt instead of throwing; if `reason` is given it receives why.
  static std::optional<MacAddress> try_parse(std::string_view text, std::string* reason = nullptr);

  /// Reads 6 bytes at p (no bounds check: the caller has checked the frame length).
  static MacAddress from_bytes(const std::uint8_t* p) {
    MacAddress m;
    for (std::size_t i = 0; i < kLen; ++i) m.octets_[i] = p[i];
    return m;
  }
  /// ff:ff:ff:ff:ff:ff.
  static constexpr MacAddress broadcast() { return MacAddress({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); }
  /// The low 48 bits of v, most significant first: from_u64(0x02005e100001) is 02:00:5e:10:00:01.
  static constexpr MacAddress from_u64(std::uint64_t v) {
    MacAddress m;
    for (std::size_t i = 0; i < kLen; ++i) m.octets_[i] = static_cast<std::uint8_t>(v >> (8 * (kLen - 1 - i)));
    return m;
  }

  /// Writes 6 bytes at p.
  void write_to(std::uint8_t* p) const {
    for (std::size_t i = 0; i < kLen; ++i) p[i] = octets_[i];
  }

  constexpr const std::array<std::uint8_t, 6>& octets() const { return octets_; }
  /// The address as a 48-bit integer, first octet most significant.
  constexpr std::uint64_t to_u64() const {
    std::uint64_t v = 0;
    for (std::uint8_t o : octets_) v = (v << 8) | o;
    return v;
  }

  constexpr bool is_broadcast() const { return to_u64() == 0xffff'ffff'ffffULL; }
  /// The group bit: true for multicast and for broadcast.
  constexpr bool is_multicast() const { return (octets_[0] & 0x01) != 0; }
  constexpr bool is_unicast() const { return !is_multicast(); }
  constexpr bool is_zero() const { return to_u64() == 0; }
  /// The U/L bit: set in addresses not assigned from an OUI (the simulator's own, VMs, containers).
  constexpr bool is_locally_administered() const { return (octets_[0] & 0x02) != 0; }

  /// "02:00:5e:10:00:01", lowercase.
  std::string to_string() const;

  friend constexpr auto operator<=>(const MacAddress&, const MacAddress&) = default;

 private:
  std::array<std::uint8_t, 6> octets_{};
};

/// Prints to_string() (so GoogleTest failure messages show addresses, not bytes).
std::ostream& operator<<(std::ostream& os, const MacAddress& mac);

}  // namespace vpcsim::wire

template <>
struct std::hash<vpcsim::wire::MacAddress> {
  std::size_t operator()(const vpcsim::wire::MacAddress& m) const noexcept {
    return std::hash<std::uint64_t>{}(m.to_u64());
  }
};
