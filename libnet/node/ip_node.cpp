#include "libnet/node/ip_node.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/tcp_sockets.h"
#include "libnet/stack/icmp_errors.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/frame_pool.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/node_frame.h"
#include "libnet/wire/udp.h"

namespace vpcsim::node {
namespace {

constexpr std::uint32_t kEphemeralLow = 32768, kEphemeralHigh = 60999;  // ip_local_port_range

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
    case Outcome::name_not_found: return "name_not_found";
    case Outcome::dns_timeout: return "dns_timeout";
    case Outcome::dns_failure: return "dns_failure";
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
  return send_icmp(wire::Ipv4Repr{options.source, dst, wire::kIpProtoIcmp, options.ttl, options.tos, 0,
                                  options.dont_fragment, static_cast<std::uint16_t>(icmp.wire_len())},
                   icmp);
}

SendStatus IpNode::send_icmp(const wire::Ipv4Repr& ip, const wire::IcmpRepr& icmp) {
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
// ICMP errors (the policy is stack/icmp_errors.h; here the route back and the node's own checks)

void IpNode::send_icmp_error(std::span<const std::uint8_t> offending, std::uint8_t type, std::uint8_t code,
                             std::uint16_t next_hop_mtu) {
  const auto original = wire::Ipv4View::parse_quoted(offending);
  if (!original) return;
  auto plan = stack::plan_icmp_error(offending, type, code, next_hop_mtu, is_local_address(original->dst()));
  if (!plan || is_subnet_broadcast(plan->ip.dst)) return;
  const wire::Ipv4Address to = plan->ip.dst;
  if (!is_local_address(to) && stack::is_rate_limited_icmp(type, code) &&
      !uncommon().icmp_rate.allow(to, context().now())) {
    ++counters_.icmp_rate_limited;
    return;
  }
  // The source: the address the offending packet was sent to if that is ours (port unreachable),
  // else the one the route back to the sender picks.
  OutputRoute route = route_output(to, plan->ip.src);
  if (route.status != SendStatus::sent) return;  // no way back: nothing to send
  plan->ip.src = route.source;
  plan->ip.id = next_ip_id();
  wire::Frame frame = new_ipv4_frame(plan->ip);
  plan->icmp.emit(frame.bytes().subspan(wire::kFrameL3Offset + plan->ip.header_len()));
  ++counters_.icmp_errors_sent;
  context().trace.note(context().now(), trace::TraceKind::icmp_error, id(),
                       route.egress != nullptr ? route.egress->id() : trace::kNoId, frame.meta().packet_id,
                       stack::describe_icmp_error(type, code) + " to " + to.to_string() + " about a packet for " +
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

}  // namespace vpcsim::node
