#include "libnet/cloud/instance.h"

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/network_acl.h"
#include "libnet/cloud/packet_summary.h"
#include "libnet/cloud/subnet.h"
#include "libnet/cloud/vpc.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/stack/flow_tuple.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::cloud {
namespace {

std::uint8_t tcp_flags_of(const PacketSummary& packet) { return packet.protocol == wire::kIpProtoTcp ? packet.tcp_flags : 0; }

/// What to add so that `packet` passes `direction`: a rule for exactly this traffic and peer.
std::string rule_to_add(const SecurityGroup& group, Direction direction, const PacketSummary& packet) {
  std::string traffic = stack::protocol_name(packet.protocol);
  if (packet.protocol == wire::kIpProtoTcp || packet.protocol == wire::kIpProtoUdp)
    traffic += " " + std::to_string(packet.destination_port);
  const bool ingress = direction == Direction::ingress;
  std::string text = "add an ";
  text += ingress ? "ingress" : "egress";
  text += " rule to " + group.name() + ": " + traffic + (ingress ? " from " : " to ") +
          (ingress ? packet.source : packet.destination).to_string() + "/32";
  if (ingress) text += " (or from a group the source is in)";
  return text;
}

}  // namespace

Instance::Instance(node::Network& network, std::uint32_t id, std::string name, Subnet& subnet)
    : Endpoint(network, id, std::move(name), subnet.vpc().cloud()), subnet_(&subnet) {}

void Instance::add_security_group(SecurityGroup& group) {
  // AWS: an instance's groups are its VPC's. A group of another VPC (or of another Cloud's namesake
  // VPC, which may be freed first) is refused rather than kept by pointer.
  if (group.owner() != &subnet().vpc())
    throw core::ConfigError(name(), "security_groups",
                            "group " + group.name() + " belongs to VPC " + group.vpc() +
                                (group.vpc() == subnet().vpc().name() ? " of another Cloud" : "") + ", not to VPC " +
                                subnet().vpc().name() + " of instance " + name());
  for (const SecurityGroup* g : groups_)
    if (g == &group) return;
  groups_.push_back(&group);
  for (const auto& iface : interfaces())
    for (const auto& a : iface->addresses()) group.add_member(a.address());
}

stack::ConnTrackTimeouts Instance::tracking_timeouts() {
  stack::ConnTrackTimeouts t;  // Linux's TCP state timeouts; AWS documents these three
  t.tcp_established = 432000 * core::kSecond;
  t.udp_unreplied = 30 * core::kSecond;
  t.udp_stream = 180 * core::kSecond;
  return t;
}

stack::ConnTrack& Instance::tracking() {
  if (!tracking_) tracking_ = std::make_unique<stack::ConnTrack>(network().simulation(), tracking_timeouts());
  return *tracking_;
}

std::string Instance::group_names() const {
  std::string names;
  for (const SecurityGroup* g : groups_) {
    if (!names.empty()) names += ", ";
    names += g->name();
  }
  return names;
}

bool Instance::admit_inbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool local, std::uint64_t packet_id) {
  const bool admitted = decide_inbound(ip, packet, local, packet_id);
  if (flow_log_ != nullptr) flow_log_->observe(network().now(), packet, ip.total_len(), admitted);
  return admitted;
}

bool Instance::admit_outbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool forwarded,
                              std::uint64_t packet_id) {
  const bool admitted = decide_outbound(packet, ip, forwarded, packet_id);
  // Logged once, where it leaves: the ACL's verdict is the router's to enforce, but it decides the record.
  if (flow_log_ != nullptr) flow_log_->observe(network().now(), packet, ip.total_len(), admitted && acl_lets_out(packet));
  return admitted;
}

bool Instance::acl_lets_out(const PacketSummary& packet) const {
  if (subnet_->cidr().contains(packet.destination)) return true;  // ACLs are not evaluated within a subnet
  const AclRule* rule = subnet_->network_acl().decide(AclDirection::outbound, packet);
  return rule != nullptr && rule->allow;
}

