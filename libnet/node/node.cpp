#include "libnet/node/node.h"

#include "libnet/core/error.h"
#include "libnet/node/network.h"

namespace vpcsim::node {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::host: return "host";
    case NodeKind::router: return "router";
    case NodeKind::switch_: return "switch";
    case NodeKind::nat: return "nat";
  }
  return "unknown";
}

Node::Node(Network& network, std::uint32_t id, std::string name, NodeKind kind)
    : network_(network), context_(network.context()), id_(id), name_(std::move(name)), kind_(kind) {}

Node::~Node() = default;

link::Interface* Node::find_interface(std::string_view name) const {
  if (!by_name_) {
    for (const auto& interface : interfaces_)
      if (interface->name() == name) return interface.get();
    return nullptr;
  }
  auto it = by_name_->find(name);
  return it == by_name_->end() ? nullptr : it->second;
}

link::Interface& Node::interface(std::string_view name) const {
  if (link::Interface* found = find_interface(name)) return *found;
  std::string known;
  for (const auto& interface : interfaces_) known += (known.empty() ? "" : ", ") + interface->name();
  throw core::ConfigError(name_, "interfaces",
                          "no interface '" + std::string(name) + "'" +
                              (known.empty() ? " (it has none)" : " (it has " + known + ")"));
}

std::uint32_t Node::index_of(const link::Interface& interface) const {
  const std::uint32_t index = interface.index_in_node();
  if (index < interfaces_.size() && interfaces_[index].get() == &interface) return index;
  throw core::ConfigError(name_, "interfaces", interface.full_name() + " does not belong to this node");
}

link::Interface& Node::create_interface(std::string name, std::optional<wire::MacAddress> mac) {
  if (name.empty() || name.find('.') != std::string::npos || name.find(' ') != std::string::npos)
    throw core::ConfigError(name_, "interfaces", "invalid interface name '" + name + "'");
  if (find_interface(name) != nullptr)
    throw core::ConfigError(name_, "interfaces", "an interface named '" + name + "' already exists");
  wire::MacAddress address;
  if (mac) {
    if (!mac->is_unicast() || mac->is_zero())
      throw core::ConfigError(name_ + "." + name, "mac", mac->to_string() + " is not a unicast MAC address");
    network_.claim_mac(*mac, name_ + "." + name);
    address = *mac;
  } else {
    address = network_.allocate_mac();
  }
  std::uint32_t id = context_.trace.register_interface(id_, name);
  const auto index = static_cast<std::uint32_t>(interfaces_.size());
  interfaces_.push_back(std::make_unique<link::Interface>(context_, *this, id, id_, std::move(name), address, index));
  link::Interface& created = *interfaces_.back();
  if (by_name_) {
    by_name_->emplace(created.name(), &created);  // the key views the interface's own name
  } else if (interfaces_.size() > kScanLimit) {
    by_name_ = std::make_unique<std::unordered_map<std::string_view, link::Interface*>>();
    for (const auto& interface : interfaces_) by_name_->emplace(interface->name(), interface.get());
  }
  return created;
}

}  // namespace vpcsim::node
