// The implicit VPC router: one interface on every subnet (at base+1), one towards the internet gateway,
// one per peering connection. It routes a packet by the route table of the subnet it comes from
// (traffic from the internet gateway or a peering connection: by the `local` route only, so peering
// is not transitive), and applies network ACLs where traffic crosses a subnet's boundary: the source
// subnet's outbound rules as the packet leaves it, the destination subnet's inbound rules as it
// enters. As in AWS, it refuses silently (no ICMP errors), does not decrement the TTL, and answers
// nothing addressed to itself except ARP.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/decision.h"
#include "libnet/node/ip_node.h"
#include "libnet/stack/routing_table.h"

namespace vpcsim::cloud {

class Vpc;
class Subnet;
class RouteTable;
struct PacketSummary;

class VpcRouter final : public node::IpNode {
 public:
  VpcRouter(node::Network& network, std::uint32_t id, std::string name, Vpc& vpc);

  Vpc& vpc() const { return *vpc_; }
  /// Records which subnet an interface is on (called as subnets are added).
  void attach_subnet(std::uint32_t interface, Subnet& subnet);
  /// The model changed: tables are rebuilt before the next packet.
  void invalidate() { stale_ = true; }
  /// The compiled table of a route table (for tests and tables): what the router forwards by.
  const stack::RoutingTable& compiled(const RouteTable& table);

 protected:
  bool prerouting(link::Interface& in, wire::Frame& frame) override;
  bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) override;
  const stack::RoutingTable& forwarding_table(const link::Interface& in) const override;
  bool decrements_ttl() const override { return false; }

 private:
  void rebuild();
  stack::RoutingTable compile(const RouteTable* table) const;
  /// The route table a packet arriving on `in` is routed by; nullptr: `local` only.
  const RouteTable* table_for(std::uint32_t interface) const;
  Subnet* subnet_on(std::uint32_t interface) const {
    return interface < subnets_.size() ? subnets_[interface] : nullptr;
  }
  void record(std::uint64_t packet_id, ComponentKind kind, std::string component, DecisionAction action,
              std::string detail, ReasonCode code = ReasonCode::none, std::string suggestion = {});
  static std::string table_label(const RouteTable* table, const link::Interface& in);
  /// Drops and explains a packet with no route, or whose route is a blackhole.
  void refuse_unroutable(link::Interface& in, wire::Ipv4Address dst, const RouteTable* table, const stack::Route* route,
                         std::uint64_t id);
  bool check_acl(const Subnet& subnet, bool inbound, const PacketSummary& packet, std::uint32_t ip_bytes,
                 std::uint64_t packet_id, const link::Interface& interface);

  Vpc* vpc_;
  bool stale_ = true;
  std::vector<Subnet*> subnets_;  ///< by interface index; nullptr for the gateway and peering links
  std::map<const RouteTable*, stack::RoutingTable> tables_;  ///< nullptr key: `local` only
  std::vector<const stack::RoutingTable*> by_interface_;
  Subnet* from_subnet_ = nullptr;  ///< between the hooks: the subnet the packet came from
};

}  // namespace vpcsim::cloud
