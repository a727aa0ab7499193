// What a security group or network ACL looks at in a packet: the protocol, the two addresses, and the
// ports (TCP, UDP) or the type and code (ICMP). Read once from the IPv4 header by the node that
// enforces the rule, so rule engines never see bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::cloud {

struct PacketSummary {
  std::uint8_t protocol = 0;  ///< IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...)
  wire::Ipv4Address source;
  wire::Ipv4Address destination;
  std::uint16_t source_port = 0;       ///< TCP/UDP; 0 otherwise
  std::uint16_t destination_port = 0;  ///< TCP/UDP; 0 otherwise
  std::uint8_t icmp_type = 0;          ///< ICMP only
  std::uint8_t icmp_code = 0;          ///< ICMP only
  std::uint8_t tcp_flags = 0;          ///< TCP only

  /// From a validated IPv4 packet; nullopt when the transport header it needs is truncated or the
  /// packet is a non-first fragment (rules cannot see its ports).
  static std::optional<PacketSummary> of(const wire::Ipv4View& ip);
  /// "tcp 10.0.1.10:40000 -> 10.0.2.10:5432", "icmp 10.0.1.10 -> 8.8.8.8 type 8".
  std::string to_string() const;
};

}  // namespace vpcsim::cloud
