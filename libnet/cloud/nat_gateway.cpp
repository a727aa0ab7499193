#include "libnet/cloud/nat_gateway.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/subnet.h"
#include "libnet/cloud/vpc.h"
#include "libnet/node/network.h"
#include "libnet/stack/flow_tuple.h"
#include "libnet/stack/tcp_connection.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/node_frame.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::cloud {

NatGateway::NatGateway(node::Network& network, std::uint32_t id, std::string name, Subnet& subnet)
    : NatRouter(network, id, std::move(name)), subnet_(&subnet) {
  stack::ConnTrackTimeouts timeouts;
  for (core::Time* t : {&timeouts.udp_unreplied, &timeouts.udp_stream, &timeouts.icmp, &timeouts.tcp_established})
    *t = kIdleTimeout;
  set_timeouts(timeouts);
  conntrack().set_on_remove([this](const stack::ConnEntry& e) {
    if (std::uint32_t* count = per_destination_.find(destination_key(e.original.dst, e.original.dst_port, e.original.protocol)))
      --*count;
  });
}

std::uint32_t NatGateway::connections_to(wire::Ipv4Address address, std::uint16_t port, std::uint8_t protocol) const {
  const std::uint32_t* count = per_destination_.find(destination_key(address, port, protocol));
  return count != nullptr ? *count : 0;
}

void NatGateway::record(std::uint64_t packet_id, DecisionAction action, std::string detail, ReasonCode code,
                        std::string suggestion) {
  subnet_->vpc().cloud().decisions().record(Decision{packet_id, network().now(), ComponentKind::nat_gateway, name(),
                                                     action, std::move(detail), code, std::move(suggestion)});
}

void NatGateway::reset_stale(const wire::Ipv4View& ip) {
  auto view = wire::TcpView::parse(ip.payload());
  if (!view) return;
  auto segment = wire::TcpRepr::parse(*view, ip.src(), ip.dst());
  if (!segment) return;
  if (auto reset = stack::tcp_reset_for(*segment)) send_tcp(ip.dst(), ip.src(), *reset);
}

bool NatGateway::prerouting(link::Interface& in, wire::Frame& frame) {
  if (deleted_) {
    const std::uint64_t id = frame.meta().packet_id;
    drop(&in, trace::DropReason::nat_gateway_refused, id, "NAT gateway " + name() + " was deleted");
    record(id, DecisionAction::dropped, "the NAT gateway was deleted", ReasonCode::route_blackhole);
    return false;
  }
  if (subnet_->vpc().cloud().decisions().active()) {  // explain shows the flow before and after
    const auto tuple = stack::flow_tuple_of(wire::Ipv4View(*wire::ipv4_of_frame(frame)));
    before_known_ = tuple.has_value();
    if (tuple) before_ = *tuple;
  }
  return NatRouter::prerouting(in, frame);
}

bool NatGateway::untracked(link::Interface& in, const stack::FlowTuple& tuple, const wire::Ipv4View& ip, bool local,
                           std::uint64_t packet_id) {
  if (local) {
    const auto icmp = wire::IcmpView::parse(ip.payload());
    const bool ping = tuple.protocol == wire::kIpProtoIcmp && icmp && icmp->type() == wire::kIcmpEchoRequest;
    const std::string why = ping ? "a NAT gateway does not answer ping" : "a NAT gateway accepts no inbound connection";
    drop(&in, trace::DropReason::nat_gateway_refused, packet_id, why + " (" + name() + ")");
    record(packet_id, DecisionAction::dropped, why, ReasonCode::nat_gateway_no_inbound,
           "reach the instance through a public IP, a load balancer or a bastion host instead");
    return false;
  }
  const auto tcp = wire::TcpView::parse(ip.payload());
  if (tuple.protocol == wire::kIpProtoTcp && tcp && !tcp->has_flag(wire::kTcpRst)) {
    reset_stale(ip);
    drop(&in, trace::DropReason::nat_gateway_refused, packet_id,
         tuple.to_string() + " has no connection at " + name() + " (idle for 350 s or never opened): answered with RST");
    record(packet_id, DecisionAction::dropped, "no connection for " + tuple.to_string() + " (idle for 350 s, or never opened): RST sent",
           ReasonCode::packet_dropped, "keep the connection alive (TCP keepalive under 350 s)");
    return false;
  }
  return true;
}

bool NatGateway::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  if (!forwarded) return NatRouter::postrouting(out, next_hop, frame, forwarded);
  const std::uint64_t created = conntrack().created_count();
  if (!NatRouter::postrouting(out, next_hop, frame, forwarded)) return false;
  const bool explaining = subnet_->vpc().cloud().decisions().active();
  if (conntrack().created_count() == created && !explaining) return true;
  const auto after = stack::flow_tuple_of(wire::Ipv4View(*wire::ipv4_of_frame(frame)));
  // Source NAT leaves the destination as it was: the new connection counts against it.
  if (conntrack().created_count() != created && after)
    ++per_destination_[destination_key(after->dst, after->dst_port, after->protocol)];
  if (explaining && before_known_)
    record(frame.meta().packet_id, after && !(*after == before_) ? DecisionAction::translated : DecisionAction::forwarded,
           after ? before_.to_string() + " as " + after->to_string() : before_.to_string());
  before_known_ = false;
  return true;
}

bool NatGateway::admit_new_flow(link::Interface& out, const stack::FlowTuple& tuple, std::uint64_t packet_id) {
  if (connections_to(tuple.dst, tuple.dst_port, tuple.protocol) < kMaxConnectionsPerDestination) return true;
  std::string destination = stack::protocol_name(tuple.protocol) + " " + tuple.dst.to_string();
  if (tuple.protocol != wire::kIpProtoIcmp) destination += ":" + std::to_string(tuple.dst_port);
  drop(&out, trace::DropReason::nat_port_exhausted, packet_id,
       name() + " has 55,000 connections to " + destination + " already (ErrorPortAllocation)");
  record(packet_id, DecisionAction::dropped, "55,000 simultaneous connections to " + destination + " already",
         ReasonCode::nat_gateway_connection_limit,
         "spread the connections over more destination addresses or ports, or more NAT gateways");
  return false;
}

}  // namespace vpcsim::cloud
