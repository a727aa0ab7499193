#include "libnet/node/ip_node.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/core/prefetch.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/node/udp_apps.h"
#include "libnet/node/udp_flows.h"
#include "libnet/node/udp_socket.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/node_frame.h"
#include "libnet/wire/frame_pool.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/transport_prefix.h"
#include "libnet/wire/udp.h"

namespace vpcsim::node {
namespace {

constexpr std::size_t kIcmpErrorMaxLen = 576;  // RFC 1812 4.3.2.3; Linux icmp_send
constexpr std::uint8_t kTosMask = 0x1e;        // IPTOS_TOS_MASK
constexpr std::uint8_t kTosInternetControl = 0xc0;
constexpr core::Time kIcmpRateInterval = core::kSecond;  // net.ipv4.icmp_ratelimit = 1000 ms
constexpr core::Time kIcmpRateBurst = 6 * kIcmpRateInterval;  // XRLIM_BURST_FACTOR
constexpr std::uint8_t kIcmpMaxKnownType = 18;  // NR_ICMP_TYPES
constexpr std::uint32_t kEphemeralLow = 32768, kEphemeralHigh = 60999;  // ip_local_port_range

bool is_rate_limited_type(std::uint8_t type, std::uint8_t code) {
  // icmp_ratemask 0x1818: dest unreachable, source quench, time exceeded, parameter problem;
  // fragmentation needed is exempt so that path MTU discovery works.
  if (type == wire::kIcmpDestUnreachable && code == wire::kIcmpCodeFragNeeded) return false;
  return type == 3 || type == 4 || type == 11 || type == 12;
}

std::string hex16(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

std::string describe_icmp(std::uint8_t type, std::uint8_t code) {
  if (type == wire::kIcmpTimeExceeded) return "time exceeded";
  if (type != wire::kIcmpDestUnreachable) return "ICMP type " + std::to_string(type);
  switch (code) {
    case wire::kIcmpCodeNetUnreachable: return "net unreachable";
    case wire::kIcmpCodeHostUnreachable: return "host unreachable";
    case wire::kIcmpCodeProtocolUnreachable: return "protocol unreachable";
    case wire::kIcmpCodePortUnreachable: return "port unreachable";
    case wire::kIcmpCodeFragNeeded: return "fragmentation needed";
    case wire::kIcmpCodeAdminProhibited: return "administratively prohibited";
  }
  return "destination unreachable code " + std::to_string(code);
}

}  // namespace

std::string_view to_string(SendStatus status) {
  switch (status) {
    case SendStatus::sent: return "sent";
    case SendStatus::network_unreachable: return "network_unreachable";
    case SendStatus::host_unreachable: return "host_unreachable";
    case SendStatus::prohibited: return "prohibited";
    case SendStatus::blackholed: return "blackholed";
    case SendStatus::message_too_long: return "message_too_long";
    case SendStatus::no_source_address: return "no_source_address";
    case SendStatus::address_in_use: return "address_in_use";
  }
  return "unknown";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::pending: return "pending";
    case Outcome::reply: return "reply";
    case Outcome::unreachable: return "unreachable";
    case Outcome::timeout: return "timeout";
  }
  return "unknown";
}

IpNode::IpNode(Network& network, std::uint32_t id, std::string name, NodeKind kind, bool ip_forward)
    : Node(network, id, std::move(name), kind),
      ip_forward_(ip_forward),
      next_ip_id_(static_cast<std::uint16_t>(context().sim.rng().below(65536))) {}

IpNode::~IpNode() = default;

// ---------------------------------------------------------------------------------------------
// Configuration

link::Interface& IpNode::add_interface(std::string name, std::optional<wire::Ipv4InterfaceAddress> address,
                                       std::optional<wire::MacAddress> mac) {
  if (address) check_new_address(this->name() + "." + name, nullptr, *address);  // nothing is created on error
  link::Interface& interface = create_interface(std::move(name), mac);
  arp_caches_.push_back(network().arena().make<stack::ArpCache>(context(), interface, *this, arp_config_));
  if (address) add_address(interface.name(), *address);
  return interface;
}

link::Interface& IpNode::add_interface(std::string name, std::string_view address) {
  return add_interface(std::move(name), wire::Ipv4InterfaceAddress::parse(address));
}

void IpNode::add_address(std::string_view interface_name, wire::Ipv4InterfaceAddress address) {
  link::Interface& interface = Node::interface(interface_name);
  check_new_address(interface.full_name(), &interface, address);
  interface.add_address(address);
  const wire::Ipv4Prefix subnet = address.subnet();
  if (routes_.find_exact(subnet) == nullptr)
    routes_.add(stack::Route{subnet, stack::RouteType::unicast, {}, index_of(interface), interface.name(),
                             stack::RouteOrigin::connected, address.address()},
                name());
}

void IpNode::check_new_address(const std::string& who, const link::Interface* interface,
                               wire::Ipv4InterfaceAddress address) const {
  link::Interface::validate_address(who, address);
  for (const auto& other : interfaces())
    for (const auto& existing : other->addresses())
      if (existing.subnet().overlaps(address.subnet()) && other.get() != interface)
        throw core::ConfigError(who, "ip",
                                address.to_string() + " overlaps " + existing.to_string() + " on " + other->full_name());
}

void IpNode::add_route(wire::Ipv4Prefix destination, wire::Ipv4Address gateway) {
  const std::string what = "route " + destination.to_string() + " via " + gateway.to_string();
  // fib_check_nh: the gateway must be reachable through an on-link route (connected, or `dev`).
  const stack::Route* connected = routes_.lookup(gateway);
  if (connected == nullptr || connected->has_gateway() || connected->type != stack::RouteType::unicast)
    throw core::ConfigError(name(), what,
                            "gateway " + gateway.to_string() + " is not on a connected subnet of " + name() +
                                " (Linux: 'Nexthop has invalid gateway')");
  if (is_local_address(gateway))
    throw core::ConfigError(name(), what, "gateway " + gateway.to_string() + " is this node's own address");
  routes_.add(stack::Route{destination, stack::RouteType::unicast, gateway, connected->interface,
                           connected->interface_name, stack::RouteOrigin::static_route, {}},
              name());
}

void IpNode::add_route(wire::Ipv4Prefix destination, std::string_view interface_name) {
  link::Interface& interface = Node::interface(interface_name);
  routes_.add(stack::Route{destination, stack::RouteType::unicast, {}, index_of(interface), interface.name(),
                           stack::RouteOrigin::static_route, {}},
              name());
}

void IpNode::add_special_route(wire::Ipv4Prefix destination, stack::RouteType type) {
  if (type == stack::RouteType::unicast)
    throw core::ConfigError(name(), "route " + destination.to_string(), "a unicast route needs a gateway or interface");
  routes_.add(stack::Route{destination, type, {}, stack::kNoRouteInterface, "", stack::RouteOrigin::static_route, {}},
              name());
}

std::vector<stack::NeighbourEntry> IpNode::arp_table() const {
  std::vector<stack::NeighbourEntry> all;
  for (const auto& cache : arp_caches_) {
    auto entries = cache->entries();
    all.insert(all.end(), entries.begin(), entries.end());
  }
  return all;
}

stack::ArpCache& IpNode::arp_cache(std::string_view interface_name) {
  return *arp_caches_[index_of(interface(interface_name))];
}

bool IpNode::is_local_address(wire::Ipv4Address address) const {
  for (const auto& interface : interfaces())
    for (const auto& a : interface->addresses())
      if (a.address() == address) return true;
  return false;
}

wire::Ipv4Address IpNode::primary_address() const {
  for (const auto& interface : interfaces())
    if (!interface->addresses().empty()) return interface->addresses().front().address();
  return {};
}

bool IpNode::is_subnet_broadcast(wire::Ipv4Address address) const {
  for (const auto& interface : interfaces())
    for (const auto& a : interface->addresses())
      if (a.prefix_length() < 31 && a.broadcast() == address) return true;
  return false;
}

IpNode::LocalMatch IpNode::match_local(wire::Ipv4Address address) const {
  LocalMatch match;
  for (const auto& interface : interfaces())
    for (const auto& a : interface->addresses()) {
      match.address |= a.address() == address;
      match.subnet_broadcast |= a.prefix_length() < 31 && a.broadcast() == address;
    }
  return match;
}

// ---------------------------------------------------------------------------------------------
// Sockets

void IpNode::bind_udp(std::uint16_t port, UdpHandler& handler) {
  if (port == 0) throw core::ConfigError(name(), "udp port", "port 0 cannot be bound");
  auto [slot, inserted] = udp_ports_.try_emplace(port);
  if (!inserted) throw core::ConfigError(name(), "udp port " + std::to_string(port), "already in use");
  *slot = &handler;
}

std::uint16_t IpNode::ephemeral_port(std::uint8_t protocol) {
  for (;;) {
    auto port = static_cast<std::uint16_t>(context().sim.rng().between(kEphemeralLow, kEphemeralHigh));
    const bool in_use = protocol == wire::kIpProtoTcp ? tcp_ != nullptr && tcp_->port_in_use(port)
                                                      : udp_ports_.contains(port);
    if (!in_use) return port;
  }
}

TcpSockets& IpNode::tcp() {
  if (!tcp_) tcp_ = std::make_unique<TcpSockets>(*this);
  return *tcp_;
}

IpNode::RouteInfo IpNode::route_info(wire::Ipv4Address dst) const {
  const OutputRoute route = route_output(dst, {});
  RouteInfo info{route.status, route.source, 0};
  if (route.status == SendStatus::sent)
    info.mtu = route.local ? static_cast<std::uint32_t>(wire::FramePool::kMaxFrameLen - wire::kFrameL3Offset) : route.egress->mtu();
  return info;
}

SendStatus IpNode::send_tcp(wire::Ipv4Address src, wire::Ipv4Address dst, const wire::TcpRepr& segment,
                            bool confirm_neighbour) {
  wire::Ipv4Repr ip{src, dst, wire::kIpProtoTcp, 64, 0, 0, true, static_cast<std::uint16_t>(segment.wire_len())};
  return originate(
      ip, segment.wire_len(),
      [&](std::span<std::uint8_t> l4, wire::Ipv4Address from, wire::Ipv4Address to) { segment.emit(l4, from, to); },
      confirm_neighbour);
}

std::uint16_t IpNode::register_echo(EchoHandler& handler) {
  for (;;) {
    auto id = static_cast<std::uint16_t>(context().sim.rng().below(65536));
    auto [slot, inserted] = uncommon().echo_ids.try_emplace(id);
    if (inserted) {
      *slot = &handler;
      return id;
    }
  }
}

template <class EmitL4>
SendStatus IpNode::originate(wire::Ipv4Repr ip, std::size_t l4_len, const EmitL4& emit_l4, bool confirm_neighbour) {
  // vpcsim does not fragment: a datagram bigger than the egress MTU is refused with EMSGSIZE whether
  // or not DF is set (Linux would fragment one without DF). Checked before anything is built.
  if (l4_len + wire::kIpv4MinHeaderLen > wire::kIpv4MaxTotalLen) return SendStatus::message_too_long;
  OutputRoute route = route_output(ip.dst, ip.src);
  if (route.status != SendStatus::sent) return route.status;
  ip.src = route.source;
  ip.id = next_ip_id();
  const std::size_t limit = route.local ? wire::FramePool::kMaxFrameLen - wire::kFrameL3Offset : route.egress->mtu();
  if (ip.wire_len() > limit) return SendStatus::message_too_long;
  wire::Frame frame = new_ipv4_frame(ip);
  frame.meta().confirm_neighbour = confirm_neighbour;
  emit_l4(frame.bytes().subspan(wire::kFrameL3Offset + ip.header_len(), l4_len), ip.src, ip.dst);
  ++counters_.originated;
  context().trace.packet(context().now(), trace::TraceKind::sent, id(),
                         route.egress != nullptr ? route.egress->id() : trace::kNoId, frame.meta().packet_id);
  transmit(route, std::move(frame));
  return SendStatus::sent;
}

SendStatus IpNode::send_udp(std::uint16_t src_port, wire::Ipv4Address dst, std::uint16_t dst_port,
                            std::span<const std::uint8_t> payload, const SendOptions& options) {
  const wire::UdpRepr udp{src_port, dst_port, payload};
  wire::Ipv4Repr ip{options.source, dst, wire::kIpProtoUdp, options.ttl, options.tos, 0, options.dont_fragment,
                    static_cast<std::uint16_t>(udp.wire_len())};
  return originate(
      ip, udp.wire_len(),
      [&](std::span<std::uint8_t> l4, wire::Ipv4Address src, wire::Ipv4Address to) { udp.emit(l4, src, to); },
      options.confirm_neighbour);
}

SendStatus IpNode::send_echo_request(wire::Ipv4Address dst, std::uint16_t id, std::uint16_t seq,
                                     std::span<const std::uint8_t> data, const SendOptions& options) {
  const wire::IcmpRepr icmp = wire::IcmpRepr::echo_request(id, seq, data);
  wire::Ipv4Repr ip{options.source, dst, wire::kIpProtoIcmp, options.ttl, options.tos, 0, options.dont_fragment,
                    static_cast<std::uint16_t>(icmp.wire_len())};
  return originate(ip, icmp.wire_len(),
                   [&](std::span<std::uint8_t> l4, wire::Ipv4Address, wire::Ipv4Address) { icmp.emit(l4); });
}

// ---------------------------------------------------------------------------------------------
// Output

IpNode::OutputRoute IpNode::route_output(wire::Ipv4Address dst, wire::Ipv4Address source_hint) const {
  OutputRoute out;
  if (is_local_address(dst) || dst.is_loopback()) {  // 127.0.0.0/8 is local, through lo
    out.local = true;
    out.source = source_hint.is_unspecified() ? dst : source_hint;
    return out;
  }
  const stack::Route* route = routes_.lookup(dst);
  if (route == nullptr) {
    out.status = SendStatus::network_unreachable;
    return out;
  }
  switch (route->type) {
    case stack::RouteType::unicast: break;
    case stack::RouteType::unreachable: out.status = SendStatus::host_unreachable; return out;
    case stack::RouteType::prohibit: out.status = SendStatus::prohibited; return out;
    case stack::RouteType::blackhole: out.status = SendStatus::blackholed; return out;
  }
  out.egress_index = route->interface;
  out.egress = interfaces()[route->interface].get();
  out.next_hop = route->has_gateway() ? route->gateway : dst;
  // 255.255.255.255 leaves the matched route's interface as an Ethernet broadcast, never through the
  // gateway (__mkroute_output makes it RTN_BROADCAST); so does a directed broadcast on a connected subnet.
  out.broadcast = dst.is_limited_broadcast() || (!route->has_gateway() && is_subnet_broadcast(dst));
  if (dst.is_limited_broadcast()) out.next_hop = dst;
  if (!source_hint.is_unspecified()) {
    out.source = source_hint;
  } else if (!route->preferred_source.is_unspecified()) {
    out.source = route->preferred_source;
  } else {
    out.source = out.egress->source_address_for(out.next_hop);
  }
  if (out.source.is_unspecified()) out.status = SendStatus::no_source_address;
  return out;
}

wire::Frame IpNode::new_ipv4_frame(const wire::Ipv4Repr& ip) {
  wire::Frame frame = context().pool.allocate(wire::kFrameL3Offset + ip.wire_len());
  frame.meta().packet_id = context().new_packet_id();
  wire::EthernetRepr{wire::MacAddress(), wire::MacAddress(), wire::kEthertypeIpv4, std::nullopt}.emit(frame.bytes());
  ip.emit(wire::frame_l3_bytes(frame));
  return frame;
}

void IpNode::transmit(const OutputRoute& route, wire::Frame frame) {
  if (route.local) {
    uncommon().loopback.push_back(std::move(frame));
    context().sim.schedule_in(0, *this, 0);
    return;
  }
  link::Interface& egress = *route.egress;
  if (hooks_ && !postrouting(egress, route.next_hop, frame, false)) return;
  wire::set_frame_src_mac(frame, egress.mac());
  if (route.broadcast) {
    wire::set_frame_dst_mac(frame, wire::MacAddress::broadcast());
    egress.send(std::move(frame));
    return;
  }
  arp_caches_[route.egress_index]->send(route.next_hop, std::move(frame));
}

bool IpNode::prerouting(link::Interface&, wire::Frame&) { return true; }
bool IpNode::postrouting(link::Interface&, wire::Ipv4Address, wire::Frame&, bool) { return true; }

void IpNode::handle_event(const core::Event&) {
  // Loopback: a packet this node sent to itself arrives now, as through lo.
  wire::Frame frame = uncommon_->loopback.pop_front();
  deliver_locally(nullptr, std::move(frame), false);
}

// ---------------------------------------------------------------------------------------------
// Input

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
      originate(reply, echo.wire_len(),
                [&](std::span<std::uint8_t> l4, wire::Ipv4Address, wire::Ipv4Address) { echo.emit(l4); });
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
           describe_icmp(icmp->type(), icmp->code()) + " from " + ip.src().to_string() + " that no socket is waiting for");
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

