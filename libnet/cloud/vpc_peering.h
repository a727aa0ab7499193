// A VPC peering connection: a private link between two VPCs whose blocks do not overlap. It is not
// transitive: traffic that arrives over a peering connection is routed by the `local` route only, so
// it can reach the peer VPC's subnets but not a third VPC, the peer's internet gateway or its NAT
// gateways. Each side needs its own route (target: the peering connection) to the other's block.
#pragma once

#include <string>

#include "libnet/wire/ipv4_address.h"

namespace vpcsim::cloud {

class Vpc;

class VpcPeering {
 public:
  VpcPeering(std::string name, Vpc& requester, Vpc& accepter, std::uint32_t requester_interface,
             std::uint32_t accepter_interface, wire::Ipv4Address requester_address, wire::Ipv4Address accepter_address)
      : name_(std::move(name)),
        requester_(&requester),
        accepter_(&accepter),
        requester_interface_(requester_interface),
        accepter_interface_(accepter_interface),
        requester_address_(requester_address),
        accepter_address_(accepter_address) {}

  const std::string& name() const { return name_; }
  Vpc& requester() const { return *requester_; }
  Vpc& accepter() const { return *accepter_; }
  bool joins(const Vpc& vpc) const { return &vpc == requester_ || &vpc == accepter_; }
  Vpc& peer_of(const Vpc& vpc) const { return &vpc == requester_ ? *accepter_ : *requester_; }
  /// `vpc`'s router interface on the peering link, and the address of the other router on it.
  std::uint32_t interface_of(const Vpc& vpc) const { return &vpc == requester_ ? requester_interface_ : accepter_interface_; }
  wire::Ipv4Address peer_address_for(const Vpc& vpc) const {
    return &vpc == requester_ ? accepter_address_ : requester_address_;
  }

 private:
  std::string name_;
  Vpc* requester_;
  Vpc* accepter_;
  std::uint32_t requester_interface_;
  std::uint32_t accepter_interface_;
  wire::Ipv4Address requester_address_;
  wire::Ipv4Address accepter_address_;
};

}  // namespace vpcsim::cloud
