// The rewrites a replayed IPv4 packet gets before it is sent, in tcprewrite's order and vocabulary:
// address maps (one address, or CIDR to CIDR keeping the host bits: --pnat), --endpoints, port maps,
// TTL, MTU. Every change goes through the wire views and stack::rewrite_packet, so the IPv4 header
// checksum and the TCP/UDP/ICMP checksums stay right (RFC 1624 incremental updates).
#pragma once

#include <span>

#include "libnet/replay/replay_config.h"
#include "libnet/replay/replay_source.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::replay {

class Rewriter {
 public:
  /// Throws core::ConfigError for a map whose two prefixes differ in length, or --endpoints with one
  /// address only.
  explicit Rewriter(RewriteConfig config);

  /// True if nothing would change any packet (the engine skips the parse).
  bool is_identity() const { return identity_; }
  /// Rewrites the IPv4 packet at `ip_bytes` (from its header to the end of the frame) sent by `side`.
  /// Returns false if it must not be sent (longer than the MTU). A packet that does not parse as IPv4
  /// is left alone.
  bool apply(std::span<std::uint8_t> ip_bytes, Side side) const;
  /// An address as the address maps rewrite it (not --endpoints, which depends on the side).
  wire::Ipv4Address map(wire::Ipv4Address address) const { return map_address(address); }

 private:
  static void fix_checksums(const wire::Ipv4ViewMut& ip);
  wire::Ipv4Address map_address(wire::Ipv4Address address) const;
  std::uint16_t map_port(std::uint16_t port) const;

  RewriteConfig config_;
  bool identity_ = true;
};

}  // namespace vpcsim::replay
