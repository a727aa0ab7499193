// A router: an IP node that forwards (net.ipv4.ip_forward=1). Everything else, ARP, ICMP, local
// delivery, is the same stack a host runs, as on Linux.
#pragma once

#include "libnet/node/ip_node.h"

namespace vpcsim::node {

class Router final : public IpNode {
 public:
  Router(Network& network, std::uint32_t id, std::string name)
      : IpNode(network, id, std::move(name), NodeKind::router, true) {}
};

}  // namespace vpcsim::node
