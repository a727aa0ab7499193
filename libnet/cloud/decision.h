// What a cloud component decided about one packet: the answer `explain` is built from. Components
// record decisions only while an explanation is being gathered (DecisionLog::active), so ordinary
// runs pay one branch per component.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libnet/core/time.h"

namespace vpcsim::cloud {

/// The kinds of component a path crosses, as Reachability Analyzer names them.
enum class ComponentKind : std::uint8_t {
  instance,
  security_group,
  network_acl,
  route_table,
  vpc_router,
  internet_gateway,
  nat_gateway,
  peering_connection,
  internet,       ///< the internet router
  internet_host,  ///< a host on the internet
};
std::string_view to_string(ComponentKind kind);

/// What a component did with a packet.
enum class DecisionAction : std::uint8_t {
  sent,        ///< an endpoint sent it
  forwarded,   ///< passed on unchanged (an instance routing for others, a gateway without a rewrite)
  allowed,     ///< a security group or network ACL let it through
  denied,      ///< ... or stopped it
  routed,      ///< a route table (or the internet router) chose where it goes
  translated,  ///< an address or port was rewritten (the detail says which)
  delivered,   ///< it reached its endpoint
  dropped,     ///< stopped for a reason that is not a rule's verdict
};
std::string_view to_string(DecisionAction action);  ///< "sent", "allowed", ...

/// Which packet of an explained exchange a decision is about.
enum class PathDirection : std::uint8_t { request, reply };
std::string_view to_string(PathDirection direction);  ///< "request", "reply"

/// Why a path ends where it does: stable codes in the spirit of AWS Reachability Analyzer's
/// explanation codes (docs/cloud.md lists them with the AWS codes they mirror).
enum class ReasonCode : std::uint8_t {
  none,                               ///< not a block
  no_route_to_destination,            ///< NO_ROUTE_TO_DESTINATION
  route_blackhole,                    ///< a route whose target is gone (state blackhole)
  subnet_acl_restriction,             ///< SUBNET_ACL_RESTRICTION
  eni_sg_rules_mismatch,              ///< ENI_SG_RULES_MISMATCH
  eni_source_dest_check_restriction,  ///< ENI_SOURCE_DEST_CHECK_RESTRICTION
  igw_no_public_ip,                   ///< IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: out through an IGW without a public address
  pcx_requires_address_in_vpc_cidr,   ///< PCX_REQUIRES_ADDRESS_IN_VPC_CIDR: peering does not carry transit traffic
  nat_gateway_no_inbound,             ///< a NAT gateway accepts no connection from outside
  nat_gateway_connection_limit,       ///< 55,000 connections to one destination
  vpc_router_no_answer,               ///< the VPC router (.1) answers nothing but ARP
  packet_dropped,                     ///< dropped on the way for another reason (ARP, TTL, MTU, queue)
  no_reply,                           ///< the request arrived; nothing came back in time
};
std::string_view to_string(ReasonCode code);  ///< "NO_ROUTE_TO_DESTINATION", ...

struct Decision {
  std::uint64_t packet_id = 0;
  core::Time at = 0;
  ComponentKind kind = ComponentKind::instance;
  std::string component;   ///< "web-sg", "acl-private", "rtb public", "igw-main"
  DecisionAction action = DecisionAction::sent;
  std::string detail;      ///< the rule or route that matched, the translation
  ReasonCode code = ReasonCode::none;  ///< set when the decision stops the packet
  std::string suggestion;  ///< for a block: what would change the answer
};

class DecisionLog {
 public:
  bool active() const { return active_; }
  void start() {
    decisions_.clear();
    active_ = true;
  }
  void stop() { active_ = false; }
  void record(Decision decision) {
    if (active_) decisions_.push_back(std::move(decision));
  }
  const std::vector<Decision>& decisions() const { return decisions_; }

 private:
  bool active_ = false;
  std::vector<Decision> decisions_;
};

}  // namespace vpcsim::cloud
