// An IPv4 routing table with longest-prefix match, as Linux's main table holds it: connected routes
// (proto kernel, from interface addresses), static unicast routes through a gateway or out of an
// interface, and the `unreachable` (ICMP host unreachable), `prohibit` (ICMP admin prohibited) and
// `blackhole` (silent) route types of `ip route`.
//
// Lookup walks the prefix lengths present, longest first, with one hash probe per length: the cost
// depends on how many distinct lengths a table holds (a handful), not on how many routes, so a router
// with 20,000 host routes forwards as fast as one with two. A table of at most kScanLimit routes (a
// host's connected and default routes) has no index: scanning a few routes is as fast as the hash
// probes, and the index would be a heap block per host. One route per destination prefix (Linux
// allows several with different metrics; we do not need them yet).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libnet/core/flat_hash_map.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::stack {

enum class RouteType : std::uint8_t { unicast, unreachable, prohibit, blackhole };
enum class RouteOrigin : std::uint8_t { connected, static_route };

std::string_view to_string(RouteType type);
std::string_view to_string(RouteOrigin origin);

inline constexpr std::uint32_t kNoRouteInterface = 0xffffffff;

struct Route {
  wire::Ipv4Prefix destination;
  RouteType type = RouteType::unicast;
  wire::Ipv4Address gateway;                  ///< 0.0.0.0: on-link (the destination itself is the next hop)
  std::uint32_t interface = kNoRouteInterface;  ///< index of the egress interface within its node
  std::string interface_name;                 ///< for people and errors
  RouteOrigin origin = RouteOrigin::static_route;
  wire::Ipv4Address preferred_source;         ///< connected routes: the interface's address

  bool has_gateway() const { return !gateway.is_unspecified(); }
  /// As `ip route` prints it: "10.0.2.0/24 via 10.0.1.1 dev eth0", "198.51.100.0/24 unreachable".
  std::string to_string() const;
  friend bool operator==(const Route&, const Route&) = default;
};

class RoutingTable {
 public:
  /// Throws core::ConfigError(owner, "routes", ...) if a route for the same prefix exists.
  void add(Route route, const std::string& owner);
  /// Removes the route for exactly this prefix; returns whether there was one.
  bool remove(const wire::Ipv4Prefix& destination);
  /// The longest-prefix match, or nullptr. Valid until the table is next changed.
  const Route* lookup(wire::Ipv4Address destination) const {
    if (!indexed()) return scan(destination);
    for (std::uint64_t lengths = index_->lengths_present; lengths != 0;) {
      const int length = 63 - __builtin_clzll(lengths);
      lengths &= ~(std::uint64_t{1} << length);
      const std::uint32_t mask = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
      if (const std::uint32_t* at = index_->positions.find(key_of(destination.to_u32() & mask, length)))
        return &routes_[*at];
    }
    return nullptr;
  }
  const Route* find_exact(const wire::Ipv4Prefix& destination) const;
  /// All routes, most specific first, then by address: the order `ip route` shows them in.
  std::vector<Route> routes() const;
  std::size_t size() const { return routes_.size(); }

 private:
  static constexpr std::size_t kScanLimit = 8;

  static std::uint64_t key_of(std::uint32_t network, int length) {
    return (std::uint64_t{network} << 6) | static_cast<std::uint64_t>(length);
  }
  bool indexed() const { return index_ != nullptr; }
  /// Longest-prefix match by walking every route: what a small table does instead of the index.
  const Route* scan(wire::Ipv4Address destination) const {
    const Route* best = nullptr;
    for (const Route& route : routes_)
      if (route.destination.contains(destination) &&
          (best == nullptr || route.destination.length() > best->destination.length()))
        best = &route;
    return best;
  }
  /// Position of the route to exactly `destination` in routes_, or routes_.size().
  std::size_t position_of(const wire::Ipv4Prefix& destination) const;
  void build_index();
  /// Routes in insertion order (removal moves the last one into the gap), indexed by (network,
  /// length): one small hash table, not one per length, so a host with two routes costs ~300 bytes.
  std::vector<Route> routes_;
  struct Index {
    core::FlatHashMap<std::uint64_t, std::uint32_t> positions;  ///< by key_of(prefix)
    std::uint64_t lengths_present = 0;                           ///< bit n: some route is a /n
  };
  void index_route(std::uint32_t position);
  std::unique_ptr<Index> index_;  ///< null while routes_ has ≤ kScanLimit routes
};

}  // namespace vpcsim::stack
