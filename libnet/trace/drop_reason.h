// Why a frame or packet was dropped. Every drop in vpcsim records one of these plus a sentence of
// context (DESIGN.md, decision 5), in the spirit of ns-3's and Linux's (SKB_DROP_REASON_*) reasons.
// Values print verbatim (snake_case) in traces, JSON and Python.
#pragma once

#include <cstdint>
#include <string_view>

namespace vpcsim::trace {

enum class DropReason : std::uint8_t {
  none,
  link_queue_full,         ///< the link's drop-tail queue was full
  not_connected,           ///< the interface has no link
  oversized_frame,         ///< a frame longer than the receiving interface's MTU allows
  malformed,               ///< bytes did not parse (truncated, bad header length, ...)
  bad_checksum,            ///< IPv4 header checksum wrong
  unsupported_protocol,    ///< an ethertype or IP protocol the node does not handle
  not_forwarding,          ///< a host (ip_forward=0) got a packet for another address
  no_route,                ///< no route matched: ICMP net unreachable
  unreachable_route,       ///< an `unreachable` route matched: ICMP host unreachable
  prohibit_route,          ///< a `prohibit` route matched: ICMP administratively prohibited
  blackhole_route,         ///< a `blackhole` route matched: silent
  ttl_exceeded,            ///< TTL reached zero at a router: ICMP time exceeded
  arp_failed,              ///< the next hop never answered ARP: ICMP host unreachable
  arp_queue_full,          ///< too many packets waiting on one ARP resolution (oldest dropped)
  fragmentation_needed,    ///< larger than the egress MTU with DF set: ICMP frag needed
  fragmentation_unsupported,  ///< larger than the egress MTU without DF (vpcsim does not fragment)
  port_unreachable,        ///< UDP to a closed port: ICMP port unreachable
  protocol_unreachable,    ///< an IP protocol nobody listens to: ICMP protocol unreachable
  no_socket,               ///< an ICMP reply or error that no local application was waiting for
  nat_port_exhausted,      ///< a NAT had no free outside port (or ICMP id) for a new flow
  acl_denied,              ///< a network ACL rule (or its `*` rule) denied the packet at a subnet boundary
  security_group_denied,   ///< no rule of the instance's security groups allows the packet
  source_dest_check,       ///< an instance with the source/destination check on got or sent another's packet
  no_public_address,       ///< an internet gateway got a packet from an instance without a public address
  nat_gateway_refused,     ///< a NAT gateway refused a packet: inbound, to itself, or an expired connection
  vpc_router_refused,      ///< a packet addressed to the VPC router itself, which answers only ARP
  bridge_loop,             ///< a frame crossed more switches than the network's max_bridge_hops: a loop
};

inline constexpr std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::none: return "none";
    case DropReason::link_queue_full: return "link_queue_full";
    case DropReason::not_connected: return "not_connected";
    case DropReason::oversized_frame: return "oversized_frame";
    case DropReason::malformed: return "malformed";
    case DropReason::bad_checksum: return "bad_checksum";
    case DropReason::unsupported_protocol: return "unsupported_protocol";
    case DropReason::not_forwarding: return "not_forwarding";
    case DropReason::no_route: return "no_route";
    case DropReason::unreachable_route: return "unreachable_route";
    case DropReason::prohibit_route: return "prohibit_route";
    case DropReason::blackhole_route: return "blackhole_route";
    case DropReason::ttl_exceeded: return "ttl_exceeded";
    case DropReason::arp_failed: return "arp_failed";
    case DropReason::arp_queue_full: return "arp_queue_full";
    case DropReason::fragmentation_needed: return "fragmentation_needed";
    case DropReason::fragmentation_unsupported: return "fragmentation_unsupported";
    case DropReason::port_unreachable: return "port_unreachable";
    case DropReason::protocol_unreachable: return "protocol_unreachable";
    case DropReason::no_socket: return "no_socket";
    case DropReason::nat_port_exhausted: return "nat_port_exhausted";
    case DropReason::acl_denied: return "acl_denied";
    case DropReason::security_group_denied: return "security_group_denied";
    case DropReason::source_dest_check: return "source_dest_check";
    case DropReason::no_public_address: return "no_public_address";
    case DropReason::nat_gateway_refused: return "nat_gateway_refused";
    case DropReason::vpc_router_refused: return "vpc_router_refused";
    case DropReason::bridge_loop: return "bridge_loop";
  }
  return "unknown";
}

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::bridge_loop) + 1;

}  // namespace vpcsim::trace
