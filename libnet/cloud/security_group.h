// An AWS security group: allow-only rules for ingress and egress, each naming traffic (protocol and
// ports) and a peer, a CIDR or another group (whose members' private addresses match). A packet is
// allowed when any rule of any of the instance's groups allows it; there are no deny rules.
//
// The group only answers "which rule allows this packet". Statefulness (replies of an allowed flow pass
// whatever the rules say) belongs to the instance that enforces its groups, which tracks connections
// (cloud/instance_node.h).
//
//   SecurityGroup web("web-sg", "main");
//   web.add_ingress({.traffic = {RuleProtocol::parse("tcp", ...), RulePorts{80, 80}}, .cidr = any});
//   web.clear_egress();           // a new group allows all egress until told otherwise
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libnet/cloud/packet_summary.h"
#include "libnet/cloud/traffic_selector.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::cloud {

class SecurityGroup;
class Vpc;

enum class Direction : std::uint8_t { ingress, egress };
const char* to_string(Direction direction);

struct SgRule {
  TrafficSelector traffic{};
  std::optional<wire::Ipv4Prefix> cidr{};  ///< the peer's block, or ...
  const SecurityGroup* group = nullptr;  ///< ... the peer's group (exactly one of the two)
  std::string description{};

  /// "tcp 5432 from sg db-sg", "all traffic to 0.0.0.0/0" (`direction` picks from/to).
  std::string to_string(Direction direction) const;
};

class SecurityGroup {
 public:
  /// A new group as AWS creates it: no ingress rules, one egress rule allowing all traffic to
  /// 0.0.0.0/0. `vpc` names the VPC the group belongs to.
  SecurityGroup(std::string name, std::string vpc);
  /// The VPC's default group: ingress from its own members, all egress.
  static SecurityGroup make_default(std::string name, std::string vpc);

  /// A copy or move keeps rules that name the group itself (the default group's ingress) pointing at
  /// the new object. Rules in *other* groups point at this object's address, so keep groups that are
  /// named by rules at a stable address (a std::deque or unique_ptr, not a growing vector).
  SecurityGroup(const SecurityGroup& other);
  SecurityGroup(SecurityGroup&& other) noexcept;
  SecurityGroup& operator=(const SecurityGroup& other);
  SecurityGroup& operator=(SecurityGroup&& other) noexcept;
  ~SecurityGroup() = default;

  const std::string& name() const { return name_; }
  const std::string& vpc() const { return vpc_; }
  /// The VPC object that made the group (null for one made on its own): what tells a group of this
  /// Cloud from a namesake of another, whose pointer a rule or an instance must not keep.
  const Vpc* owner() const { return owner_; }
  void set_owner(const Vpc* vpc) { owner_ = vpc; }

  /// Throw core::ConfigError naming the group and field when the rule has neither or both of cidr and
  /// group, ports on a protocol without ports, a port range out of 0-65535 or reversed, or a group
  /// from another VPC (AWS allows peered-VPC groups; vpcsim does not, see docs/cloud.md).
  void add_ingress(SgRule rule);
  void add_egress(SgRule rule);
  void clear_ingress() { ingress_.clear(); }
  void clear_egress() { egress_.clear(); }
  const std::vector<SgRule>& ingress() const { return ingress_; }
  const std::vector<SgRule>& egress() const { return egress_; }
  const std::vector<SgRule>& rules(Direction d) const { return d == Direction::ingress ? ingress_ : egress_; }

  /// Members' private addresses (what a rule naming this group matches). Kept sorted.
  void add_member(wire::Ipv4Address address);
  void remove_member(wire::Ipv4Address address);
  bool has_member(wire::Ipv4Address address) const;
  const std::vector<wire::Ipv4Address>& members() const { return members_; }

  /// The first rule that allows `packet` in `direction`: for ingress the packet's source is the peer
  /// and its destination port the rule's port; for egress the destination is the peer. nullptr: none.
  const SgRule* match(Direction direction, const PacketSummary& packet) const;

 private:
  void check(const SgRule& rule, const char* field) const;
  void rebind_self(const SecurityGroup* old_self);

  std::string name_;
  std::string vpc_;
  std::vector<SgRule> ingress_;
  std::vector<SgRule> egress_;
  std::vector<wire::Ipv4Address> members_;
  const Vpc* owner_ = nullptr;
};

/// Which group's rule allowed a packet; both null when none did.
struct SgMatch {
  const SecurityGroup* group = nullptr;
  const SgRule* rule = nullptr;
  explicit operator bool() const { return rule != nullptr; }
};

/// AWS evaluates the union of the rules of every group on a network interface: the packet passes
/// when any rule of any group allows it. Groups are tried in the order given.
SgMatch match_any(std::span<const SecurityGroup* const> groups, Direction direction, const PacketSummary& packet);

}  // namespace vpcsim::cloud
