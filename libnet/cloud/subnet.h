// An AWS subnet: a block inside its VPC (/16 to /28) on which instances, NAT gateways and the VPC
// router's interface live. AWS reserves five addresses in every subnet: the network address, base+1
// (the VPC router), base+2 (DNS), base+3 (reserved for future use) and the last one; assigning any of
// them is an error, so a /28 has 11 usable addresses.
//
// vpcsim models the subnet as a LAN: a learning switch (named after the subnet) joins the instances
// and the VPC router, and hosts resolve each other and the router with real ARP, as Linux guests do.
// AWS's fabric answers ARP itself and has no broadcast; the frames on the wire differ there
// (docs/cloud.md, "Where vpcsim simplifies").
#pragma once

#include <cstdint>
#include <optional>
#include <map>
#include <string>

#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::node {
class Switch;
}

namespace vpcsim::cloud {

class Vpc;
class RouteTable;
class NetworkAcl;

class Subnet {
 public:
  Subnet(Vpc& vpc, std::string name, wire::Ipv4Prefix cidr, node::Switch& lan, std::uint32_t router_interface);

  const std::string& name() const { return name_; }
  const wire::Ipv4Prefix& cidr() const { return cidr_; }
  Vpc& vpc() const { return *vpc_; }
  /// The learning switch that is the subnet's LAN.
  node::Switch& lan() const { return *lan_; }
  /// The VPC router's interface on this subnet (an index into its interfaces).
  std::uint32_t router_interface() const { return router_interface_; }

  /// The associated route table, else the VPC's main table.
  RouteTable& route_table() const;
  bool has_explicit_route_table() const { return route_table_ != nullptr; }
  void associate(RouteTable& table);
  /// The associated network ACL, else the VPC's default ACL.
  NetworkAcl& network_acl() const;
  void set_network_acl(NetworkAcl& acl);

  wire::Ipv4Address router_address() const { return offset(1); }
  /// nullopt for an address AWS does not reserve; else what it is for ("the VPC router").
  std::optional<std::string> reserved_role(wire::Ipv4Address address) const;
  /// Addresses instances can have: the block minus the five reserved.
  std::uint64_t usable_addresses() const { return cidr_.num_addresses() - 5; }
  std::uint64_t free_addresses() const { return usable_addresses() - used_.size(); }

  /// Takes `wanted` (or, when empty, the lowest free address) for `owner`. Throws core::ConfigError
  /// naming `owner` and `field` for an address outside the subnet, a reserved one, one in use, or a
  /// full subnet.
  wire::Ipv4Address allocate(std::optional<wire::Ipv4Address> wanted, const std::string& owner,
                             const std::string& field);
  void release(wire::Ipv4Address address) { used_.erase(address.to_u32()); }

 private:
  wire::Ipv4Address offset(std::uint32_t n) const { return wire::Ipv4Address(cidr_.network().to_u32() + n); }

  Vpc* vpc_;
  std::string name_;
  wire::Ipv4Prefix cidr_;
  node::Switch* lan_;
  std::uint32_t router_interface_;
  RouteTable* route_table_ = nullptr;
  NetworkAcl* network_acl_ = nullptr;
  std::map<std::uint32_t, std::string> used_;  ///< address -> owner
};

}  // namespace vpcsim::cloud
