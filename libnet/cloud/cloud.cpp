#include "libnet/cloud/cloud.h"

#include "libnet/cloud/endpoint.h"
#include "libnet/cloud/flow_log_writer.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"

namespace vpcsim::cloud {
namespace {

constexpr std::uint32_t kLinkLocalBase = 0xa9fe0000;     // 169.254.0.0/16: router <-> gateway, peering
constexpr std::uint32_t kSharedSpaceBase = 0x64400000;   // 100.64.0.0/10: gateway <-> internet
constexpr std::uint32_t kElasticIpPool = 0xc6336400;     // 198.51.100.0/24 (TEST-NET-2)

std::string segment_name(const char* prefix, std::uint32_t network) {
  std::string name = prefix;
  for (int shift = 24; shift >= 8; shift -= 8) {
    name += '-';
    name += std::to_string((network >> shift) & 0xff);
  }
  return name;
}

}  // namespace

namespace {
const char kCloudKind = 0;  // its address tags the network's one Cloud
}  // namespace

Cloud& Cloud::attach(node::Network& network) {
  auto cloud = std::make_shared<Cloud>(network);
  Cloud& ref = *cloud;
  network.keep_one(std::move(cloud), &kCloudKind, "cloud");
  return ref;
}

Cloud::Cloud(node::Network& network) : network_(&network) {}
Cloud::~Cloud() = default;

FlowLogWriter& Cloud::enable_flow_logs(const FlowLogConfig& config) {
  if (!flow_logs_) {
    flow_logs_ = std::make_unique<FlowLogWriter>(*this, config);
  } else if (flow_logs_->config().aggregation_interval != config.aggregation_interval ||
             flow_logs_->config().account_id != config.account_id) {
    throw core::ConfigError("flow_logs", "aggregation_interval", "flow logs are on already with another interval or account");
  }
  return *flow_logs_;
}

Vpc& Cloud::add_vpc(const std::string& name, wire::Ipv4Prefix cidr) {
  if (name.empty()) throw core::ConfigError("cloud", "vpcs", "a VPC needs a name");
  if (find_vpc(name) != nullptr) throw core::ConfigError(name, "name", "a VPC named '" + name + "' exists already");
  vpcs_.push_back(std::make_unique<Vpc>(*this, name, cidr));
  return *vpcs_.back();
}

Vpc& Cloud::vpc(const std::string& name) const {
  if (Vpc* found = find_vpc(name)) return *found;
  throw core::ConfigError("cloud", "vpcs", "no VPC named '" + name + "'");
}

Vpc* Cloud::find_vpc(const std::string& name) const {
  for (const auto& v : vpcs_)
    if (v->name() == name) return v.get();
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// The internet

node::Router& Cloud::internet_router() {
  if (internet_router_ == nullptr) internet_router_ = &network_->add_router("internet");
  return *internet_router_;
}

Endpoint& Cloud::add_internet_host(const std::string& name, wire::Ipv4Address address) {
  for (const auto& v : vpcs_)
    if (v->cidr().contains(address))
      throw core::ConfigError(name, "ip", address.to_string() + " is inside VPC " + v->name() + " (" +
                                              v->cidr().to_string() + "); internet hosts live outside every VPC");
  if (auto it = public_addresses_.find(address.to_u32()); it != public_addresses_.end())
    throw core::ConfigError(name, "ip", address.to_string() + " is the public address of " + it->second);
  if (network_->find_node(name) != nullptr)
    throw core::ConfigError(name, "name", "a node named '" + name + "' already exists");
  node::Router& router = internet_router();
  const wire::Ipv4Prefix segment = wire::Ipv4Prefix::containing(address, 24);
  const std::uint32_t base = segment.network().to_u32();
  auto found = internet_segments_.find(base);
  if (found == internet_segments_.end()) {
    node::Switch& lan = network_->add_switch(segment_name("internet", base));
    const wire::Ipv4Address gateway(address.to_u32() == base + 1 ? base + 254 : base + 1);
    const std::string port = segment_name("net", base);
    router.add_interface(port, wire::Ipv4InterfaceAddress(gateway, 24)).set_mtu(kInternetMtu);
    network_->connect(router.name() + "." + port, lan.name());
    found = internet_segments_.emplace(base, &lan).first;
  }
  wire::Ipv4Address gateway;
  for (const auto& iface : router.interfaces())
    for (const auto& a : iface->addresses())
      if (a.subnet() == segment) gateway = a.address();
  if (gateway == address)
    throw core::ConfigError(name, "ip", address.to_string() + " is the internet router's address on " + segment.to_string());
  Endpoint& host = network_->add_node<Endpoint>(name, *this);
  host.add_interface("eth0", wire::Ipv4InterfaceAddress(address, 24)).set_mtu(kInternetMtu);
  network_->connect(name + ".eth0", found->second->name());
  host.set_default_gateway(gateway);
  internet_hosts_.push_back(&host);
  return host;
}

wire::Ipv4Address Cloud::connect_to_internet(node::IpNode& gateway, const std::string& interface) {
  node::Router& router = internet_router();
  const wire::Ipv4Prefix block = next_internet_link_block();
  const wire::Ipv4Address router_address(block.network().to_u32() + 1);
  link::Interface& a = router.add_interface(gateway.name(), wire::Ipv4InterfaceAddress(router_address, 30));
  a.set_mtu(kInternetMtu);
  link::Interface& b =
      gateway.add_interface(interface, wire::Ipv4InterfaceAddress(wire::Ipv4Address(block.network().to_u32() + 2), 30));
  b.set_mtu(kInternetMtu);
  network_->connect(a, b);
  return router_address;
}

void Cloud::route_public_address(wire::Ipv4Address public_address, wire::Ipv4Address via) {
  node::Router& router = internet_router();
  const wire::Ipv4Prefix host(public_address, 32);
  router.remove_route(host);
  router.add_route(host, via);
}

wire::Ipv4Prefix Cloud::next_link_block() {
  if (next_link_ >= (1u << 14)) throw core::ConfigError("cloud", "links", "169.254.0.0/16 has no /30 left for links");
  return wire::Ipv4Prefix(wire::Ipv4Address(kLinkLocalBase + 4 * next_link_++), 30);
}

wire::Ipv4Prefix Cloud::next_internet_link_block() {
  if (next_internet_link_ >= (1u << 20)) throw core::ConfigError("cloud", "links", "100.64.0.0/10 has no /30 left");
  return wire::Ipv4Prefix(wire::Ipv4Address(kSharedSpaceBase + 4 * next_internet_link_++), 30);
}

// ---------------------------------------------------------------------------------------------
// Public addresses

void Cloud::claim_public_address(wire::Ipv4Address address, const std::string& owner, const std::string& field) {
  if (auto it = public_addresses_.find(address.to_u32()); it != public_addresses_.end())
    throw core::ConfigError(owner, field, address.to_string() + " is already the public address of " + it->second);
  for (const auto& v : vpcs_)
    if (v->cidr().contains(address))
      throw core::ConfigError(owner, field, address.to_string() + " is inside VPC " + v->name() + "'s block " +
                                                v->cidr().to_string() + ", not a public address");
  for (const Endpoint* host : internet_hosts_)
    if (host->primary_address() == address)
      throw core::ConfigError(owner, field, address.to_string() + " is internet host " + host->name() + "'s address");
  if (address.is_unspecified() || address.is_loopback() || address.is_limited_broadcast())
    throw core::ConfigError(owner, field, address.to_string() + " cannot be a public address");
  public_addresses_.emplace(address.to_u32(), owner);
}

ElasticIp& Cloud::allocate_elastic_ip(const std::string& name) {
  for (; next_elastic_ip_ < 255; ++next_elastic_ip_) {
    const wire::Ipv4Address candidate(kElasticIpPool + next_elastic_ip_);
    if (public_addresses_.contains(candidate.to_u32())) continue;
    bool on_host = false;
    for (const Endpoint* host : internet_hosts_) on_host = on_host || host->primary_address() == candidate;
    if (on_host) continue;
    ++next_elastic_ip_;
    const std::string eip_name = name.empty() ? "eip-" + std::to_string(elastic_ips_.size() + 1) : name;
    public_addresses_.emplace(candidate.to_u32(), eip_name);
    elastic_ips_.push_back(std::make_unique<ElasticIp>(ElasticIp{eip_name, candidate, {}}));
    return *elastic_ips_.back();
  }
  throw core::ConfigError("cloud", "elastic_ips", "the Elastic IP pool 198.51.100.100-254 is used up");
}

// ---------------------------------------------------------------------------------------------
// Peering

VpcPeering& Cloud::add_peering(const std::string& name, Vpc& requester, Vpc& accepter) {
  if (&requester == &accepter)
    throw core::ConfigError(name, "vpcs", "VPC " + requester.name() + " cannot be peered with itself");
  // A VPC of another Cloud lives in another Network: a link between the two would outlive one of them.
  for (const Vpc* v : {&requester, &accepter})
    if (&v->cloud() != this)
      throw core::ConfigError(name, "vpcs",
                              "VPC " + v->name() + " belongs to another Cloud (another Network) than the one asked to "
                                                   "peer it; peer VPCs of one Cloud (" + requester.name() + " and " +
                                  accepter.name() + ")");
  if (requester.cidr().overlaps(accepter.cidr()))
    throw core::ConfigError(name, "vpcs",
                            "VPC " + requester.name() + " (" + requester.cidr().to_string() + ") and VPC " + accepter.name() +
                                " (" + accepter.cidr().to_string() + ") overlap; peered VPCs cannot");
  if (find_peering(name) != nullptr) throw core::ConfigError(name, "name", "a peering named '" + name + "' exists already");
  for (const auto& p : peerings_)
    if (p->joins(requester) && p->joins(accepter))
      throw core::ConfigError(name, "vpcs", requester.name() + " and " + accepter.name() + " are peered already by " + p->name());
  const wire::Ipv4Prefix block = next_link_block();
  const wire::Ipv4Address a_address(block.network().to_u32() + 1);
  const wire::Ipv4Address b_address(block.network().to_u32() + 2);
  link::Interface& a = requester.router().add_interface(name, wire::Ipv4InterfaceAddress(a_address, 30));
  link::Interface& b = accepter.router().add_interface(name, wire::Ipv4InterfaceAddress(b_address, 30));
  a.set_mtu(Vpc::kMtu);
  b.set_mtu(Vpc::kMtu);
  network_->connect(a, b);
  peerings_.push_back(std::make_unique<VpcPeering>(name, requester, accepter, requester.router().index_of(a),
                                                   accepter.router().index_of(b), a_address, b_address));
  requester.add_peering(*peerings_.back());
  accepter.add_peering(*peerings_.back());
  requester.changed();
  accepter.changed();
  return *peerings_.back();
}

VpcPeering* Cloud::find_peering(const std::string& name) const {
  for (const auto& p : peerings_)
    if (p->name() == name) return p.get();
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Addresses as seen from somewhere

wire::Ipv4Address Cloud::address_of(const std::string& to, const std::string& from) const {
  if (auto literal = wire::Ipv4Address::try_parse(to)) return *literal;
  const Vpc* from_vpc = nullptr;
  for (const auto& v : vpcs_)
    for (const Instance* i : v->instances())
      if (i->name() == from) from_vpc = v.get();
  const auto sees_privately = [&](const Vpc& target) {
    if (from_vpc == nullptr) return false;
    if (from_vpc == &target) return true;
    for (const VpcPeering* p : target.peerings())
      if (p->joins(*from_vpc)) return true;
    return false;
  };
  for (const auto& v : vpcs_) {
    for (const Instance* i : v->instances())
      if (i->name() == to) return sees_privately(*v) || !i->public_ip() ? i->private_ip() : *i->public_ip();
    for (const NatGateway* n : v->nat_gateways())
      if (n->name() == to) return sees_privately(*v) ? n->private_ip() : n->public_ip();
  }
  for (const Endpoint* host : internet_hosts_)
    if (host->name() == to) return host->primary_address();
  throw core::ConfigError(to, "to", "no instance, NAT gateway or internet host named '" + to + "', and not an address");
}

}  // namespace vpcsim::cloud
