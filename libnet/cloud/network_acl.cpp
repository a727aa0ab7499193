#include "libnet/cloud/network_acl.h"

#include <algorithm>

#include "libnet/core/error.h"

namespace vpcsim::cloud {
namespace {

std::string rule_field(AclDirection direction, int number) {
  std::string field = to_string(direction);
  field += " rule ";
  field += std::to_string(number);
  return field;
}

// "allow tcp 443 from 0.0.0.0/0": a rule without its number.
std::string rule_body(const AclRule& rule, AclDirection direction) {
  std::string text = rule.allow ? "allow " : "deny ";
  text += rule.traffic.to_string();
  text += direction == AclDirection::inbound ? " from " : " to ";
  text += rule.cidr.to_string();
  return text;
}

}  // namespace

const char* to_string(AclDirection direction) { return direction == AclDirection::inbound ? "inbound" : "outbound"; }

std::string AclRule::to_string(AclDirection direction) const {
  std::string text = "rule ";
  text += std::to_string(number);
  text += ": ";
  text += rule_body(*this, direction);
  return text;
}

NetworkAcl::NetworkAcl(std::string name, std::string vpc) : name_(std::move(name)), vpc_(std::move(vpc)) {}

NetworkAcl NetworkAcl::make_default(std::string name, std::string vpc) {
  NetworkAcl acl(std::move(name), std::move(vpc));
  // AWS: the default network ACL allows all inbound and outbound traffic with rule 100.
  const AclRule allow_all{.number = 100, .traffic = {}, .cidr = {}, .allow = true};
  acl.add_rule(AclDirection::inbound, allow_all);
  acl.add_rule(AclDirection::outbound, allow_all);
  return acl;
}

void NetworkAcl::add_rule(AclDirection direction, AclRule rule) {
  const std::string field = rule_field(direction, rule.number);
  if (rule.number < AclRule::kMinNumber || rule.number > AclRule::kMaxNumber) {
    throw core::ConfigError(name_, field, "number must be 1-32766");
  }
  rule.traffic.validate(name_, field);
  auto& rules = direction == AclDirection::inbound ? inbound_ : outbound_;
  const auto it = std::lower_bound(rules.begin(), rules.end(), rule.number,
                                   [](const AclRule& r, int number) { return r.number < number; });
  if (it != rules.end() && it->number == rule.number) {
    std::string message = "number already used by ";
    message += it->to_string(direction);
    throw core::ConfigError(name_, field, message);
  }
  rules.insert(it, std::move(rule));
}

bool NetworkAcl::remove_rule(AclDirection direction, int number) {
  auto& rules = direction == AclDirection::inbound ? inbound_ : outbound_;
  const auto it = std::find_if(rules.begin(), rules.end(), [number](const AclRule& r) { return r.number == number; });
  if (it == rules.end()) return false;
  rules.erase(it);
  return true;
}

const AclRule* NetworkAcl::decide(AclDirection direction, const PacketSummary& packet) const {
  // Stateless: a reply is judged like any packet. The peer is the source of what comes in and the
  // destination of what goes out; the rule's ports are always the packet's destination port.
  const wire::Ipv4Address peer = direction == AclDirection::inbound ? packet.source : packet.destination;
  for (const auto& rule : rules(direction))  // sorted: lowest number first, first match decides
    if (rule.cidr.contains(peer) && rule.traffic.matches(packet, packet.destination_port)) return &rule;
  return nullptr;
}

AclVerdict NetworkAcl::evaluate(AclDirection direction, const PacketSummary& packet) const {
  const AclRule* rule = decide(direction, packet);
  if (rule == nullptr) return AclVerdict{.allowed = false, .rule = std::nullopt, .description = "rule * (deny all traffic)"};
  std::string description = "rule ";
  description += std::to_string(rule->number);
  description += " (";
  description += rule_body(*rule, direction);
  description += ')';
  return AclVerdict{.allowed = rule->allow, .rule = rule->number, .description = std::move(description)};
}

}  // namespace vpcsim::cloud
