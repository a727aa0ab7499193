#include "libnet/cloud/vpc_router.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/network_acl.h"
#include "libnet/cloud/packet_summary.h"
#include "libnet/cloud/vpc.h"
#include "libnet/cloud/vpc_peering.h"
#include "libnet/node/network.h"
#include "libnet/wire/node_frame.h"

namespace vpcsim::cloud {
namespace {

/// The table's own route for `destination` (a route the user added), if any.
const CloudRoute* model_route(const RouteTable* table, const wire::Ipv4Prefix& destination) {
  if (table == nullptr) return nullptr;
  for (const CloudRoute& r : table->extra_routes())
    if (r.destination == destination) return &r;
  return nullptr;
}

/// "the rule to add" for a packet an ACL refused.
std::string acl_rule_to_add(const NetworkAcl& acl, AclDirection direction, const PacketSummary& packet,
                            const AclVerdict& verdict) {
  std::string traffic = stack::protocol_name(packet.protocol);
  const bool ports = packet.protocol == wire::kIpProtoTcp || packet.protocol == wire::kIpProtoUdp;
  // A packet to a port of Linux's ephemeral range from a lower one is a reply: what is missing is the
  // ephemeral range (AWS advises 1024-65535, which covers every client's).
  const bool reply = ports && packet.destination_port >= 32768 && packet.source_port < packet.destination_port;
  if (ports) traffic += reply ? " 1024-65535" : " " + std::to_string(packet.destination_port);
  const bool inbound = direction == AclDirection::inbound;
  std::string text = "add an ";
  text += inbound ? "inbound" : "outbound";
  text += " rule to " + acl.name() + " allowing " + traffic + (inbound ? " from " : " to ") +
          (inbound ? packet.source : packet.destination).to_string() + "/32";
  text += verdict.rule ? ", numbered below " + std::to_string(*verdict.rule) : "";
  if (reply) text += " (the ephemeral ports replies go to)";
  return text;
}

}  // namespace

VpcRouter::VpcRouter(node::Network& network, std::uint32_t id, std::string name, Vpc& vpc)
    : IpNode(network, id, std::move(name), node::NodeKind::router, true), vpc_(&vpc) {
  enable_hooks();
}

void VpcRouter::attach_subnet(std::uint32_t interface, Subnet& subnet) {
  if (subnets_.size() <= interface) subnets_.resize(interface + 1, nullptr);
  subnets_[interface] = &subnet;
  stale_ = true;
}

const RouteTable* VpcRouter::table_for(std::uint32_t interface) const {
  const Subnet* subnet = subnet_on(interface);
  return subnet != nullptr ? &subnet->route_table() : nullptr;
}

const stack::RoutingTable& VpcRouter::compiled(const RouteTable& table) {
  if (stale_) rebuild();
  return tables_.at(&table);
}

stack::RoutingTable VpcRouter::compile(const RouteTable* table) const {
  stack::RoutingTable out;
  const auto add = [&](stack::Route route) {
    route.interface_name = route.interface == stack::kNoRouteInterface ? "" : interfaces()[route.interface]->name();
    out.add(std::move(route), name());
  };
  for (const auto& subnet : vpc_->subnets()) {
    if (model_route(table, subnet->cidr()) != nullptr) continue;  // middlebox routing replaces `local` here
    add(stack::Route{subnet->cidr(), stack::RouteType::unicast, {}, subnet->router_interface(), {},
                     stack::RouteOrigin::connected, subnet->router_address()});
  }
  // Addresses of the VPC's block that no subnet holds go nowhere.
  if (out.find_exact(vpc_->cidr()) == nullptr)
    add(stack::Route{vpc_->cidr(), stack::RouteType::blackhole, {}, stack::kNoRouteInterface, {}, stack::RouteOrigin::connected, {}});
  if (table == nullptr) return out;
  for (const CloudRoute& r : table->extra_routes()) {
    stack::Route route{r.destination, stack::RouteType::unicast, {}, stack::kNoRouteInterface, {},
                       stack::RouteOrigin::static_route, {}};
    if (!vpc_->target_alive(r.target)) {
      route.type = stack::RouteType::blackhole;
    } else {
      switch (r.target.kind) {
        case TargetKind::local: break;
        case TargetKind::internet_gateway:
          route.gateway = vpc_->internet_gateway()->vpc_side_address();
          route.interface = index_of(*find_interface("igw"));
          break;
        case TargetKind::nat_gateway: {
          const NatGateway& nat = *vpc_->find_nat_gateway(r.target.name);
          route.gateway = nat.private_ip();
          route.interface = nat.subnet().router_interface();
          break;
        }
        case TargetKind::instance: {
          const Instance& instance = *vpc_->find_instance(r.target.name);
          route.gateway = instance.private_ip();
          route.interface = instance.subnet().router_interface();
          break;
        }
        case TargetKind::peering_connection: {
          const VpcPeering& peering = *vpc_->find_peering(r.target.name);
          route.gateway = peering.peer_address_for(*vpc_);
          route.interface = peering.interface_of(*vpc_);
          break;
        }
      }
    }
    add(std::move(route));
  }
  return out;
}

void VpcRouter::rebuild() {
  tables_.clear();
  tables_.emplace(nullptr, compile(nullptr));
  for (const auto& table : vpc_->route_tables()) tables_.emplace(table.get(), compile(table.get()));
  by_interface_.assign(interfaces().size(), nullptr);
  for (std::uint32_t i = 0; i < interfaces().size(); ++i) by_interface_[i] = &tables_.at(table_for(i));
  stale_ = false;
}

const stack::RoutingTable& VpcRouter::forwarding_table(const link::Interface& in) const {
  return *by_interface_[index_of(in)];
}

void VpcRouter::record(std::uint64_t packet_id, ComponentKind kind, std::string component, DecisionAction action,
                       std::string detail, ReasonCode code, std::string suggestion) {
  vpc_->cloud().decisions().record(Decision{packet_id, network().now(), kind, std::move(component), action,
                                            std::move(detail), code, std::move(suggestion)});
}

std::string VpcRouter::table_label(const RouteTable* table, const link::Interface& in) {
  return table != nullptr ? table->name() : "local routes (from " + in.name() + ")";
}

void VpcRouter::refuse_unroutable(link::Interface& in, wire::Ipv4Address dst, const RouteTable* table,
                                  const stack::Route* route, std::uint64_t id) {
  const std::string table_name = table_label(table, in);
  // A route the user added whose target is gone; else no route, or the block of the VPC outside its subnets.
  if (route != nullptr && route->origin == stack::RouteOrigin::static_route) {
    const CloudRoute& chosen = *model_route(table, route->destination);
    const std::string why = "route " + chosen.to_string() + " is a blackhole: " + std::string(to_string(chosen.target.kind)) +
                            " " + chosen.target.name + " is gone";
    drop(&in, trace::DropReason::blackhole_route, id, why + " (route table " + table_name + ")");
    record(id, ComponentKind::route_table, table_name, DecisionAction::dropped, why, ReasonCode::route_blackhole,
           "point " + chosen.destination.to_string() + " in route table " + table_name + " at a target that exists");
    return;
  }
  std::string why = route == nullptr ? "no route to " + dst.to_string() + " in route table " + table_name
                                     : dst.to_string() + " is in VPC " + vpc_->name() + "'s block but in none of its subnets";
  std::string fix = "add a route for " + dst.to_string() + " to route table " + table_name;
  const bool from_igw = table == nullptr && in.name() == "igw";
  const bool from_peering = table == nullptr && !from_igw;
  if (from_igw) {
    why += ": traffic from the internet gateway is routed by the local route only";
    fix = "the destination must be in VPC " + vpc_->name() + "'s subnets";
  } else if (from_peering) {
    why += ": traffic from peering connection " + in.name() + " is routed by the local route only (VPC peering is not transitive)";
    fix = "peer the two VPCs directly (peering is not transitive)";
  }
  drop(&in, route == nullptr ? trace::DropReason::no_route : trace::DropReason::blackhole_route, id, why);
  record(id, from_peering ? ComponentKind::peering_connection : ComponentKind::route_table,
         from_peering ? in.name() : table_name, DecisionAction::dropped, why,
         from_peering ? ReasonCode::pcx_requires_address_in_vpc_cidr : ReasonCode::no_route_to_destination, fix);
}

bool VpcRouter::prerouting(link::Interface& in, wire::Frame& frame) {
  if (stale_) rebuild();
  from_subnet_ = nullptr;
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  const auto packet = PacketSummary::of(ip);
  if (!packet) return true;
  const std::uint64_t id = frame.meta().packet_id;
  const bool explaining = vpc_->cloud().decisions().active();
  if (is_local_address(ip.dst())) {
    drop(&in, trace::DropReason::vpc_router_refused, id, "the VPC router answers only ARP: " + packet->to_string());
    record(id, ComponentKind::vpc_router, name(), DecisionAction::dropped, ip.dst().to_string() + " is the VPC router, which answers only ARP",
           ReasonCode::vpc_router_no_answer);
    return false;
  }
  const std::uint32_t index = index_of(in);
  const RouteTable* table = table_for(index);
  const stack::Route* route = by_interface_[index]->lookup(ip.dst());
  if (route == nullptr || route->type == stack::RouteType::blackhole) {
    refuse_unroutable(in, ip.dst(), table, route, id);
    return false;
  }
  if (explaining) {
    const CloudRoute* chosen = model_route(table, route->destination);
    record(id, ComponentKind::route_table, table_label(table, in), DecisionAction::routed,
           chosen != nullptr ? chosen->to_string() : vpc_->cidr().to_string() + " -> local");
  }
  from_subnet_ = subnet_on(index);
  const Subnet* to_subnet = subnet_on(route->interface);
  if (from_subnet_ != nullptr && from_subnet_ != to_subnet && !check_acl(*from_subnet_, false, *packet, ip.total_len(), id, in))
    return false;
  return true;
}

bool VpcRouter::postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) {
  (void)next_hop;
  if (!forwarded) return true;
  const Subnet* to_subnet = subnet_on(index_of(out));
  if (to_subnet == nullptr || to_subnet == from_subnet_) return true;
  const wire::Ipv4View ip = *wire::ipv4_of_frame(frame);
  const auto packet = PacketSummary::of(ip);
  return !packet || check_acl(*to_subnet, true, *packet, ip.total_len(), frame.meta().packet_id, out);
}

