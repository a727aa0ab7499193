// An EC2 instance: one network interface ("eth0") in a subnet, a private address, optionally a public
// one (mapped 1:1 by the VPC's internet gateway), security groups, and the source/destination check.
//
// Security groups are enforced here, at the interface, in both directions, and statefully: the first
// packet of a flow must match an ingress (or egress) rule; after that the flow is tracked and its
// packets pass both ways whatever the rules say, until it has been idle for AWS's tracking timeout
// (TCP established 5 days, UDP 30 s one way or 180 s as a stream, ICMP 30 s). ICMP errors about a
// tracked flow pass too. With the source/destination check on (the default) the instance drops a
// packet not addressed to it and never sends one whose source is not its own; a NAT instance turns
// the check off and forwarding on.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/endpoint.h"
#include "libnet/cloud/security_group.h"
#include "libnet/stack/conntrack.h"

namespace vpcsim::cloud {

class Subnet;
class EniFlowLog;

class Instance final : public Endpoint {
 public:
  Instance(node::Network& network, std::uint32_t id, std::string name, Subnet& subnet);

  Subnet& subnet() const { return *subnet_; }
  wire::Ipv4Address private_ip() const { return primary_address(); }
  std::optional<wire::Ipv4Address> public_ip() const { return public_ip_; }
  void set_public_ip(wire::Ipv4Address address) { public_ip_ = address; }

  const std::vector<SecurityGroup*>& security_groups() const { return groups_; }
  void add_security_group(SecurityGroup& group);
  bool source_dest_check() const { return source_dest_check_; }
  void set_source_dest_check(bool on) { source_dest_check_ = on; }

  ComponentKind component_kind() const override { return ComponentKind::instance; }
  bool filters() const override { return true; }
  bool alive() const override { return !terminated_; }
  void terminate() { terminated_ = true; }

  /// The security groups' connection tracking (created on the first packet).
  const stack::ConnTrack* tracked_connections() const { return tracking_.get(); }
  /// AWS's security-group tracking timeouts.
  static stack::ConnTrackTimeouts tracking_timeouts();

  /// The interface's flow log (cloud/flow_log_writer.h), or nullptr: told of every packet the
  /// security groups (and, leaving the subnet, its network ACL) accept or reject.
  EniFlowLog* flow_log() const { return flow_log_; }
  void set_flow_log(EniFlowLog* log) { flow_log_ = log; }

 protected:
  bool admit_inbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool local,
                     std::uint64_t packet_id) override;
  bool admit_outbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool forwarded,
                      std::uint64_t packet_id) override;

 private:
  /// Passes a packet of a tracked flow (or an ICMP error about one); false: not tracked.
  bool pass_tracked(const wire::Ipv4View& ip, std::uint64_t packet_id, Direction direction);
  bool check_rules(const wire::Ipv4View& ip, const PacketSummary& packet, std::uint64_t packet_id, Direction direction);
  bool decide_inbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool local, std::uint64_t packet_id);
  bool decide_outbound(const PacketSummary& packet, const wire::Ipv4View& ip, bool forwarded, std::uint64_t packet_id);
  /// Whether the subnet's network ACL lets `packet` leave (true for a destination inside the subnet).
  bool acl_lets_out(const PacketSummary& packet) const;
  stack::ConnTrack& tracking();
  std::string group_names() const;

  Subnet* subnet_;
  std::vector<SecurityGroup*> groups_;
  std::optional<wire::Ipv4Address> public_ip_;
  bool source_dest_check_ = true;
  bool terminated_ = false;
  std::unique_ptr<stack::ConnTrack> tracking_;
  EniFlowLog* flow_log_ = nullptr;
};

}  // namespace vpcsim::cloud
