#include "libnet/cloud/vpc.h"

#include <algorithm>

#include "libnet/cloud/cloud.h"
#include "libnet/cloud/instance.h"
#include "libnet/cloud/internet_gateway.h"
#include "libnet/cloud/nat_gateway.h"
#include "libnet/cloud/vpc_router.h"
#include "libnet/core/error.h"
#include "libnet/node/network.h"

namespace vpcsim::cloud {
namespace {

void check_block(const std::string& object, const wire::Ipv4Prefix& cidr) {
  if (cidr.length() < Vpc::kMinPrefixLength || cidr.length() > Vpc::kMaxPrefixLength)
    throw core::ConfigError(object, "cidr",
                            cidr.to_string() + ": AWS blocks are /16 to /28, not /" + std::to_string(cidr.length()));
}

template <class T>
T* find_named(const std::vector<std::unique_ptr<T>>& items, const std::string& name) {
  for (const auto& item : items)
    if (item->name() == name) return item.get();
  return nullptr;
}

template <class T>
std::string names_of(const std::vector<std::unique_ptr<T>>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item->name();
  }
  return out.empty() ? "none" : out;
}

template <class T>
T& named(const std::vector<std::unique_ptr<T>>& items, const std::string& name, const std::string& vpc,
         const char* what) {
  if (T* found = find_named(items, name)) return *found;
  std::string message = "no ";
  message += what;
  message += " named '" + name + "' (there are: " + names_of(items) + ")";
  throw core::ConfigError(vpc, what, message);
}

}  // namespace

Vpc::Vpc(Cloud& cloud, std::string name, wire::Ipv4Prefix cidr) : cloud_(&cloud), name_(std::move(name)), cidr_(cidr) {
  check_block(name_, cidr_);
  router_ = &cloud.network().add_node<VpcRouter>(name_ + "-router", *this);
  route_tables_.push_back(std::make_unique<RouteTable>(*this, "main", true));
  network_acls_.push_back(std::make_unique<NetworkAcl>(NetworkAcl::make_default("default", name_)));
  network_acls_.back()->set_owner(this);
  // The default group lets its members talk to each other; its rule names the group itself, so it is
  // made in place rather than copied.
  auto group = std::make_unique<SecurityGroup>("default", name_);
  group->set_owner(this);
  SgRule from_members;
  from_members.group = group.get();
  from_members.description = "from members of the default group";
  group->add_ingress(from_members);
  security_groups_.push_back(std::move(group));
}

Vpc::~Vpc() = default;

void Vpc::check_free_name(const std::string& name, const std::string& what) const {
  if (name.empty()) throw core::ConfigError(name_, what, "a " + what + " needs a name");
}

// ---------------------------------------------------------------------------------------------
// Subnets, tables, ACLs, groups

Subnet& Vpc::add_subnet(const std::string& name, wire::Ipv4Prefix cidr) {
  check_free_name(name, "subnet");
  check_block(name, cidr);
  if (!cidr_.contains(cidr))
    throw core::ConfigError(name, "cidr", cidr.to_string() + " is not inside VPC " + name_ + " (" + cidr_.to_string() + ")");
  for (const auto& other : subnets_)
    if (other->cidr().overlaps(cidr))
      throw core::ConfigError(name, "cidr",
                              cidr.to_string() + " overlaps subnet " + other->name() + " (" + other->cidr().to_string() + ")");
  node::Network& net = cloud_->network();
  node::Switch& lan = net.add_switch(name);
  link::Interface& port = router_->add_interface(
      name, wire::Ipv4InterfaceAddress(wire::Ipv4Address(cidr.network().to_u32() + 1), cidr.length()));
  port.set_mtu(kMtu);
  net.connect(router_->name() + "." + name, name);
  const std::uint32_t index = router_->index_of(port);
  subnets_.push_back(std::make_unique<Subnet>(*this, name, cidr, lan, index));
  router_->attach_subnet(index, *subnets_.back());
  changed();
  return *subnets_.back();
}

Subnet& Vpc::subnet(const std::string& name) const { return named(subnets_, name, name_, "subnet"); }
Subnet* Vpc::find_subnet(const std::string& name) const { return find_named(subnets_, name); }

Subnet* Vpc::subnet_of(wire::Ipv4Address address) const {
  for (const auto& s : subnets_)
    if (s->cidr().contains(address)) return s.get();
  return nullptr;
}

RouteTable& Vpc::add_route_table(const std::string& name) {
  check_free_name(name, "route table");
  if (find_named(route_tables_, name))
    throw core::ConfigError(name_, "route_tables." + name, "a route table named '" + name + "' exists already");
  route_tables_.push_back(std::make_unique<RouteTable>(*this, name, false));
  return *route_tables_.back();
}

