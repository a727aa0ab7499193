// A packet-processing node: something with interfaces that reacts to frames. Hosts, routers and
// switches are nodes; the Network owns them and gives each a name that must be unique.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/core/arena.h"
#include "libnet/core/name_index.h"
#include "libnet/core/small_vector.h"
#include "libnet/link/context.h"
#include "libnet/link/interface.h"
#include "libnet/wire/mac_address.h"

namespace vpcsim::node {

class Network;

enum class NodeKind : std::uint8_t { host, router, switch_, nat, replay_port };
std::string_view to_string(NodeKind kind);

class Node : public link::FrameReceiver {
 public:
  Node(Network& network, std::uint32_t id, std::string name, NodeKind kind);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  virtual ~Node();

  std::uint32_t id() const { return id_; }
  /// Kept by the trace (as the interfaces' names are), not by the node.
  std::string name() const { return context_.trace.node_name(id_); }
  NodeKind kind() const { return kind_; }

  const core::SmallVector<core::Arena::Ptr<link::Interface>>& interfaces() const { return interfaces_; }
  /// Throws core::ConfigError naming the node and the interface if there is none by that name.
  link::Interface& interface(std::string_view name) const;
  link::Interface* find_interface(std::string_view name) const;
  /// Position of an interface within this node (what routes refer to).
  std::uint32_t index_of(const link::Interface& interface) const;
  Network& network() const { return network_; }

 protected:
  /// Creates an interface; its MAC comes from the simulation's seed unless given. Throws
  /// core::ConfigError if the name is taken or empty.
  link::Interface& create_interface(std::string name, std::optional<wire::MacAddress> mac);
  link::Context& context() { return context_; }
  const link::Context& context() const { return context_; }

 private:
  Network& network_;
  link::Context& context_;
  std::uint32_t id_;
  NodeKind kind_;  // next to id_: no padding
  core::SmallVector<core::Arena::Ptr<link::Interface>> interfaces_;  ///< in the network's arena
  /// Interface names are looked up by scanning while a node has few (a host has one or two); past
  /// kScanLimit (a switch may have 10,000s of ports) a hash index is built and kept.
  static constexpr std::size_t kScanLimit = 8;
  std::unique_ptr<core::NameIndex> by_name_;  ///< positions in interfaces_
};

}  // namespace vpcsim::node
