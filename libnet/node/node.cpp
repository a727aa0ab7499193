#include "libnet/node/node.h"

#include "libnet/core/error.h"
#include "libnet/core/names.h"
#include "libnet/node/network.h"

namespace vpcsim::node {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::host: return "host";
    case NodeKind::router: return "router";
    case NodeKind::switch_: return "switch";
    case NodeKind::nat: return "nat";
    case NodeKind::replay_port: return "replay_port";
  }
  return "unknown";
}

Node::Node(Network& network, std::uint32_t id, std::string name, NodeKind kind)
    : network_(network), context_(network.context()), id_(id), kind_(kind) {
  if (context_.trace.node_name(id) != name)
    throw core::ConfigError(name, "node", "node id " + std::to_string(id) + " is registered in the trace as '" +
                                              context_.trace.node_name(id) + "'");
}

Node::~Node() = default;

link::Interface* Node::find_interface(std::string_view name) const {
  if (!by_name_) {
    for (const auto& interface : interfaces_)
      if (interface->name() == name) return interface.get();
    return nullptr;
  }
  const std::uint32_t at =
      by_name_->find(name, [this](std::uint32_t i) { return interfaces_[i]->name(); });
  return at == core::NameIndex::kAbsent ? nullptr : interfaces_[at].get();
}

link::Interface& Node::interface(std::string_view name) const {
  if (link::Interface* found = find_interface(name)) return *found;
  std::string known;
  for (const auto& interface : interfaces_) {
    if (!known.empty()) known += ", ";
    known += interface->name();
  }
  throw core::ConfigError(this->name(), "interfaces",
                          "no interface '" + std::string(name) + "'" +
                              (known.empty() ? " (it has none)" : " (it has " + known + ")"));
}

std::uint32_t Node::index_of(const link::Interface& interface) const {
  const std::uint32_t index = interface.index_in_node();
  if (index < interfaces_.size() && interfaces_[index].get() == &interface) return index;
  throw core::ConfigError(this->name(), "interfaces", interface.full_name() + " does not belong to this node");
}

link::Interface& Node::create_interface(std::string name, std::optional<wire::MacAddress> mac) {
  // Linux's dev_valid_name refuses '/' and whitespace too; '/' would also make a capture's file name
  // (<node>-<interface>.pcap) a path into a subfolder.
  if (name.empty() || name.find_first_of(". /\\\t") != std::string::npos || core::has_control_characters(name) ||
      name.size() > core::kMaxNameLength)
    throw core::ConfigError(this->name(), "interfaces",
                            "invalid interface name '" + core::printable(name) + "' (1-" + std::to_string(core::kMaxNameLength) +
                                " characters, none of '.', '/', '\\', whitespace or control characters)");
  if (find_interface(name) != nullptr)
    throw core::ConfigError(this->name(), "interfaces", "an interface named '" + name + "' already exists");
  wire::MacAddress address;
  if (mac) {
    if (!mac->is_unicast() || mac->is_zero())
      throw core::ConfigError(this->name() + "." + name, "mac", mac->to_string() + " is not a unicast MAC address");
    network_.claim_mac(*mac, this->name() + "." + name);
    address = *mac;
  } else {
    address = network_.allocate_mac();
  }
  std::uint32_t id = context_.trace.register_interface(id_, name);
  const auto index = static_cast<std::uint32_t>(interfaces_.size());
  interfaces_.push_back(network_.arena().make<link::Interface>(context_, *this, id, id_, std::move(name), address, index));
  link::Interface& created = *interfaces_.back();
  if (by_name_) {
    by_name_->insert(created.name(), index);
  } else if (interfaces_.size() > kScanLimit) {
    by_name_ = std::make_unique<core::NameIndex>();
    for (std::uint32_t i = 0; i < interfaces_.size(); ++i) by_name_->insert(interfaces_[i]->name(), i);
  }
  return created;
}

}  // namespace vpcsim::node