RouteTable& Vpc::route_table(const std::string& name) const { return named(route_tables_, name, name_, "route table"); }

NetworkAcl& Vpc::add_network_acl(const std::string& name) {
  check_free_name(name, "network ACL");
  if (find_named(network_acls_, name))
    throw core::ConfigError(name_, "network_acls." + name, "a network ACL named '" + name + "' exists already");
  network_acls_.push_back(std::make_unique<NetworkAcl>(name, name_));
  network_acls_.back()->set_owner(this);
  return *network_acls_.back();
}

NetworkAcl& Vpc::network_acl(const std::string& name) const { return named(network_acls_, name, name_, "network ACL"); }

SecurityGroup& Vpc::add_security_group(const std::string& name) {
  check_free_name(name, "security group");
  if (find_named(security_groups_, name))
    throw core::ConfigError(name_, "security_groups." + name, "a security group named '" + name + "' exists already");
  security_groups_.push_back(std::make_unique<SecurityGroup>(name, name_));
  security_groups_.back()->set_owner(this);
  return *security_groups_.back();
}

SecurityGroup& Vpc::security_group(const std::string& name) const {
  return named(security_groups_, name, name_, "security group");
}
SecurityGroup* Vpc::find_security_group(const std::string& name) const { return find_named(security_groups_, name); }

// ---------------------------------------------------------------------------------------------
// Gateways

InternetGateway& Vpc::attach_internet_gateway(const std::string& name) {
  if (internet_gateway_ != nullptr)
    throw core::ConfigError(name_, "internet_gateway",
                            "VPC " + name_ + " has internet gateway '" + internet_gateway_->name() +
                                "' already; AWS allows one per VPC");
  node::Network& net = cloud_->network();
  InternetGateway& igw = net.add_node<InternetGateway>(name, *this);
  const wire::Ipv4Prefix block = cloud_->next_link_block();
  link::Interface& router_side =
      router_->add_interface("igw", wire::Ipv4InterfaceAddress(wire::Ipv4Address(block.network().to_u32() + 1), 30));
  router_side.set_mtu(kMtu);
  link::Interface& igw_side =
      igw.add_interface("vpc", wire::Ipv4InterfaceAddress(wire::Ipv4Address(block.network().to_u32() + 2), 30));
  igw_side.set_mtu(kMtu);
  net.connect(router_side, igw_side);
  const wire::Ipv4Address upstream = cloud_->connect_to_internet(igw, "internet");
  igw.add_route(cidr_, wire::Ipv4Address(block.network().to_u32() + 1));
  igw.set_default_gateway(upstream);
  internet_gateway_ = &igw;
  for (Instance* instance : instances_)
    if (instance->public_ip()) publish(instance->private_ip(), *instance->public_ip());
  for (NatGateway* nat : nat_gateways_) publish(nat->private_ip(), nat->public_ip());
  changed();
  return igw;
}

void Vpc::publish(wire::Ipv4Address private_ip, wire::Ipv4Address public_ip) {
  if (internet_gateway_ == nullptr) return;  // attached later: the gateway publishes what exists
  internet_gateway_->map(private_ip, public_ip);
  cloud_->route_public_address(public_ip, internet_gateway_->internet_side_address());
}

NatGateway& Vpc::add_nat_gateway(const std::string& name, Subnet& subnet, std::optional<wire::Ipv4Address> public_ip) {
  if (&subnet.vpc() != this)
    throw core::ConfigError(name, "subnet", "subnet " + subnet.name() + " is in VPC " + subnet.vpc().name() + ", not " + name_);
  if (cloud_->network().find_node(name) != nullptr)
    throw core::ConfigError(name, "name", "a node named '" + name + "' already exists");
  wire::Ipv4Address address = public_ip ? *public_ip : cloud_->allocate_elastic_ip(name + "-eip").address;
  if (public_ip) cloud_->claim_public_address(address, name, "public_ip");
  for (auto& eip : cloud_->elastic_ips())
    if (eip->address == address) eip->associated_with = name;
  const wire::Ipv4Address private_ip = subnet.allocate(std::nullopt, name, "subnet");
  NatGateway& nat = cloud_->network().add_node<NatGateway>(name, subnet);
  nat.add_interface("eth0", wire::Ipv4InterfaceAddress(private_ip, subnet.cidr().length())).set_mtu(kMtu);
  cloud_->network().connect(name + ".eth0", subnet.name());
  nat.set_default_gateway(subnet.router_address());
  // Masquerade everything it forwards as its private address (the internet gateway then maps that to
  // the Elastic IP), from AWS's port range.
  nat.add_snat(stack::SnatRule{wire::Ipv4Prefix(), "eth0", {}, stack::PortRange{1024, 65535}});
  nat.set_public_ip(address);
  nat_gateways_.push_back(&nat);
  publish(private_ip, address);
  changed();
  return nat;
}

