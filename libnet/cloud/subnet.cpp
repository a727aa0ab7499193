#include "libnet/cloud/subnet.h"

#include "libnet/cloud/route_table.h"
#include "libnet/cloud/vpc.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud {

Subnet::Subnet(Vpc& vpc, std::string name, wire::Ipv4Prefix cidr, node::Switch& lan, std::uint32_t router_interface)
    : vpc_(&vpc), name_(std::move(name)), cidr_(cidr), lan_(&lan), router_interface_(router_interface) {}

RouteTable& Subnet::route_table() const { return route_table_ != nullptr ? *route_table_ : vpc_->main_route_table(); }

void Subnet::associate(RouteTable& table) {
  if (&table.vpc() != vpc_)
    throw core::ConfigError(name_, "route_table",
                            "route table '" + table.name() + "' belongs to VPC '" + table.vpc().name() + "', not '" +
                                vpc_->name() + "'");
  route_table_ = &table;
  vpc_->changed();
}

NetworkAcl& Subnet::network_acl() const {
  return network_acl_ != nullptr ? *network_acl_ : vpc_->default_network_acl();
}

void Subnet::set_network_acl(NetworkAcl& acl) {
  if (acl.owner() != vpc_)
    throw core::ConfigError(name_, "network_acl",
                            "network ACL '" + acl.name() + "' belongs to VPC '" + acl.vpc() + "'" +
                                (acl.vpc() == vpc_->name() ? " of another Cloud" : "") + ", not '" + vpc_->name() + "'");
  network_acl_ = &acl;
}

std::optional<std::string> Subnet::reserved_role(wire::Ipv4Address address) const {
  if (!cidr_.contains(address)) return std::nullopt;
  const std::uint32_t offset = address.to_u32() - cidr_.network().to_u32();
  switch (offset) {
    case 0: return "the network address";
    case 1: return "the VPC router";
    case 2: return "the Amazon DNS server";
    case 3: return "reserved by AWS for future use";
    default: break;
  }
  if (address == cidr_.broadcast()) return "the network broadcast address";
  return std::nullopt;
}

wire::Ipv4Address Subnet::allocate(std::optional<wire::Ipv4Address> wanted, const std::string& owner,
                                   const std::string& field) {
  if (wanted) {
    if (!cidr_.contains(*wanted))
      throw core::ConfigError(owner, field,
                              wanted->to_string() + " is not in subnet " + name_ + " (" + cidr_.to_string() + ")");
    if (auto role = reserved_role(*wanted))
      throw core::ConfigError(owner, field,
                              wanted->to_string() + " is reserved by AWS in subnet " + name_ + ": " + *role +
                                  " (the first four addresses and the last one of every subnet are)");
    if (auto it = used_.find(wanted->to_u32()); it != used_.end())
      throw core::ConfigError(owner, field, wanted->to_string() + " is already " + it->second + "'s address");
    used_.emplace(wanted->to_u32(), owner);
    return *wanted;
  }
  const std::uint32_t last = cidr_.broadcast().to_u32() - 1;
  for (std::uint32_t a = cidr_.network().to_u32() + 4; a <= last; ++a)
    if (!used_.contains(a)) {
      used_.emplace(a, owner);
      return wire::Ipv4Address(a);
    }
  throw core::ConfigError(owner, field,
                          "subnet " + name_ + " (" + cidr_.to_string() + ") is full: all " +
                              std::to_string(usable_addresses()) + " usable addresses are taken");
}

}  // namespace vpcsim::cloud
