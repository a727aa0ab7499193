#include "libnet/cloud/security_group.h"

#include <algorithm>

#include "libnet/core/error.h"

namespace vpcsim::cloud {
namespace {

constexpr wire::Ipv4Prefix kAnywhere{};  // 0.0.0.0/0

}  // namespace

const char* to_string(Direction direction) { return direction == Direction::ingress ? "ingress" : "egress"; }

std::string SgRule::to_string(Direction direction) const {
  std::string text = traffic.to_string();
  text += direction == Direction::ingress ? " from " : " to ";
  if (group != nullptr) {
    text += "sg ";
    text += group->name();
  } else if (cidr) {
    text += cidr->to_string();
  } else {
    text += "(no peer)";
  }
  return text;
}

SecurityGroup::SecurityGroup(std::string name, std::string vpc) : name_(std::move(name)), vpc_(std::move(vpc)) {
  // AWS: a new security group has no inbound rules and one outbound rule allowing all traffic.
  egress_.push_back(SgRule{.traffic = {}, .cidr = kAnywhere, .group = nullptr, .description = "default egress"});
}

SecurityGroup SecurityGroup::make_default(std::string name, std::string vpc) {
  SecurityGroup group(std::move(name), std::move(vpc));
  // AWS: the default group allows inbound traffic from its own members and all outbound traffic.
  group.ingress_.push_back(SgRule{.traffic = {}, .cidr = std::nullopt, .group = &group, .description = "default"});
  return group;
}

SecurityGroup::SecurityGroup(const SecurityGroup& other)
    : name_(other.name_), vpc_(other.vpc_), ingress_(other.ingress_), egress_(other.egress_), members_(other.members_), owner_(other.owner_) {
  rebind_self(&other);
}

SecurityGroup::SecurityGroup(SecurityGroup&& other) noexcept
    : name_(std::move(other.name_)),
      vpc_(std::move(other.vpc_)),
      ingress_(std::move(other.ingress_)),
      egress_(std::move(other.egress_)),
      members_(std::move(other.members_)),
      owner_(other.owner_) {
  rebind_self(&other);
}

SecurityGroup& SecurityGroup::operator=(const SecurityGroup& other) {
  if (this != &other) {
    name_ = other.name_;
    vpc_ = other.vpc_;
    ingress_ = other.ingress_;
    egress_ = other.egress_;
    members_ = other.members_;
    owner_ = other.owner_;
    rebind_self(&other);
  }
  return *this;
}

SecurityGroup& SecurityGroup::operator=(SecurityGroup&& other) noexcept {
  if (this != &other) {
    name_ = std::move(other.name_);
    vpc_ = std::move(other.vpc_);
    ingress_ = std::move(other.ingress_);
    egress_ = std::move(other.egress_);
    members_ = std::move(other.members_);
    owner_ = other.owner_;
    rebind_self(&other);
  }
  return *this;
}

void SecurityGroup::rebind_self(const SecurityGroup* old_self) {
  for (auto* rules : {&ingress_, &egress_}) {
    for (auto& rule : *rules) {
      if (rule.group == old_self) rule.group = this;
    }
  }
}

void SecurityGroup::check(const SgRule& rule, const char* field) const {
  const auto& rules = std::string_view(field) == "ingress" ? ingress_ : egress_;
  std::string where = field;
  where += " rule ";
  where += std::to_string(rules.size() + 1);
  if (rule.cidr.has_value() == (rule.group != nullptr)) {
    throw core::ConfigError(name_, where, "needs exactly one peer: a cidr or a group");
  }
  rule.traffic.validate(name_, where);
  // Same name, other object: a VPC of another Cloud (and Network), which the rule would outlive.
  if (rule.group != nullptr && rule.group != this && rule.group->owner_ != owner_ && rule.group->vpc() == vpc_) {
    throw core::ConfigError(name_, where,
                            "group " + rule.group->name() + " is in VPC " + rule.group->vpc() +
                                " of another Cloud, not in VPC " + vpc_ + " of this one");
  }
  if (rule.group != nullptr && rule.group != this && rule.group->vpc() != vpc_) {
    std::string message = "group ";
    message += rule.group->name();
    message += " is in vpc ";
    message += rule.group->vpc();
    message += ", not ";
    message += vpc_;
    message += " (vpcsim does not reference groups across VPCs)";
    throw core::ConfigError(name_, where, message);
  }
}

void SecurityGroup::add_ingress(SgRule rule) {
  check(rule, "ingress");
  ingress_.push_back(std::move(rule));
}

void SecurityGroup::add_egress(SgRule rule) {
  check(rule, "egress");
  egress_.push_back(std::move(rule));
}

void SecurityGroup::add_member(wire::Ipv4Address address) {
  const auto it = std::lower_bound(members_.begin(), members_.end(), address);
  if (it == members_.end() || *it != address) members_.insert(it, address);
}

void SecurityGroup::remove_member(wire::Ipv4Address address) {
  const auto it = std::lower_bound(members_.begin(), members_.end(), address);
  if (it != members_.end() && *it == address) members_.erase(it);
}

bool SecurityGroup::has_member(wire::Ipv4Address address) const {
  return std::binary_search(members_.begin(), members_.end(), address);
}

const SgRule* SecurityGroup::match(Direction direction, const PacketSummary& packet) const {
  // The peer is the other end: the source of what comes in, the destination of what goes out. Either
  // way the rule's ports are the packet's destination port (the service being reached).
  const wire::Ipv4Address peer = direction == Direction::ingress ? packet.source : packet.destination;
  for (const auto& rule : rules(direction)) {
    if (!rule.traffic.matches(packet, packet.destination_port)) continue;
    const bool peer_matches = rule.group != nullptr ? rule.group->has_member(peer) : rule.cidr->contains(peer);
    if (peer_matches) return &rule;
  }
  return nullptr;
}

SgMatch match_any(std::span<const SecurityGroup* const> groups, Direction direction, const PacketSummary& packet) {
  for (const SecurityGroup* group : groups) {
    if (const SgRule* rule = group->match(direction, packet)) return SgMatch{group, rule};
  }
  return SgMatch{};
}

}  // namespace vpcsim::cloud