void Vpc::delete_nat_gateway(const std::string& name) {
  NatGateway* nat = find_nat_gateway(name);
  if (nat == nullptr) throw core::ConfigError(name_, "nat_gateways", "no NAT gateway named '" + name + "'");
  nat->mark_deleted();
  changed();
}

NatGateway* Vpc::find_nat_gateway(const std::string& name) const {
  for (NatGateway* nat : nat_gateways_)
    if (nat->name() == name) return nat;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Instances

Instance& Vpc::add_instance(const std::string& name, Subnet& subnet, const InstanceOptions& options) {
  if (&subnet.vpc() != this)
    throw core::ConfigError(name, "subnet", "subnet " + subnet.name() + " is in VPC " + subnet.vpc().name() + ", not " + name_);
  if (cloud_->network().find_node(name) != nullptr)
    throw core::ConfigError(name, "name", "a node named '" + name + "' already exists");
  if (options.public_ip && options.auto_public_ip)
    throw core::ConfigError(name, "public_ip", "give a public address or ask for one (auto), not both");
  std::vector<SecurityGroup*> groups;
  for (std::size_t i = 0; i < options.security_groups.size(); ++i) {
    SecurityGroup* group = find_security_group(options.security_groups[i]);
    if (group == nullptr)
      throw core::ConfigError(name, "security_groups[" + std::to_string(i) + "]",
                              "no security group named '" + options.security_groups[i] + "' in VPC " + name_ +
                                  " (there are: " + names_of(security_groups_) + ")");
    groups.push_back(group);
  }
  if (groups.empty()) groups.push_back(&default_security_group());
  const wire::Ipv4Address private_ip = subnet.allocate(options.ip, name, "ip");
  if (options.public_ip) {
    try {
      cloud_->claim_public_address(*options.public_ip, name, "public_ip");
    } catch (...) {
      subnet.release(private_ip);  // a refused instance takes nothing
      throw;
    }
  }
  Instance& instance = cloud_->network().add_node<Instance>(name, subnet);
  instance.add_interface("eth0", wire::Ipv4InterfaceAddress(private_ip, subnet.cidr().length())).set_mtu(kMtu);
  cloud_->network().connect(name + ".eth0", subnet.name());
  instance.set_default_gateway(subnet.router_address());
  for (SecurityGroup* group : groups) instance.add_security_group(*group);
  instance.set_source_dest_check(options.source_dest_check);
  instances_.push_back(&instance);
  std::optional<wire::Ipv4Address> public_ip = options.public_ip;
  if (options.auto_public_ip) {
    ElasticIp& eip = cloud_->allocate_elastic_ip(name + "-public");
    eip.associated_with = name;
    public_ip = eip.address;
  }
  if (public_ip) {
    instance.set_public_ip(*public_ip);
    publish(private_ip, *public_ip);
  }
  changed();
  return instance;
}

void Vpc::terminate_instance(const std::string& name) {
  Instance* instance = find_instance(name);
  if (instance == nullptr) throw core::ConfigError(name_, "instances", "no instance named '" + name + "'");
  if (!instance->alive()) throw core::ConfigError(name, "state", "instance " + name + " is terminated already");
  instance->terminate();
  // A terminated instance's address no longer matches rules that name its groups.
  for (SecurityGroup* group : instance->security_groups()) group->remove_member(instance->private_ip());
  changed();
}

Instance* Vpc::find_instance(const std::string& name) const {
  for (Instance* instance : instances_)
    if (instance->name() == name) return instance;
  return nullptr;
}

VpcPeering* Vpc::find_peering(const std::string& name) const {
  for (VpcPeering* p : peerings_)
    if (p->name() == name) return p;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Route targets

bool Vpc::target_known(const RouteTarget& target) const {
  switch (target.kind) {
    case TargetKind::local: return true;
    case TargetKind::internet_gateway: return internet_gateway_ != nullptr && internet_gateway_->name() == target.name;
    case TargetKind::nat_gateway: return find_nat_gateway(target.name) != nullptr;
    case TargetKind::instance: return find_instance(target.name) != nullptr;
    case TargetKind::peering_connection: return find_peering(target.name) != nullptr;
  }
  return false;
}

bool Vpc::target_alive(const RouteTarget& target) const {
  switch (target.kind) {
    case TargetKind::nat_gateway: {
      const NatGateway* nat = find_nat_gateway(target.name);
      return nat != nullptr && !nat->deleted();
    }
    case TargetKind::instance: {
      const Instance* instance = find_instance(target.name);
      return instance != nullptr && instance->alive();
    }
    default: return target_known(target);
  }
}

void Vpc::changed() { router_->invalidate(); }

}  // namespace vpcsim::cloud
