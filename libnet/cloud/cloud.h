// The cloud layer's entry point: AWS-style VPCs, the internet outside them, peering between them, and
// `explain`. A Cloud compiles everything onto the nodes of one node::Network as it is described, and
// belongs to that network (Cloud::attach), so it lives exactly as long as the nodes that use it.
//
//   node::Network net;
//   cloud::Cloud& cloud = cloud::Cloud::attach(net);
//   cloud::Vpc& vpc = cloud.add_vpc("main", Ipv4Prefix::parse("10.0.0.0/16"));
//   cloud::Subnet& pub = vpc.add_subnet("public-a", Ipv4Prefix::parse("10.0.1.0/24"));
//   vpc.attach_internet_gateway("igw-main");
//   cloud::RouteTable& rt = vpc.add_route_table("public");
//   rt.add_route(Ipv4Prefix(), {cloud::TargetKind::internet_gateway, "igw-main"});
//   pub.associate(rt);
//   vpc.add_instance("web", pub, {.auto_public_ip = true});
//   cloud.add_internet_host("ext", Ipv4Address::parse("203.0.113.10"));
//   cloud::ExplainAnswer a = cloud.explain({"ext", "web", "tcp", 80});
//
// What it builds (names are stable; pcaps are named after them):
//   per VPC       "<vpc>-router": one interface per subnet (named after the subnet, at base+1), one
//                 "igw" towards the internet gateway, one per peering connection (named after it)
//   per subnet    a switch named after the subnet
//   instances     a node named after the instance, interface "eth0", MTU 9001
//   gateways      internet gateway "<name>" with interfaces "vpc" and "internet"; NAT gateway
//                 "<name>" with interface "eth0" in its subnet
//   the internet  router "internet" (created on first use), a switch "internet-<a>-<b>-<c>" per /24
//                 of internet hosts, with the router at .1 (or .254 when a host has .1)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/decision.h"
#include "libnet/cloud/explain.h"
#include "libnet/cloud/flow_log_config.h"
#include "libnet/cloud/vpc.h"
#include "libnet/cloud/vpc_peering.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::node {
class Network;
class Router;
class Switch;
class IpNode;
}  // namespace vpcsim::node

namespace vpcsim::cloud {

class Endpoint;
class FlowLogWriter;

struct ElasticIp {
  std::string name;
  wire::Ipv4Address address;
  std::string associated_with;  ///< instance or NAT gateway; empty while unassociated
};

class Cloud {
 public:
  /// The MTU through an internet gateway (and on the internet side).
  static constexpr std::uint32_t kInternetMtu = 1500;

  /// A new Cloud owned by `network` (destroyed with it, after its nodes). Throws core::ConfigError if
  /// the network has one already.
  static Cloud& attach(node::Network& network);
  explicit Cloud(node::Network& network);
  Cloud(const Cloud&) = delete;
  Cloud& operator=(const Cloud&) = delete;
  ~Cloud();

  node::Network& network() const { return *network_; }

  /// Throws core::ConfigError naming the VPC and field for a block shorter than /16 or longer than
  /// /28, or a name in use.
  Vpc& add_vpc(const std::string& name, wire::Ipv4Prefix cidr);
  Vpc& vpc(const std::string& name) const;
  Vpc* find_vpc(const std::string& name) const;
  const std::vector<std::unique_ptr<Vpc>>& vpcs() const { return vpcs_; }

  /// A host on the internet, outside every VPC. Throws ConfigError for an address inside a VPC's block,
  /// or one that is a public address of the cloud, or taken.
  Endpoint& add_internet_host(const std::string& name, wire::Ipv4Address address);
  const std::vector<Endpoint*>& internet_hosts() const { return internet_hosts_; }
  /// The router that is the internet (created on first use).
  node::Router& internet_router();

  /// Peers two VPCs. Throws ConfigError for overlapping blocks, a VPC peered with itself, or a
  /// second peering between the same two.
  VpcPeering& add_peering(const std::string& name, Vpc& requester, Vpc& accepter);
  VpcPeering* find_peering(const std::string& name) const;

  /// An Elastic IP from the pool (198.51.100.0/24 upwards from .100, skipping addresses in use).
  ElasticIp& allocate_elastic_ip(const std::string& name = {});
  const std::vector<std::unique_ptr<ElasticIp>>& elastic_ips() const { return elastic_ips_; }
  /// Records `address` as a public address of `owner`; ConfigError if another owner has it, or it
  /// lies in a VPC's block or on an internet host.
  void claim_public_address(wire::Ipv4Address address, const std::string& owner, const std::string& field);

  /// The address `to` (a node name or an address) has when seen from node `from`: an instance's
  /// private address from its own or a peered VPC, its public address from anywhere else (its private
  /// one if it has none).
  wire::Ipv4Address address_of(const std::string& to, const std::string& from) const;

  /// Sends a probe and explains what happened to it and its reply (cloud/explain.h). Runs the network
  /// for up to `window` of simulated time; best on a network whose other traffic is done.
  ExplainAnswer explain(const ExplainQuery& query, core::Time window = 5 * core::kSecond);

  DecisionLog& decisions() { return decisions_; }

  /// Turns VPC Flow Logs on (cloud/flow_log_writer.h); then watch instances on the writer. A second
  /// call returns the same writer, with a ConfigError if `config` differs in interval or account.
  FlowLogWriter& enable_flow_logs(const FlowLogConfig& config = {});
  /// The flow logs, or nullptr when off (the VPC router's ACL check asks per denied packet).
  FlowLogWriter* flow_logs() const { return flow_logs_.get(); }

  /// Internal wiring, used by Vpc: a fresh /30 of link-local (169.254/16) or shared (100.64/10)
  /// space for a point-to-point link the cloud creates.
  wire::Ipv4Prefix next_link_block();
  wire::Ipv4Prefix next_internet_link_block();
  /// Internal: the internet router learns (or forgets) that `public_address` is behind `via`.
  void route_public_address(wire::Ipv4Address public_address, wire::Ipv4Address via);
  /// Internal: an internet gateway's link to the internet router; returns the router's address on it.
  wire::Ipv4Address connect_to_internet(node::IpNode& gateway, const std::string& interface);

 private:
  node::Network* network_;
  std::vector<std::unique_ptr<Vpc>> vpcs_;
  std::vector<std::unique_ptr<VpcPeering>> peerings_;
  std::vector<std::unique_ptr<ElasticIp>> elastic_ips_;
  std::vector<Endpoint*> internet_hosts_;
  node::Router* internet_router_ = nullptr;
  std::map<std::uint32_t, node::Switch*> internet_segments_;  ///< by /24 network
  std::map<std::uint32_t, std::string> public_addresses_;     ///< address -> owner
  std::uint32_t next_link_ = 0;
  std::uint32_t next_internet_link_ = 0;
  std::uint32_t next_elastic_ip_ = 100;
  DecisionLog decisions_;
  std::unique_ptr<FlowLogWriter> flow_logs_;
};

}  // namespace vpcsim::cloud
