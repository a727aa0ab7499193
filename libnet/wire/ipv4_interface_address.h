// Ipv4InterfaceAddress: an address assigned to an interface together with the length of its subnet,
// as `ip addr add 10.0.1.10/24 dev eth0` writes it (Python: ipaddress.IPv4Interface).
//
// Unlike an Ipv4Prefix, host bits are the point here: the address is the host's own, the length
// says which neighbours are on-link (reachable by ARP, RFC 826/1122 §3.3.1) and which need a
// gateway. Keeping the two together in one value avoids the classic bug of a host address stored as
// a "network" with its host bits silently masked away. subnet() gives the connected route,
// broadcast() the directed broadcast of that subnet.
//
// Text form is "<address>/<length>" with the same strict rules as Ipv4Address and Ipv4Prefix
// (length required, 0..32, no leading zeros, no netmask form). Ordering is by address, then length.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::wire {

class Ipv4InterfaceAddress {
 public:
  /// 0.0.0.0/0.
  Ipv4InterfaceAddress() = default;
  /// Throws core::ParseError (kind "IPv4 interface address") if prefix_length is outside 0..32.
  Ipv4InterfaceAddress(Ipv4Address address, int prefix_length) : address_(address), prefix_length_(prefix_length) {
    if (prefix_length < 0 || prefix_length > Ipv4Prefix::kMaxLength) throw_invalid(address, prefix_length);
  }

  /// Parses "10.0.1.10/24"; host bits may be anything, the length is required. Throws
  /// core::ParseError naming the text and the problem.
  static Ipv4InterfaceAddress parse(std::string_view text);
  /// Like parse, but returns nullopt instead of throwing; if `reason` is given it receives why.
  static std::optional<Ipv4InterfaceAddress> try_parse(std::string_view text, std::string* reason = nullptr);

  Ipv4Address address() const { return address_; }
  int prefix_length() const { return prefix_length_; }
  /// The connected subnet: 10.0.1.0/24 for 10.0.1.10/24.
  Ipv4Prefix subnet() const { return Ipv4Prefix::containing(address_, prefix_length_); }
  /// 255.255.255.0 for a /24.
  Ipv4Address netmask() const { return Ipv4Address(Ipv4Prefix::mask_of(prefix_length_)); }
  /// The subnet's last address: 10.0.1.255 for 10.0.1.10/24.
  Ipv4Address broadcast() const { return Ipv4Address(address_.to_u32() | ~Ipv4Prefix::mask_of(prefix_length_)); }
  /// True if a is on this interface's subnet (on-link).
  bool is_on_link(Ipv4Address a) const {
    return ((a.to_u32() ^ address_.to_u32()) & Ipv4Prefix::mask_of(prefix_length_)) == 0;
  }

  /// "10.0.1.10/24".
  std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv4InterfaceAddress&, const Ipv4InterfaceAddress&) = default;

 private:
  [[noreturn]] static void throw_invalid(Ipv4Address address, int prefix_length);

  Ipv4Address address_;
  int prefix_length_ = 0;
};

/// Prints to_string().
std::ostream& operator<<(std::ostream& os, const Ipv4InterfaceAddress& address);

}  // namespace vpcsim::wire

template <>
struct std::hash<vpcsim::wire::Ipv4InterfaceAddress> {
  std::size_t operator()(const vpcsim::wire::Ipv4InterfaceAddress& a) const noexcept {
    return std::hash<std::uint64_t>{}((std::uint64_t{a.address().to_u32()} << 6) |
                                      static_cast<std::uint64_t>(a.prefix_length()));
  }
};
