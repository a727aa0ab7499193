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

void RoutingTable::add(Route route, const std::string& owner) {
  const int length = route.destination.length();
  if (!by_length_[length]) by_length_[length] = std::make_unique<Bucket>();
  auto& bucket = *by_length_[length];
  const std::uint32_t key = route.destination.network().to_u32();
  if (bucket.count(key) != 0)
    throw core::ConfigError(owner, "routes",
                            "a route to " + route.destination.to_string() + " already exists (" +
                                bucket.at(key).to_string() + ")");
  bucket.emplace(key, std::move(route));
  lengths_present_ |= std::uint64_t{1} << length;
  ++size_;
}

bool RoutingTable::remove(const wire::Ipv4Prefix& destination) {
  auto& slot = by_length_[destination.length()];
  if (!slot || slot->erase(destination.network().to_u32()) == 0) return false;
  if (slot->empty()) {
    slot.reset();
    lengths_present_ &= ~(std::uint64_t{1} << destination.length());
  }
  --size_;
  return true;
}

const Route* RoutingTable::find_exact(const wire::Ipv4Prefix& destination) const {
  const auto& slot = by_length_[destination.length()];
  if (!slot) return nullptr;
  auto it = slot->find(destination.network().to_u32());
  return it == slot->end() ? nullptr : &it->second;
}

std::vector<Route> RoutingTable::routes() const {
  std::vector<Route> all;
  all.reserve(size_);
  for (const auto& slot : by_length_)
    if (slot)
      for (const auto& [key, route] : *slot) all.push_back(route);
  std::sort(all.begin(), all.end(), [](const Route& a, const Route& b) {
    if (a.destination.length() != b.destination.length()) return a.destination.length() > b.destination.length();
    return a.destination.network() < b.destination.network();
  });
  return all;
}

}  // namespace vpcsim::stack
