// IpNode's receive path: a frame from an interface is checked (Ethernet, ARP, IPv4 header and
// checksum), then either forwarded (route lookup, TTL, MTU, the ARP cache of the egress) or
// delivered to the node's own ICMP, UDP and TCP (ip_rcv -> ip_route_input -> ip_forward or
// ip_local_deliver). Kept apart from ip_node.cpp's configuration and output: this is the per-hop path.
#include <cstdio>
#include <string>
#include <utility>

#include "libnet/core/prefetch.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/stack/icmp_errors.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/node_frame.h"
#include "libnet/wire/transport_prefix.h"
#include "libnet/wire/udp.h"

namespace vpcsim::node {
namespace {

std::string hex16(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

}  // namespace

// In this file, beside its one caller (receive_ipv4): every packet asks it.
IpNode::LocalMatch IpNode::match_local(wire::Ipv4Address address) const {
  LocalMatch match;
  for (const auto& interface : interfaces())
    for (const auto& a : interface->addresses()) {
      match.address |= a.address() == address;
      match.subnet_broadcast |= a.prefix_length() < 31 && a.broadcast() == address;
    }
  return match;
}

void IpNode::drop(const link::Interface* interface, trace::DropReason reason, std::uint64_t packet_id,
                  std::string detail) {
  ++counters_.dropped;
  context().trace.drop(context().now(), reason, id(), interface != nullptr ? interface->id() : trace::kNoId, packet_id,
                       std::move(detail));
}

void IpNode::prefetch_receive(const link::Interface& interface, const wire::Frame& frame, unsigned stage) const {
  // What an ARP broadcast costs a host it is not for: its neighbour table, probed for the sender
  // (stage 0: the cache, which this node's first bytes point to; 1: the sender's slot in it).
  const std::uint32_t index = interface.index_in_node();
  if (index >= arp_caches_.size()) return;
  const stack::ArpCache& cache = *arp_caches_[index];
  if (stage == 0) {
    core::prefetch_bytes(&cache, sizeof(stack::ArpCache));
    return;
  }
  const auto eth = wire::EthernetView::parse(frame.bytes());
  if (!eth || eth->ethertype() != wire::kEthertypeArp) return;
  if (const auto arp = wire::ArpView::parse(eth->payload())) cache.prefetch_entry(arp->sender_ip());
}

void IpNode::receive_frame(link::Interface& interface, wire::Frame frame) {
  frame.meta().bridge_hops = 0;  // a routed frame starts a new bridged path (Network's max_bridge_hops)
  // Read through const: an ARP broadcast flooded to every host shares one copy of its bytes.
  auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
  if (!eth) {
    drop(&interface, trace::DropReason::malformed, frame.meta().packet_id,
         "Ethernet frame of " + std::to_string(frame.size()) + " bytes is truncated");
    return;
  }
  const wire::MacAddress dst = eth->dst();
  const bool to_us = dst == interface.mac();
  if (!to_us && dst.is_unicast()) return;  // PACKET_OTHERHOST: not for this interface; the NIC filters it
  if (eth->has_vlan()) {
    drop(&interface, trace::DropReason::unsupported_protocol, frame.meta().packet_id,
         "802.1Q-tagged frame (VLAN " + std::to_string(eth->vlan_id()) + ") on an interface without VLANs");
    return;
  }
  switch (eth->ethertype()) {
    case wire::kEthertypeArp: {
      auto arp_view = wire::ArpView::parse(eth->payload());
      auto arp = arp_view ? wire::ArpRepr::parse(*arp_view) : wire::Parsed<wire::ArpRepr>(arp_view.error());
      if (!arp) {
        drop(&interface, trace::DropReason::malformed, frame.meta().packet_id,
             "ARP packet: " + std::string(wire::to_string(arp.error())));
        return;
      }
      arp_caches_[index_of(interface)]->receive(*arp, to_us);
      return;
    }
    case wire::kEthertypeIpv4:
      receive_ipv4(interface, std::move(frame), !to_us);
      return;
    default:
      drop(&interface, trace::DropReason::unsupported_protocol, frame.meta().packet_id,
           "EtherType " + hex16(eth->ethertype()) + " is not handled by " + name());
  }
}

void IpNode::receive_ipv4(link::Interface& interface, wire::Frame frame, bool link_broadcast) {
  const std::uint64_t packet_id = frame.meta().packet_id;
  auto ip = wire::Ipv4View::parse(wire::frame_l3_bytes(frame));
  if (!ip) {
    drop(&interface, trace::DropReason::malformed, packet_id,
         "IPv4 header: " + std::string(wire::to_string(ip.error())));
    return;
  }
  if (!ip->verify_checksum()) {
    drop(&interface, trace::DropReason::bad_checksum, packet_id,
         "IPv4 header checksum " + hex16(ip->checksum()) + " from " + ip->src().to_string() + " is wrong");
    return;
  }
  ++counters_.received;
  frame.resize(wire::kFrameL3Offset + ip->total_len());  // drop Ethernet padding
  if (hooks_ && !prerouting(interface, frame)) return;
  const wire::Ipv4Address dst = ip->dst();
  const LocalMatch local = match_local(dst);
  const bool ip_broadcast = dst.is_limited_broadcast() || local.subnet_broadcast;
  if (ip_broadcast || local.address) {
    deliver_locally(&interface, std::move(frame), link_broadcast || ip_broadcast);
    return;
  }
  if (dst.is_multicast()) {
    drop(&interface, trace::DropReason::unsupported_protocol, packet_id, "multicast " + dst.to_string() + " (no groups joined)");
    return;
  }
  if (!ip_forward_ || link_broadcast) {
    drop(&interface, trace::DropReason::not_forwarding, packet_id,
         name() + " is not " + (ip_forward_ ? "forwarding a link-layer broadcast" : "a router (ip_forward=0)") +
             " and " + dst.to_string() + " is not its address");
    return;
  }
  forward(interface, std::move(frame));
}

void IpNode::forward(link::Interface& interface, wire::Frame frame) {
  const std::uint64_t packet_id = frame.meta().packet_id;
  auto ip = wire::ipv4_of_frame(frame);
  const wire::Ipv4Address dst = ip->dst();
  const stack::Route* route = (hooks_ ? forwarding_table(interface) : routes_).lookup(dst);
  if (route == nullptr) {
    send_icmp_error(ip->bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodeNetUnreachable);
    drop(&interface, trace::DropReason::no_route, packet_id, "no route to " + dst.to_string() + " at " + name());
    return;
  }
  switch (route->type) {
    case stack::RouteType::unicast: break;
    case stack::RouteType::unreachable:
      send_icmp_error(ip->bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodeHostUnreachable);
      drop(&interface, trace::DropReason::unreachable_route, packet_id,
           dst.to_string() + " matches route '" + route->to_string() + "' at " + name());
      return;
    case stack::RouteType::prohibit:
      send_icmp_error(ip->bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodeAdminProhibited);
      drop(&interface, trace::DropReason::prohibit_route, packet_id,
           dst.to_string() + " matches route '" + route->to_string() + "' at " + name());
      return;
    case stack::RouteType::blackhole:
      drop(&interface, trace::DropReason::blackhole_route, packet_id,
           dst.to_string() + " matches route '" + route->to_string() + "' at " + name());
      return;
  }
  const bool decrement_ttl = !hooks_ || decrements_ttl();
  if (decrement_ttl && ip->ttl() <= 1) {
    send_icmp_error(ip->bytes(), wire::kIcmpTimeExceeded, wire::kIcmpCodeTtlExceeded);
    drop(&interface, trace::DropReason::ttl_exceeded, packet_id,
         "TTL exceeded at " + name() + " forwarding to " + dst.to_string());
    return;
  }
  link::Interface& egress = *interfaces()[route->interface];
  if (ip->total_len() > egress.mtu()) {
    if (ip->dont_fragment()) {
      send_icmp_error(ip->bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodeFragNeeded,
                      static_cast<std::uint16_t>(egress.mtu()));
      drop(&interface, trace::DropReason::fragmentation_needed, packet_id,
           std::to_string(ip->total_len()) + "-byte packet with DF exceeds the MTU " + std::to_string(egress.mtu()) +
               " of " + egress.full_name());
    } else {
      drop(&interface, trace::DropReason::fragmentation_unsupported, packet_id,
           std::to_string(ip->total_len()) + "-byte packet exceeds the MTU " + std::to_string(egress.mtu()) + " of " +
               egress.full_name() + " (vpcsim does not fragment)");
    }
    return;
  }
  if (decrement_ttl) ip->decrement_ttl();
  ++counters_.forwarded;
  context().trace.packet(context().now(), trace::TraceKind::forwarded, id(), egress.id(), packet_id);
  const wire::Ipv4Address next_hop = route->has_gateway() ? route->gateway : dst;
  if (hooks_ && !postrouting(egress, next_hop, frame, true)) return;
  wire::set_frame_src_mac(frame, egress.mac());
  arp_caches_[route->interface]->send(next_hop, std::move(frame));
}

void IpNode::deliver_locally(const link::Interface* interface, wire::Frame frame, bool link_broadcast) {
  ++counters_.delivered;
  const std::uint64_t packet_id = frame.meta().packet_id;
  auto ip = wire::ipv4_of_frame(std::as_const(frame));
  if (ip->is_fragment()) {
    drop(interface, trace::DropReason::unsupported_protocol, packet_id,
         "IPv4 fragment from " + ip->src().to_string() + " (vpcsim does not reassemble)");
    return;
  }
  context().trace.packet(context().now(), trace::TraceKind::received, id(),
                         interface != nullptr ? interface->id() : trace::kNoId, packet_id);
  switch (ip->protocol()) {
    case wire::kIpProtoIcmp: deliver_icmp(interface, *ip, link_broadcast, packet_id); return;
    case wire::kIpProtoUdp: deliver_udp(interface, *ip, link_broadcast, packet_id); return;
    case wire::kIpProtoTcp: deliver_tcp(interface, *ip, link_broadcast, packet_id); return;
    default:
      if (!link_broadcast) send_icmp_error(ip->bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodeProtocolUnreachable);
      drop(interface, trace::DropReason::protocol_unreachable, packet_id,
           "no handler for IP protocol " + std::to_string(ip->protocol()) + " at " + name());
  }
}

void IpNode::deliver_icmp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast,
                          std::uint64_t packet_id) {
  auto icmp = wire::IcmpView::parse(ip.payload());
  if (!icmp) {
    drop(interface, trace::DropReason::malformed, packet_id, "ICMP: " + std::string(wire::to_string(icmp.error())));
    return;
  }
  if (!icmp->verify_checksum()) {
    drop(interface, trace::DropReason::bad_checksum, packet_id, "ICMP checksum from " + ip.src().to_string() + " is wrong");
    return;
  }
  switch (icmp->type()) {
    case wire::kIcmpEchoRequest: {
      if (link_broadcast) {
        drop(interface, trace::DropReason::none, packet_id, "broadcast echo ignored (icmp_echo_ignore_broadcasts=1)");
        return;
      }
      // icmp_reply(): back to the sender from the address it pinged, same TOS, DF clear.
      SendOptions options;
      options.source = ip.dst();
      options.tos = ip.tos();
      options.dont_fragment = false;
      const wire::IcmpRepr echo = wire::IcmpRepr::echo_reply(icmp->echo_id(), icmp->echo_seq(), icmp->data());
      wire::Ipv4Repr reply{options.source, ip.src(), wire::kIpProtoIcmp, options.ttl, options.tos, 0, false,
                           static_cast<std::uint16_t>(echo.wire_len())};
      send_icmp(reply, echo);
      return;
    }
    case wire::kIcmpEchoReply: {
      EchoHandler* const* handler = find_echo(icmp->echo_id());
      if (handler == nullptr) {
        drop(interface, trace::DropReason::no_socket, packet_id,
             "echo reply with id " + std::to_string(icmp->echo_id()) + " that no ping is waiting for");
        return;
      }
      (*handler)->on_echo_reply(*this, ReceivedEchoReply{ip.src(), icmp->echo_id(), icmp->echo_seq(), ip.ttl(),
                                                          icmp->data().size()});
      return;
    }
    case wire::kIcmpDestUnreachable:
    case wire::kIcmpTimeExceeded: {
      auto quoted = wire::Ipv4View::parse_quoted(icmp->invoking_packet());
      if (!quoted || quoted->payload().size() < wire::kTransportPrefixLen) {
        drop(interface, trace::DropReason::malformed, packet_id, "ICMP error quotes too little of the original packet");
        return;
      }
      IcmpErrorReport report{ip.src(), icmp->type(), icmp->code(),
                             icmp->code() == wire::kIcmpCodeFragNeeded ? icmp->next_hop_mtu() : std::uint16_t{0},
                             quoted->dst(), 0, 0};
      // The 8 bytes checked above are all a quote must carry (RFC 792): the ports and TCP's
      // sequence number, or an echo's identifier and sequence number.
      const auto ports = *wire::TransportPrefixView::parse(quoted->payload());
      const auto echo = *wire::IcmpView::parse(quoted->payload());
      if (quoted->protocol() == wire::kIpProtoUdp) {
        report.original_dst_port = ports.dst_port();
        if (UdpHandler* const* handler = udp_ports_.find(ports.src_port())) {
          (*handler)->on_icmp_error(*this, report);
          return;
        }
      } else if (quoted->protocol() == wire::kIpProtoTcp) {
        report.original_dst_port = ports.dst_port();
        const stack::TcpEndpoints endpoints{quoted->src(), ports.src_port(), quoted->dst(), report.original_dst_port};
        if (tcp_ && tcp_->icmp_error(endpoints, ports.tcp_seq(), report)) return;
      } else if (quoted->protocol() == wire::kIpProtoIcmp && echo.type() == wire::kIcmpEchoRequest) {
        report.echo_seq = echo.echo_seq();
        if (EchoHandler* const* handler = find_echo(echo.echo_id())) {
          (*handler)->on_icmp_error(*this, report);
          return;
        }
      }
      drop(interface, trace::DropReason::no_socket, packet_id,
           stack::describe_icmp_error(icmp->type(), icmp->code()) + " from " + ip.src().to_string() + " that no socket is waiting for");
      return;
    }
    default:
      drop(interface, trace::DropReason::unsupported_protocol, packet_id,
           "ICMP type " + std::to_string(icmp->type()) + " is not handled");
  }
}

void IpNode::deliver_udp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast,
                         std::uint64_t packet_id) {
  const auto udp = wire::UdpView::parse(ip.payload());
  if (!udp) {
    drop(interface, trace::DropReason::malformed, packet_id, "UDP datagram from " + ip.src().to_string() + " is truncated");
    return;
  }
  if (!udp->verify_checksum(ip.src(), ip.dst())) {
    drop(interface, trace::DropReason::bad_checksum, packet_id, "UDP checksum from " + ip.src().to_string() + " is wrong");
    return;
  }
  const std::uint16_t dst_port = udp->dst_port();
  UdpHandler* const* handler = udp_ports_.find(dst_port);
  if (handler == nullptr) {
    if (!link_broadcast) send_icmp_error(ip.bytes(), wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable);
    drop(interface, trace::DropReason::port_unreachable, packet_id,
         "UDP port " + std::to_string(dst_port) + " is closed on " + name());
    return;
  }
  (*handler)->on_datagram(*this,
                          ReceivedDatagram{ip.src(), ip.dst(), udp->src_port(), dst_port, ip.ttl(), udp->payload()});
}

