// A host the cloud layer knows: an internet host, or (as the Instance subclass) an EC2 instance. It is
// an ordinary IPv4 host (node::IpNode without forwarding) that also tells `explain` when a packet leaves
// it and when one reaches it.
#pragma once

#include <string>

#include "libnet/cloud/decision.h"
#include "libnet/node/ip_node.h"

namespace vpcsim::cloud {

class Cloud;
struct PacketSummary;

class Endpoint : public node::IpNode {
 public:
  Endpoint(node::Network& network, std::uint32_t id, std::string name, Cloud& cloud);

  Cloud& cloud() const { return *cloud_; }
  /// How explain names this endpoint's hops.
  virtual ComponentKind component_kind() const { return ComponentKind::internet_host; }
  /// Whether admit_inbound/admit_outbound may refuse anything: when not, and nobody is explaining,
  /// the hooks do not even read the packet.
  virtual bool filters() const { return false; }
  /// Whether the endpoint is still there (a terminated instance is not).
  virtual bool alive() const { return true; }

 protected:
  bool prerouting(link::Interface& in, wire::Frame& frame) override;
  bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) override;
  /// Instances check their security groups and source/destination check here; `local` says whether
  /// the packet is for this endpoint. Return false after recording why the packet was dropped.
  virtual bool admit_inbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool local,
                             std::uint64_t packet_id);
  virtual bool admit_outbound(const wire::Ipv4View& ip, const PacketSummary& packet, bool forwarded,
                              std::uint64_t packet_id);
  void record(std::uint64_t packet_id, ComponentKind kind, std::string component, DecisionAction action,
              std::string detail, ReasonCode code = ReasonCode::none, std::string suggestion = {});

 private:
  Cloud* cloud_;
};

}  // namespace vpcsim::cloud
