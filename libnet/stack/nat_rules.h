// What a NAT box is told to translate, in the terms of SCENARIO_FORMAT.md's `nat` node (and of the
// iptables rules that do the same on Linux):
//
//   snat        iptables -t nat -A POSTROUTING -s FROM -o OUT -j MASQUERADE     (or -j SNAT --to-source TO)
//   dnat        iptables -t nat -A PREROUTING -i IN -p PROTO --dport PORT -m addrtype --dst-type LOCAL
//                 -j DNAT --to-destination TO:TO_PORT                          (docker run -p PORT:TO_PORT)
//   one_to_one  -A PREROUTING -d PUBLIC -j DNAT --to-destination PRIVATE
//               -A POSTROUTING -s PRIVATE -j SNAT --to-source PUBLIC           (an AWS internet gateway)
#pragma once

#include <cstdint>
#include <string>

#include "libnet/stack/nat_port_allocator.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::stack {

/// Source NAT of flows from `from` leaving through interface `out`.
struct SnatRule {
  wire::Ipv4Prefix from;
  std::string out;
  wire::Ipv4Address to;  ///< unspecified: masquerade, i.e. the address `out` uses towards the next hop
  PortRange ports;       ///< unspecified: Linux's default ranges (keep the port when it is free)
};

/// Port forwarding: new TCP or UDP flows arriving on `in` for one of the box's own addresses and
/// `port` go to `to`:`to_port` instead.
struct DnatRule {
  std::uint8_t protocol = 0;  ///< wire::kIpProtoTcp or kIpProtoUdp
  std::uint16_t port = 0;
  std::string in;
  wire::Ipv4Address to;
  std::uint16_t to_port = 0;  ///< 0: the same port
};

/// A static mapping between a private and a public address, both ways, every protocol.
struct OneToOneRule {
  wire::Ipv4Address private_address;
  wire::Ipv4Address public_address;
};

}  // namespace vpcsim::stack