void IpNode::deliver_tcp(const link::Interface* interface, const wire::Ipv4View& ip, bool link_broadcast,
                         std::uint64_t packet_id) {
  auto view = wire::TcpView::parse(ip.payload());
  if (!view) {
    drop(interface, trace::DropReason::malformed, packet_id,
         "TCP segment from " + ip.src().to_string() + ": " + std::string(wire::to_string(view.error())));
    return;
  }
  auto segment = wire::TcpRepr::parse(*view, ip.src(), ip.dst());
  if (!segment) {
    drop(interface, trace::DropReason::bad_checksum, packet_id, "TCP checksum from " + ip.src().to_string() + " is wrong");
    return;
  }
  if (link_broadcast) {  // tcp_v4_rcv: PACKET_HOST only
    drop(interface, trace::DropReason::unsupported_protocol, packet_id, "TCP segment sent to a broadcast address");
    return;
  }
  const TcpDelivery delivery = tcp_ ? tcp_->receive(ip.src(), ip.dst(), *segment) : TcpDelivery::no_socket;
  if (delivery == TcpDelivery::delivered) return;
  if (delivery == TcpDelivery::discarded) {
    drop(interface, trace::DropReason::no_socket, packet_id,
         "TCP segment without SYN for listening port " + std::to_string(segment->dst_port) + " on " + name());
    return;
  }
  // No socket: tcp_v4_send_reset, from the address the segment was sent to.
  const auto reset = stack::tcp_reset_for(*segment);
  if (reset) send_tcp(ip.dst(), ip.src(), *reset);
  drop(interface, trace::DropReason::port_unreachable, packet_id,
       "TCP port " + std::to_string(segment->dst_port) + " is closed on " + name() + (reset ? " (RST sent)" : ""));
}

}  // namespace vpcsim::node
