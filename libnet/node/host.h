// A host: an IP node that does not forward (net.ipv4.ip_forward=0), with a default gateway.
#pragma once

#include "libnet/node/ip_node.h"

namespace vpcsim::node {

class Host final : public IpNode {
 public:
  Host(Network& network, std::uint32_t id, std::string name) : IpNode(network, id, std::move(name), NodeKind::host, false) {}
};

}  // namespace vpcsim::node