bool Instance::decide_inbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool local, std::uint64_t packet_id) {
  if (terminated_) {
    drop(nullptr, trace::DropReason::not_connected, packet_id, name() + " is terminated");
    record(packet_id, ComponentKind::instance, name(), DecisionAction::dropped, "the instance is terminated", ReasonCode::packet_dropped);
    return false;
  }
  if (!local && source_dest_check_) {
    drop(nullptr, trace::DropReason::source_dest_check, packet_id,
         packet.to_string() + " is not addressed to " + name() + ", whose source/destination check is on");
    record(packet_id, ComponentKind::instance, name(), DecisionAction::dropped,
           "the packet is for " + packet.destination.to_string() + ", not " + name() + ", and its source/destination check is on",
           ReasonCode::eni_source_dest_check_restriction,
           "turn off the source/destination check on " + name() + " (a NAT instance or router must)");
    return false;
  }
  return pass_tracked(ip, packet_id, Direction::ingress) || check_rules(ip, packet, packet_id, Direction::ingress);
}

bool Instance::decide_outbound(const PacketSummary& packet, const wire::Ipv4View& ip, bool forwarded,
                               std::uint64_t packet_id) {
  if (terminated_) return false;
  if (source_dest_check_ && (forwarded || !is_local_address(packet.source))) {
    drop(nullptr, trace::DropReason::source_dest_check, packet_id,
         name() + " may not send " + packet.to_string() + ": its source/destination check is on");
    record(packet_id, ComponentKind::instance, name(), DecisionAction::dropped,
           "the source " + packet.source.to_string() + " is not " + name() + "'s and its source/destination check is on",
           ReasonCode::eni_source_dest_check_restriction,
           "turn off the source/destination check on " + name() + " (a NAT instance or router must)");
    return false;
  }
  return pass_tracked(ip, packet_id, Direction::egress) || check_rules(ip, packet, packet_id, Direction::egress);
}

bool Instance::pass_tracked(const wire::Ipv4View& ip, std::uint64_t packet_id, Direction direction) {
  if (!tracking_) return false;
  std::optional<stack::ConnTrack::Match> match;
  std::uint8_t flags = 0;
  if (auto tuple = stack::flow_tuple_of(ip)) {
    match = tracking_->find(*tuple);
    if (const auto tcp = wire::TcpView::parse(ip.payload()); match && tuple->protocol == wire::kIpProtoTcp && tcp)
      flags = tcp->flags();
    if (match) tracking_->update(match->entry, match->direction, flags);
  } else if (auto quoted = stack::quoted_flow_tuple_of(ip)) {
    match = tracking_->find(*quoted);  // an ICMP error about a tracked flow is part of it
  }
  if (!match) return false;
  if (cloud().decisions().active())
    record(packet_id, ComponentKind::security_group, group_names(), DecisionAction::allowed,
           std::string(to_string(direction)) + ": part of tracked connection " +
               tracking_->entry(match->entry).original.to_string());
  return true;
}

bool Instance::check_rules(const wire::Ipv4View& ip, const PacketSummary& packet, std::uint64_t packet_id,
                           Direction direction) {
  for (const SecurityGroup* group : groups_) {
    const SgRule* rule = group->match(direction, packet);
    if (rule == nullptr) continue;
    if (cloud().decisions().active())
      record(packet_id, ComponentKind::security_group, group->name(), DecisionAction::allowed,
             std::string(to_string(direction)) + " rule: " + rule->to_string(direction));
    // TCP, UDP and ICMP echo flows are tracked; their replies pass whatever the rules say.
    if (auto flow = stack::flow_tuple_of(ip); flow && !tracking().in_use(*flow) && !tracking().in_use(flow->inverse()))
      tracking().insert(*flow, flow->inverse(), tcp_flags_of(packet));
    return true;
  }
  const std::string groups = group_names();
  drop(nullptr, trace::DropReason::security_group_denied, packet_id,
       "no " + std::string(to_string(direction)) + " rule of " + groups + " (" + name() + ") allows " + packet.to_string());
  record(packet_id, ComponentKind::security_group, groups, DecisionAction::denied,
         "no " + std::string(to_string(direction)) + " rule allows " + packet.to_string(), ReasonCode::eni_sg_rules_mismatch,
         rule_to_add(*groups_.front(), direction, packet));
  return false;
}

}  // namespace vpcsim::cloud
