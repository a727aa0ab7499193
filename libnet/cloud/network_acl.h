// An AWS network ACL: stateless, numbered rules per direction (1-32766), evaluated lowest number
// first; the first rule whose traffic and CIDR match decides (allow or deny); when none does, the fixed
// `*` rule denies. Applied where traffic crosses a subnet's boundary, never within the subnet.
//
// Inbound rules read the packet's source as the peer, outbound rules its destination; both constrain
// the packet's destination port. So replies to a client in the subnet (to its ephemeral port) need an
// inbound rule for 1024-65535: the classic "forgot the ephemeral ports" mistake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/packet_summary.h"
#include "libnet/cloud/traffic_selector.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::cloud {

class Vpc;

enum class AclDirection : std::uint8_t { inbound, outbound };
const char* to_string(AclDirection direction);

struct AclRule {
  static constexpr int kMinNumber = 1;
  static constexpr int kMaxNumber = 32766;
  int number = 100;
  TrafficSelector traffic{};
  wire::Ipv4Prefix cidr{};  ///< the peer: source (inbound) or destination (outbound)
  bool allow = true;

  /// "rule 100: allow tcp 443 from 0.0.0.0/0"
  std::string to_string(AclDirection direction) const;
};

struct AclVerdict {
  bool allowed = false;
  std::optional<int> rule;  ///< the deciding rule's number; nullopt: the `*` rule (deny)
  /// "rule 100 (allow tcp 443 from 0.0.0.0/0)" or "rule * (deny all traffic)"
  std::string description{};
};

class NetworkAcl {
 public:
  /// A new ACL as AWS creates it: no numbered rules, so `*` denies everything both ways.
  NetworkAcl(std::string name, std::string vpc);
  /// The VPC's default ACL: rule 100 allows all traffic both ways.
  static NetworkAcl make_default(std::string name, std::string vpc);

  const std::string& name() const { return name_; }
  const std::string& vpc() const { return vpc_; }
  /// The VPC object that made the ACL (null for one made on its own), as SecurityGroup::owner().
  const Vpc* owner() const { return owner_; }
  void set_owner(const Vpc* vpc) { owner_ = vpc; }

  /// Throws core::ConfigError naming the ACL and field for a number outside 1-32766, a number already
  /// used in that direction, or ports on a protocol without ports.
  void add_rule(AclDirection direction, AclRule rule);
  bool remove_rule(AclDirection direction, int number);
  /// Sorted by number.
  const std::vector<AclRule>& rules(AclDirection direction) const {
    return direction == AclDirection::inbound ? inbound_ : outbound_;
  }

  /// The rule that decides `packet`, or nullptr when the `*` rule does (deny): what is asked per packet.
  const AclRule* decide(AclDirection direction, const PacketSummary& packet) const;
  /// The same decision, described for people.
  AclVerdict evaluate(AclDirection direction, const PacketSummary& packet) const;

 private:
  std::string name_;
  std::string vpc_;
  std::vector<AclRule> inbound_;
  std::vector<AclRule> outbound_;
  const Vpc* owner_ = nullptr;
};

}  // namespace vpcsim::cloud