bool VpcRouter::check_acl(const Subnet& subnet, bool inbound, const PacketSummary& packet, std::uint32_t ip_bytes,
                          std::uint64_t packet_id, const link::Interface& interface) {
  const NetworkAcl& acl = subnet.network_acl();
  const AclDirection direction = inbound ? AclDirection::inbound : AclDirection::outbound;
  const AclRule* rule = acl.decide(direction, packet);
  const bool explaining = vpc_->cloud().decisions().active();
  if (rule != nullptr && rule->allow && !explaining) return true;  // the per-packet path: no strings
  // A denied inbound packet is a REJECT in the destination interface's flow log (outbound ones the
  // sending instance logged as it let them go, from the same ACL).
  if (inbound && (rule == nullptr || !rule->allow))
    if (FlowLogWriter* logs = vpc_->cloud().flow_logs()) logs->inbound_acl_denied(network().now(), packet, ip_bytes);
  const AclVerdict verdict = acl.evaluate(direction, packet);
  const std::string side = std::string(to_string(direction)) + " (subnet " + subnet.name() + ")";
  if (verdict.allowed) {
    record(packet_id, ComponentKind::network_acl, acl.name(), DecisionAction::allowed, side + " " + verdict.description);
    return true;
  }
  drop(&interface, trace::DropReason::acl_denied, packet_id,
       "network ACL " + acl.name() + " " + side + " denies " + packet.to_string() + ": " + verdict.description);
  record(packet_id, ComponentKind::network_acl, acl.name(), DecisionAction::denied, side + " " + verdict.description + " denies " +
         packet.to_string(), ReasonCode::subnet_acl_restriction, acl_rule_to_add(acl, direction, packet, verdict));
  return false;
}

}  // namespace vpcsim::cloud
