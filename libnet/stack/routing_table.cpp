#include "libnet/stack/routing_table.h"

#include <algorithm>

#include "libnet/core/error.h"

namespace vpcsim::stack {

std::string_view to_string(RouteType type) {
  switch (type) {
    case RouteType::unicast: return "unicast";
    case RouteType::unreachable: return "unreachable";
    case RouteType::prohibit: return "prohibit";
    case RouteType::blackhole: return "blackhole";
  }
  return "unknown";
}

std::string_view to_string(RouteOrigin origin) {
  return origin == RouteOrigin::connected ? "connected" : "static";
}

std::string Route::to_string() const {
  std::string text = destination.length() == 0 ? "default" : destination.to_string();
  if (type != RouteType::unicast) return std::string(stack::to_string(type)) + " " + text;
  if (has_gateway()) text += " via " + gateway.to_string();
  if (!interface_name.empty()) text += " dev " + interface_name;
  if (origin == RouteOrigin::connected) text += " proto kernel scope link src " + preferred_source.to_string();
  return text;
}

std::size_t RoutingTable::position_of(const wire::Ipv4Prefix& destination) const {
  if (indexed()) {
    const std::uint32_t* at = index_->positions.find(key_of(destination.network().to_u32(), destination.length()));
    return at == nullptr ? routes_.size() : *at;
  }
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i].destination == destination) return i;
  return routes_.size();
}

void RoutingTable::index_route(std::uint32_t position) {
  const wire::Ipv4Prefix& destination = routes_[position].destination;
  index_->positions[key_of(destination.network().to_u32(), destination.length())] = position;
  index_->lengths_present |= std::uint64_t{1} << destination.length();
}

void RoutingTable::build_index() {
  index_ = std::make_unique<Index>();
  for (std::size_t i = 0; i < routes_.size(); ++i) index_route(static_cast<std::uint32_t>(i));
}

void RoutingTable::add(Route route, const std::string& owner) {
  const std::size_t existing = position_of(route.destination);
  if (existing != routes_.size())
    throw core::ConfigError(owner, "routes",
                            "a route to " + route.destination.to_string() + " already exists (" +
                                routes_[existing].to_string() + ")");
  routes_.push_back(std::move(route));
  if (indexed()) {
    index_route(static_cast<std::uint32_t>(routes_.size() - 1));
  } else if (routes_.size() > kScanLimit) {
    build_index();
  }
}

bool RoutingTable::remove(const wire::Ipv4Prefix& destination) {
  const std::size_t gap = position_of(destination);
  if (gap == routes_.size()) return false;
  const int length = destination.length();
  if (indexed()) index_->positions.erase(key_of(destination.network().to_u32(), length));
  if (gap + 1 != routes_.size()) {
    routes_[gap] = std::move(routes_.back());
    if (indexed()) index_route(static_cast<std::uint32_t>(gap));
  }
  routes_.pop_back();
  if (!indexed()) return true;
  // Removal is rare (configuration, not forwarding): a scan keeps the table free of per-length counters.
  const bool length_still_used = std::any_of(routes_.begin(), routes_.end(),
                                             [&](const Route& r) { return r.destination.length() == length; });
  if (!length_still_used) index_->lengths_present &= ~(std::uint64_t{1} << length);
  return true;
}

const Route* RoutingTable::find_exact(const wire::Ipv4Prefix& destination) const {
  const std::size_t at = position_of(destination);
  return at == routes_.size() ? nullptr : &routes_[at];
}

std::vector<Route> RoutingTable::routes() const {
  std::vector<Route> all = routes_;
  std::sort(all.begin(), all.end(), [](const Route& a, const Route& b) {
    if (a.destination.length() != b.destination.length()) return a.destination.length() > b.destination.length();
    return a.destination.network() < b.destination.network();
  });
  return all;
}

}  // namespace vpcsim::stack
