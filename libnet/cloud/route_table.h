// A VPC route table as AWS shows it: the implicit `local` route for the VPC's block (always there,
// never removable), then routes to targets: an internet gateway, a NAT gateway, an instance (its
// network interface), a peering connection, or nothing (`blackhole`, refused silently). Longest
// prefix wins. A route whose target has gone (a deleted NAT gateway, a terminated instance) stays in
// the table in state `blackhole`, as in AWS.
//
// Subnets use the table they are associated with, else their VPC's main table. The table is a
// description; the VPC router compiles it into a stack::RoutingTable per table (cloud/vpc_router.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::cloud {

class Vpc;

enum class TargetKind : std::uint8_t { local, internet_gateway, nat_gateway, instance, peering_connection };
std::string_view to_string(TargetKind kind);

struct RouteTarget {
  TargetKind kind = TargetKind::local;
  std::string name;  ///< the gateway, instance or peering connection; empty for local and blackhole
  std::string to_string() const;  ///< "igw-main", "local"
};

struct CloudRoute {
  wire::Ipv4Prefix destination;
  RouteTarget target;
  /// "10.0.0.0/16 -> local", "0.0.0.0/0 -> nat-a"
  std::string to_string() const;
};

class RouteTable {
 public:
  RouteTable(Vpc& vpc, std::string name, bool main);

  const std::string& name() const { return name_; }
  bool is_main() const { return main_; }
  Vpc& vpc() const { return *vpc_; }

  /// Adds a route; its target must exist in the VPC (or, for a peering connection, join this VPC to
  /// another). Throws core::ConfigError naming the table and field for a duplicate destination, a
  /// missing target, or a route more specific than `local` that AWS refuses: inside the VPC's block
  /// a route must match a subnet's block exactly and point at a NAT gateway or an instance
  /// (middlebox routing).
  void add_route(wire::Ipv4Prefix destination, RouteTarget target);
  /// Removes a route; the `local` route cannot be removed (ConfigError). Returns whether one was there.
  bool remove_route(wire::Ipv4Prefix destination);

  /// Every route, `local` first, then as added.
  std::vector<CloudRoute> routes() const;
  /// The user's routes only (not `local`).
  const std::vector<CloudRoute>& extra_routes() const { return routes_; }
  /// "active", or "blackhole" when the target is gone (or the route is a blackhole).
  std::string_view state_of(const CloudRoute& route) const;
  /// The route a destination address takes (longest prefix), as AWS would choose it.
  std::optional<CloudRoute> lookup(wire::Ipv4Address destination) const;

 private:
  Vpc* vpc_;
  std::string name_;
  bool main_;
  std::vector<CloudRoute> routes_;
};

}  // namespace vpcsim::cloud
