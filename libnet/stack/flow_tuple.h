// A flow as connection tracking sees it: protocol, addresses and ports, in one direction.
//
// For TCP and UDP the ports are the ports. For ICMP echo (the only ICMP that starts a tracked flow, as
// in Linux's icmp_new()) both port fields hold the echo identifier, so inverse() of a request's tuple is
// its reply's tuple and a NAT that rewrites "the source port" of an echo request rewrites its identifier.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::stack {

struct FlowTuple {
  wire::Ipv4Address src;
  wire::Ipv4Address dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;  ///< wire::kIpProtoTcp, kIpProtoUdp or kIpProtoIcmp

  /// The tuple of a packet going the other way.
  FlowTuple inverse() const { return FlowTuple{dst, src, dst_port, src_port, protocol}; }
  /// 64 well-mixed bits for a hash table.
  std::uint64_t hash() const;
  /// "udp 10.0.0.2:5000 -> 198.51.100.5:9000", "icmp 10.0.0.2 -> 198.51.100.5 id 7".
  std::string to_string() const;

  friend bool operator==(const FlowTuple&, const FlowTuple&) = default;
};

/// "tcp", "udp", "icmp", or the number.
std::string protocol_name(std::uint8_t protocol);

/// The tuple of a TCP segment, UDP datagram or ICMP echo request/reply; nullopt for anything else
/// (other ICMP, other protocols, fragments, a transport header too short to hold the ports).
std::optional<FlowTuple> flow_tuple_of(const wire::Ipv4View& ip);

/// For an ICMP destination unreachable / time exceeded / parameter problem message: the tuple of the
/// packet it quotes (which travelled the opposite way), if the quote holds its ports or echo id.
std::optional<FlowTuple> quoted_flow_tuple_of(const wire::Ipv4View& ip);

}  // namespace vpcsim::stack
