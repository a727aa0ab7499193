// Ipv4Prefix: an IPv4 network in CIDR form (RFC 4632), a network address with every host bit zero
// plus a prefix length 0..32: "10.0.0.0/24".
//
// It is what routing tables, subnets, VPC CIDR blocks and ACL rules are made of, so the invariant
// (host bits zero, length in range) is established once, at construction, and every accessor after
// that is a branch-free inline integer operation. A prefix with host bits set is almost always a
// typo ("10.0.0.5/24" for "10.0.0.0/24"), so the constructor and parse() reject it and say which
// network was probably meant; containing() is the explicit way to mask an address down to its
// network, and Ipv4InterfaceAddress is the type for "an address plus its subnet length".
//
// Semantics follow Python's ipaddress.IPv4Network, which notebooks and users will compare against:
// broadcast() is the last address; first_host()/last_host() bound hosts(), where a /31 has two
// usable hosts (RFC 3021) and a /32 is its own single host; num_addresses() of a /0 is 2^32, so it
// is 64-bit. Ordering is by network address, then by length (10.0.0.0/8 < 10.0.0.0/24).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/wire/ipv4_address.h"

namespace vpcsim::wire {

class Ipv4Prefix {
 public:
  static constexpr int kMaxLength = 32;
  /// split() refuses to make more pieces than this (a /8 into /24s is 65536).
  static constexpr std::uint64_t kMaxSplitPieces = 65536;

  /// 0.0.0.0/0.
  constexpr Ipv4Prefix() = default;
  /// Throws core::ParseError (kind "IPv4 prefix") if length is outside 0..32 or network has host
  /// bits set.
  Ipv4Prefix(Ipv4Address network, int length) : network_(network), length_(length) {
    if (length < 0 || length > kMaxLength || (network.to_u32() & ~mask_of(length)) != 0) {
      throw_invalid(network, length);
    }
  }

  /// Parses "10.0.0.0/24" strictly: the length is required and host bits must be zero. Throws
  /// core::ParseError naming the text and the problem.
  static Ipv4Prefix parse(std::string_view text);
  /// Like parse, but returns nullopt instead of throwing; if `reason` is given it receives why.
  static std::optional<Ipv4Prefix> try_parse(std::string_view text, std::string* reason = nullptr);
  /// The network of the given length that contains address (host bits masked off):
  /// containing(10.0.1.10, 24) is 10.0.1.0/24. Throws core::ParseError if length is outside 0..32.
  static Ipv4Prefix containing(Ipv4Address address, int length) {
    if (length < 0 || length > kMaxLength) throw_invalid(address, length);
    return Ipv4Prefix(Unchecked{}, Ipv4Address(address.to_u32() & mask_of(length)), length);
  }

  Ipv4Address network() const { return network_; }
  int length() const { return length_; }
  /// 255.255.255.0 for a /24.
  Ipv4Address netmask() const { return Ipv4Address(mask_of(length_)); }
  /// 0.0.0.255 for a /24.
  Ipv4Address hostmask() const { return Ipv4Address(~mask_of(length_)); }
  /// The last address (10.0.0.255 for 10.0.0.0/24).
  Ipv4Address broadcast() const { return Ipv4Address(network_.to_u32() | ~mask_of(length_)); }
  /// The first address of hosts(): network+1, but the network itself for a /31 or /32.
  Ipv4Address first_host() const { return Ipv4Address(network_.to_u32() + (length_ >= 31 ? 0u : 1u)); }
  /// The last address of hosts(): broadcast-1, but the broadcast itself for a /31 or /32.
  Ipv4Address last_host() const { return Ipv4Address(broadcast().to_u32() - (length_ >= 31 ? 0u : 1u)); }
  /// 2^(32-length): 256 for a /24, 4294967296 for a /0.
  std::uint64_t num_addresses() const { return std::uint64_t{1} << (kMaxLength - length_); }

  bool contains(Ipv4Address a) const { return (a.to_u32() & mask_of(length_)) == network_.to_u32(); }
  /// True if every address of p is in this prefix (a prefix contains itself).
  bool contains(const Ipv4Prefix& p) const { return p.length_ >= length_ && contains(p.network_); }
  /// True if the two share any address, i.e. one contains the other.
  bool overlaps(const Ipv4Prefix& p) const { return contains(p.network_) || p.contains(network_); }

  /// The subnets of length new_length that tile this prefix, in address order
  /// (10.0.0.0/24 split(26) gives four /26s; split(length()) gives itself). Throws
  /// core::ConfigError(to_string(), "split", ...) if new_length < length() or > 32, or if there
  /// would be more than kMaxSplitPieces pieces.
  std::vector<Ipv4Prefix> split(int new_length) const;
  /// network() + index. Throws core::ConfigError(to_string(), "address_at", ...) if
  /// index >= num_addresses().
  Ipv4Address address_at(std::uint64_t index) const {
    if (index >= num_addresses()) throw_index_out_of_range(index);
    return Ipv4Address(network_.to_u32() + static_cast<std::uint32_t>(index));
  }

  /// "10.0.0.0/24".
  std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;

  /// The netmask of a length 0..32 as a host-order integer (0 for /0, 0xffffffff for /32).
  static constexpr std::uint32_t mask_of(int length) {
    return length <= 0 ? 0u : length >= 32 ? 0xffff'ffffu : ~(0xffff'ffffu >> length);
  }

 private:
  struct Unchecked {};
  constexpr Ipv4Prefix(Unchecked, Ipv4Address network, int length) : network_(network), length_(length) {}
  [[noreturn]] static void throw_invalid(Ipv4Address network, int length);
  [[noreturn]] void throw_index_out_of_range(std::uint64_t index) const;

  Ipv4Address network_;
  int length_ = 0;
};

/// Prints to_string().
std::ostream& operator<<(std::ostream& os, const Ipv4Prefix& prefix);

}  // namespace vpcsim::wire

template <>
struct std::hash<vpcsim::wire::Ipv4Prefix> {
  std::size_t operator()(const vpcsim::wire::Ipv4Prefix& p) const noexcept {
    return std::hash<std::uint64_t>{}((std::uint64_t{p.network().to_u32()} << 6) |
                                      static_cast<std::uint64_t>(p.length()));
  }
};
