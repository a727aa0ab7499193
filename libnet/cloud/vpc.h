// An AWS VPC: a block from /16 to /28, its subnets, route tables (one of them main), network ACLs (one
// of them the default), security groups (one of them the default), at most one internet gateway,
// NAT gateways, instances, and the implicit VPC router that joins the subnets (base+1 on each).
//
// Everything is compiled onto nodes as it is added (a switch per subnet, a node per instance and
// gateway, one VpcRouter) and the rules stay live: changing a route, a group or an ACL after
// building changes what the next packet meets, as in AWS.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/network_acl.h"
#include "libnet/cloud/route_table.h"
#include "libnet/cloud/security_group.h"
#include "libnet/cloud/subnet.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::cloud {

class Cloud;
class Instance;
class InternetGateway;
class NatGateway;
class VpcRouter;
class VpcPeering;

struct InstanceOptions {
  std::optional<wire::Ipv4Address> ip{};       ///< empty: the subnet's lowest free address
  std::optional<wire::Ipv4Address> public_ip{};  ///< a public (Elastic) address the user chose
  bool auto_public_ip = false;                 ///< a public address from the cloud's pool
  std::vector<std::string> security_groups{};  ///< empty: the VPC's default group
  bool source_dest_check = true;               ///< AWS's default; a NAT instance turns it off
};

class Vpc {
 public:
  static constexpr int kMinPrefixLength = 16;
  static constexpr int kMaxPrefixLength = 28;
  static constexpr std::uint32_t kMtu = 9001;  ///< jumbo frames inside a VPC

  Vpc(Cloud& cloud, std::string name, wire::Ipv4Prefix cidr);
  ~Vpc();

  Cloud& cloud() const { return *cloud_; }
  const std::string& name() const { return name_; }
  const wire::Ipv4Prefix& cidr() const { return cidr_; }
  VpcRouter& router() const { return *router_; }
  /// The Amazon DNS resolver: the VPC's base address plus two.
  wire::Ipv4Address dns_address() const { return wire::Ipv4Address(cidr_.network().to_u32() + 2); }

  /// Throws core::ConfigError naming the subnet and field for a block outside the VPC, shorter than
  /// /16 or longer than /28, overlapping another subnet, or a name in use.
  Subnet& add_subnet(const std::string& name, wire::Ipv4Prefix cidr);
  Subnet& subnet(const std::string& name) const;  ///< throws ConfigError naming the subnets there are
  Subnet* find_subnet(const std::string& name) const;
  const std::vector<std::unique_ptr<Subnet>>& subnets() const { return subnets_; }
  /// The subnet holding `address`, or nullptr.
  Subnet* subnet_of(wire::Ipv4Address address) const;

  RouteTable& main_route_table() const { return *route_tables_.front(); }
  RouteTable& add_route_table(const std::string& name);
  RouteTable& route_table(const std::string& name) const;
  const std::vector<std::unique_ptr<RouteTable>>& route_tables() const { return route_tables_; }

  NetworkAcl& default_network_acl() const { return *network_acls_.front(); }
  NetworkAcl& add_network_acl(const std::string& name);
  NetworkAcl& network_acl(const std::string& name) const;
  const std::vector<std::unique_ptr<NetworkAcl>>& network_acls() const { return network_acls_; }

  SecurityGroup& default_security_group() const { return *security_groups_.front(); }
  SecurityGroup& add_security_group(const std::string& name);
  SecurityGroup& security_group(const std::string& name) const;
  SecurityGroup* find_security_group(const std::string& name) const;
  const std::vector<std::unique_ptr<SecurityGroup>>& security_groups() const { return security_groups_; }

  /// One per VPC (ConfigError for a second).
  InternetGateway& attach_internet_gateway(const std::string& name);
  InternetGateway* internet_gateway() const { return internet_gateway_; }

  /// A NAT gateway in `subnet` with `public_ip` (else an Elastic IP from the cloud's pool).
  NatGateway& add_nat_gateway(const std::string& name, Subnet& subnet,
                              std::optional<wire::Ipv4Address> public_ip = std::nullopt);
  /// Deletes a NAT gateway: it stops forwarding, and routes to it become blackholes.
  void delete_nat_gateway(const std::string& name);
  NatGateway* find_nat_gateway(const std::string& name) const;
  const std::vector<NatGateway*>& nat_gateways() const { return nat_gateways_; }

  Instance& add_instance(const std::string& name, Subnet& subnet, const InstanceOptions& options = {});
  /// Terminates an instance: it stops answering, its addresses are released, routes to it become
  /// blackholes.
  void terminate_instance(const std::string& name);
  Instance* find_instance(const std::string& name) const;
  const std::vector<Instance*>& instances() const { return instances_; }

  const std::vector<VpcPeering*>& peerings() const { return peerings_; }
  /// The peering connection of this VPC named `name`, or nullptr.
  VpcPeering* find_peering(const std::string& name) const;

  /// Whether `target` names something that exists and is alive in this VPC (a route's state).
  bool target_alive(const RouteTarget& target) const;
  /// Whether `target` names something this VPC has or had (a route may be added to it).
  bool target_known(const RouteTarget& target) const;
  /// Something a route table or subnet depends on changed: the router recompiles before the next packet.
  void changed();

 private:
  friend class Cloud;
  void add_peering(VpcPeering& peering) { peerings_.push_back(&peering); }
  void check_free_name(const std::string& name, const std::string& what) const;
  /// The internet gateway maps `private_ip` to `public_ip` and the internet routes it there.
  void publish(wire::Ipv4Address private_ip, wire::Ipv4Address public_ip);

  Cloud* cloud_;
  std::string name_;
  wire::Ipv4Prefix cidr_;
  VpcRouter* router_;
  std::vector<std::unique_ptr<Subnet>> subnets_;
  std::vector<std::unique_ptr<RouteTable>> route_tables_;
  std::vector<std::unique_ptr<NetworkAcl>> network_acls_;
  std::vector<std::unique_ptr<SecurityGroup>> security_groups_;
  InternetGateway* internet_gateway_ = nullptr;
  std::vector<NatGateway*> nat_gateways_;
  std::vector<Instance*> instances_;
  std::vector<VpcPeering*> peerings_;
};

}  // namespace vpcsim::cloud