// ---------------------------------------------------------------------------------------------
// ICMP errors

bool IpNode::icmp_rate_allows(wire::Ipv4Address destination) {
  const core::Time now = context().now();
  auto [found, created] = uncommon().icmp_rate.try_emplace(destination.to_u32());
  RateBucket& bucket = *found;
  if (created) {
    bucket = RateBucket{kIcmpRateBurst, now};
  } else {
    bucket.tokens = std::min(kIcmpRateBurst, bucket.tokens + (now - bucket.last));
    bucket.last = now;
  }
  if (bucket.tokens < kIcmpRateInterval) return false;
  bucket.tokens -= kIcmpRateInterval;
  return true;
}

void IpNode::send_icmp_error(std::span<const std::uint8_t> offending, std::uint8_t type, std::uint8_t code,
                             std::uint16_t next_hop_mtu) {
  auto original = wire::Ipv4View::parse_quoted(offending);
  if (!original) return;
  const wire::Ipv4Address to = original->src();
  if (to.is_unspecified() || to.is_multicast() || to.is_limited_broadcast() || to.is_loopback() ||
      is_subnet_broadcast(to))
    return;
  if (original->frag_offset() != 0) return;
  if (original->protocol() == wire::kIpProtoIcmp) {
    // Never an error about an error, nor about an unknown type (icmp_send; it reads the type only,
    // so a quote too short for a full ICMP header counts as unknown too).
    const auto icmp = wire::IcmpView::parse(original->payload());
    if (!icmp || icmp->type() > kIcmpMaxKnownType || icmp->is_error()) return;
  }
  const bool to_self = is_local_address(to);
  if (!to_self && is_rate_limited_type(type, code) && !icmp_rate_allows(to)) {
    ++counters_.icmp_rate_limited;
    return;
  }
  // The source: the address the offending packet was sent to if that is ours (port unreachable),
  // else the one the route back to the sender picks.
  wire::Ipv4Address source = is_local_address(original->dst()) ? original->dst() : wire::Ipv4Address();
  const std::size_t quote_len =
      std::min(offending.size(), kIcmpErrorMaxLen - wire::kIpv4MinHeaderLen - wire::kIcmpHeaderLen);
  wire::Ipv4Repr ip{source, to, wire::kIpProtoIcmp, 64,
                    static_cast<std::uint8_t>((original->tos() & kTosMask) | kTosInternetControl), 0, false,
                    static_cast<std::uint16_t>(wire::kIcmpHeaderLen + quote_len)};
  OutputRoute route = route_output(to, source);
  if (route.status != SendStatus::sent) return;  // no way back: nothing to send
  ip.src = route.source;
  ip.id = next_ip_id();
  wire::Frame frame = new_ipv4_frame(ip);
  const wire::IcmpRepr icmp = type == wire::kIcmpTimeExceeded
                                  ? wire::IcmpRepr::time_exceeded(code, offending.first(quote_len))
                                  : wire::IcmpRepr::dest_unreachable(code, offending.first(quote_len), next_hop_mtu);
  icmp.emit(frame.bytes().subspan(wire::kFrameL3Offset + ip.header_len()));
  ++counters_.icmp_errors_sent;
  context().trace.note(context().now(), trace::TraceKind::icmp_error, id(),
                       route.egress != nullptr ? route.egress->id() : trace::kNoId, frame.meta().packet_id,
                       describe_icmp(type, code) + " to " + to.to_string() + " about a packet for " +
                           original->dst().to_string());
  transmit(route, std::move(frame));
}

