// An AWS internet gateway: the VPC's door to the internet, and a 1:1 NAT between each instance's
// private address and its public (or Elastic) address. An instance without a public address gets no
// internet through it, even in a public subnet: its packets are dropped here. Frames towards the
// internet are limited to 1500 bytes.
#pragma once

#include <string>

#include "libnet/cloud/decision.h"
#include "libnet/core/flat_hash_set.h"
#include "libnet/node/nat_router.h"

namespace vpcsim::cloud {

class Vpc;

class InternetGateway final : public node::NatRouter {
 public:
  InternetGateway(node::Network& network, std::uint32_t id, std::string name, Vpc& vpc);

  Vpc& vpc() const { return *vpc_; }
  /// Maps a private address to a public one (both ways).
  void map(wire::Ipv4Address private_address, wire::Ipv4Address public_address);
  /// The gateway's address on its link to the VPC router, and on its link to the internet.
  wire::Ipv4Address vpc_side_address() const;
  wire::Ipv4Address internet_side_address() const;

 protected:
  bool prerouting(link::Interface& in, wire::Frame& frame) override;
  bool postrouting(link::Interface& out, wire::Ipv4Address next_hop, wire::Frame& frame, bool forwarded) override;

 private:
  Vpc* vpc_;
  core::FlatHashSet mapped_;  ///< private addresses with a public one: what may leave for the internet
  wire::Ipv4Address before_src_;  ///< between the hooks: the packet's addresses as it arrived
  wire::Ipv4Address before_dst_;
};

}  // namespace vpcsim::cloud
