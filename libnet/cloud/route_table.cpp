#include "libnet/cloud/route_table.h"

#include <algorithm>

#include "libnet/cloud/vpc.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud {

std::string_view to_string(TargetKind kind) {
  switch (kind) {
    case TargetKind::local: return "local";
    case TargetKind::internet_gateway: return "internet gateway";
    case TargetKind::nat_gateway: return "NAT gateway";
    case TargetKind::instance: return "instance";
    case TargetKind::peering_connection: return "peering connection";
  }
  return "unknown";
}

std::string RouteTarget::to_string() const { return kind == TargetKind::local ? "local" : name; }

std::string CloudRoute::to_string() const { return destination.to_string() + " -> " + target.to_string(); }

RouteTable::RouteTable(Vpc& vpc, std::string name, bool main) : vpc_(&vpc), name_(std::move(name)), main_(main) {}

void RouteTable::add_route(wire::Ipv4Prefix destination, RouteTarget target) {
  const std::string field = "routes[" + destination.to_string() + "]";
  const wire::Ipv4Prefix& block = vpc_->cidr();
  if (target.kind == TargetKind::local)
    throw core::ConfigError(name_, field, "the local route " + block.to_string() + " is implicit; it cannot be added");
  if (destination == block)
    throw core::ConfigError(name_, field, destination.to_string() + " is the VPC's block: the local route has it");
  for (const CloudRoute& r : routes_)
    if (r.destination == destination)
      throw core::ConfigError(name_, field, "a route for " + destination.to_string() + " exists already (to " +
                                                r.target.to_string() + ")");
  if (!vpc_->target_known(target)) {
    std::string what(cloud::to_string(target.kind));
    throw core::ConfigError(name_, field + ".target",
                            "no " + what + " named '" + target.name + "' in VPC " + vpc_->name() +
                                (target.kind == TargetKind::peering_connection ? " (a peering connection must join it)" : ""));
  }
  if (block.contains(destination)) {
    // AWS accepts a route more specific than `local` only for a whole subnet, to a middlebox.
    const bool whole_subnet = std::any_of(vpc_->subnets().begin(), vpc_->subnets().end(),
                                          [&](const auto& s) { return s->cidr() == destination; });
    const bool middlebox = target.kind == TargetKind::nat_gateway || target.kind == TargetKind::instance;
    if (!whole_subnet || !middlebox)
      throw core::ConfigError(name_, field,
                              "a route more specific than the local route " + block.to_string() +
                                  " must match a subnet's block exactly and point at a NAT gateway or an instance");
  }
  routes_.push_back(CloudRoute{destination, std::move(target)});
  vpc_->changed();
}

bool RouteTable::remove_route(wire::Ipv4Prefix destination) {
  if (destination == vpc_->cidr())
    throw core::ConfigError(name_, "routes[" + destination.to_string() + "]", "the local route cannot be removed");
  const auto it = std::find_if(routes_.begin(), routes_.end(), [&](const CloudRoute& r) { return r.destination == destination; });
  if (it == routes_.end()) return false;
  routes_.erase(it);
  vpc_->changed();
  return true;
}

std::vector<CloudRoute> RouteTable::routes() const {
  std::vector<CloudRoute> all{CloudRoute{vpc_->cidr(), RouteTarget{}}};
  all.insert(all.end(), routes_.begin(), routes_.end());
  return all;
}

std::string_view RouteTable::state_of(const CloudRoute& route) const {
  return route.target.kind == TargetKind::local || vpc_->target_alive(route.target) ? "active" : "blackhole";
}

std::optional<CloudRoute> RouteTable::lookup(wire::Ipv4Address destination) const {
  std::optional<CloudRoute> best;
  for (const CloudRoute& r : routes())
    if (r.destination.contains(destination) && (!best || r.destination.length() > best->destination.length())) best = r;
  return best;
}

}  // namespace vpcsim::cloud