void IpNode::neighbour_unreachable(link::Interface& interface, wire::Ipv4Address next_hop, std::uint32_t requests,
                                   wire::Frame frame) {
  drop(&interface, trace::DropReason::arp_failed, frame.meta().packet_id,
       "ARP for " + next_hop.to_string() + " on " + interface.full_name() + " timed out after " +
           std::to_string(requests) + " tries");
  if (frame.size() > wire::kFrameL3Offset)
    send_icmp_error(wire::frame_l3_bytes(std::as_const(frame)), wire::kIcmpDestUnreachable,
                    wire::kIcmpCodeHostUnreachable);
}

// ---------------------------------------------------------------------------------------------
// Applications

template <class App, class... Args>
App& IpNode::add_application(Args&&... args) {
  auto app = std::make_unique<App>(*this, std::forward<Args>(args)...);
  App& ref = *app;
  applications_.push_back(std::move(app));
  return ref;
}

Ping& IpNode::ping(const PingConfig& config) { return add_application<Ping>(config); }
Traceroute& IpNode::traceroute(const TracerouteConfig& config) { return add_application<Traceroute>(config); }
UdpResponder& IpNode::udp_listen(std::uint16_t port, std::string reply) {
  return add_application<UdpResponder>(port, std::move(reply));
}
UdpClient& IpNode::udp_send(const UdpClientConfig& config) { return add_application<UdpClient>(config); }
UdpFlows& IpNode::udp_flows(const UdpFlowsConfig& config) { return add_application<UdpFlows>(config); }
UdpSocket& IpNode::udp_socket(std::uint16_t port) { return add_application<UdpSocket>(port); }
TcpServer& IpNode::tcp_listen(std::uint16_t port, std::string reply) {
  return add_application<TcpServer>(port, std::move(reply));
}
TcpClient& IpNode::tcp_connect(const TcpClientConfig& config) { return add_application<TcpClient>(config); }

}  // namespace vpcsim::node
