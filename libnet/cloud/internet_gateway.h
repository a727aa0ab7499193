// An AWS internet gateway: the VPC's door to the internet, and a 1:1 NAT between each instance's
// private address and its public (or Elastic) address. An instance without a public address gets no
// internet through it, even in a public subnet: its packets are dropped here. Frames towards the
// internet are limited to 1500 bytes.
//
// The 1:1 NAT is static and stateless ("The internet gateway logically provides the one-to-one NAT
// on behalf of your instance", VPC_Internet_Gateway.html): every packet is translated by its address
// alone, with no connection tracking, so a TCP segment arriving long after its handshake (or with
// no handshake the gateway saw) is translated like the first, and nothing expires. Only the address
// changes; ports never do. ICMP errors are translated with the packet they quote.
#pragma once

#include <string>

#include "libnet/cloud/decision.h"
#include "libnet/core/flat_hash_map.h"
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
  /// Rewrites the destination of a packet (or of an ICMP error and the source of its quote) from a
  /// public address to its private one; returns whether it did.
  bool translate_inbound(const wire::Ipv4ViewMut& ip);
  /// Rewrites the source of a packet (or of an ICMP error and the destination of its quote) from a
  /// private address to its public one; returns whether it did.
  bool translate_outbound(const wire::Ipv4ViewMut& ip);

  core::FlatHashMap<std::uint32_t, std::uint32_t> to_public_;   ///< private -> public: what may leave
  core::FlatHashMap<std::uint32_t, std::uint32_t> to_private_;  ///< public -> private
  wire::Ipv4Address before_src_;  ///< between the hooks: the packet's addresses as it arrived
  wire::Ipv4Address before_dst_;
};

}  // namespace vpcsim::cloud
