// Ipv4Address: a 32-bit IPv4 address (RFC 791 §3.1, source and destination fields).
//
// A plain value holding the address in host byte order, so that masking, comparison, ordering and
// longest-prefix match are integer operations; from_bytes / write_to convert at the wire boundary
// (network byte order) and are inline because routers read and rewrite addresses on every packet.
// Ordering is numeric (10.0.0.2 < 10.0.0.10), which is what sorted tables and reports want.
//
// Text form is strict dotted-decimal: exactly four decimal octets 0..255, no leading zeros (the
// inet_aton family reads "010" as octal 8, a classic source of surprise, so we refuse to guess), no
// shorthand ("10.1"), no spaces. Errors say which octet is wrong and why.
//
// The predicates name the IANA special-purpose ranges a simulator user meets (RFC 6890): 0.0.0.0,
// 255.255.255.255 (RFC 919), 224.0.0.0/4 (RFC 5771), 127.0.0.0/8 (RFC 1122), the RFC 1918 private
// blocks, 169.254.0.0/16 (RFC 3927) and the RFC 5737 documentation blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace vpcsim::wire {

class Ipv4Address {
 public:
  static constexpr std::size_t kLen = 4;

  /// 0.0.0.0.
  constexpr Ipv4Address() = default;
  /// From the address as an integer in host order: Ipv4Address(0x0a000001) is 10.0.0.1.
  constexpr explicit Ipv4Address(std::uint32_t host_order_value) : value_(host_order_value) {}
  static constexpr Ipv4Address from_octets(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return Ipv4Address((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d);
  }

  /// Parses strict dotted-decimal "10.0.1.10". Throws core::ParseError naming the text and the
  /// problem ("octet 300 is greater than 255").
  static Ipv4Address parse(std::string_view text);
  /// Like parse, but returns nullopt instead of throwing; if `reason` is given it receives why.
  static std::optional<Ipv4Address> try_parse(std::string_view text, std::string* reason = nullptr);

  /// Reads 4 bytes at p in network byte order (no bounds check).
  static Ipv4Address from_bytes(const std::uint8_t* p) {
    return Ipv4Address((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
                       std::uint32_t{p[3]});
  }
  /// Writes 4 bytes at p in network byte order.
  void write_to(std::uint8_t* p) const {
    p[0] = static_cast<std::uint8_t>(value_ >> 24);
    p[1] = static_cast<std::uint8_t>(value_ >> 16);
    p[2] = static_cast<std::uint8_t>(value_ >> 8);
    p[3] = static_cast<std::uint8_t>(value_);
  }

  /// The address as an integer in host order.
  constexpr std::uint32_t to_u32() const { return value_; }
  /// Octet i (0..3) of the dotted form, i = 0 the most significant.
  constexpr std::uint8_t octet(int i) const { return static_cast<std::uint8_t>(value_ >> (8 * (3 - i))); }

  /// 0.0.0.0.
  constexpr bool is_unspecified() const { return value_ == 0; }
  /// 255.255.255.255.
  constexpr bool is_limited_broadcast() const { return value_ == 0xffff'ffffu; }
  /// 224.0.0.0/4.
  constexpr bool is_multicast() const { return (value_ & 0xf000'0000u) == 0xe000'0000u; }
  /// 127.0.0.0/8.
  constexpr bool is_loopback() const { return (value_ & 0xff00'0000u) == 0x7f00'0000u; }
  /// RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (only these; not CGNAT 100.64.0.0/10).
  constexpr bool is_private() const {
    return (value_ & 0xff00'0000u) == 0x0a00'0000u || (value_ & 0xfff0'0000u) == 0xac10'0000u ||
           (value_ & 0xffff'0000u) == 0xc0a8'0000u;
  }
  /// 169.254.0.0/16.
  constexpr bool is_link_local() const { return (value_ & 0xffff'0000u) == 0xa9fe'0000u; }
  /// RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24.
  constexpr bool is_documentation() const {
    const std::uint32_t net = value_ & 0xffff'ff00u;
    return net == 0xc000'0200u || net == 0xc633'6400u || net == 0xcb00'7100u;
  }

  /// Dotted decimal, "10.0.1.10".
  std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv4Address&, const Ipv4Address&) = default;

 private:
  std::uint32_t value_ = 0;
};

/// Prints to_string().
std::ostream& operator<<(std::ostream& os, const Ipv4Address& address);

}  // namespace vpcsim::wire

template <>
struct std::hash<vpcsim::wire::Ipv4Address> {
  std::size_t operator()(const vpcsim::wire::Ipv4Address& a) const noexcept {
    return std::hash<std::uint32_t>{}(a.to_u32());
  }
};
