// The "which traffic" half of a security-group or network-ACL rule, as AWS writes it: a protocol
// (all, tcp, udp, icmp, or any IP protocol number), a port range for TCP and UDP, a type and code for
// ICMP, and the peer's CIDR.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libnet/cloud/packet_summary.h"
#include "libnet/wire/ipv4_prefix.h"

namespace vpcsim::cloud {

/// AWS's IpProtocol: "-1" (all), "tcp", "udp", "icmp", or a number.
struct RuleProtocol {
  static constexpr int kAll = -1;
  int number = kAll;

  /// "all" / "-1", "tcp", "udp", "icmp", or "0".."255". Throws core::ConfigError naming `field`.
  static RuleProtocol parse(std::string_view text, const std::string& object, const std::string& field);
  bool matches(std::uint8_t protocol) const { return number == kAll || number == protocol; }
  bool has_ports() const { return number == 6 || number == 17; }
  bool is_icmp() const { return number == 1; }
  std::string to_string() const;  ///< "all", "tcp", "udp", "icmp", "47"
};

/// Inclusive TCP/UDP port range; the default is every port. For ICMP the same two fields hold the
/// type and code, -1 meaning any (AWS: FromPort is the type, ToPort the code).
struct RulePorts {
  int from = -1;
  int to = -1;
  bool any() const { return from == -1; }
  /// "5432", "1024-65535", or "" / "all" for every port. Throws core::ConfigError naming `field`.
  static RulePorts parse(std::string_view text, const std::string& object, const std::string& field);
  std::string to_string() const;
};

struct TrafficSelector {
  RuleProtocol protocol{};
  RulePorts ports{};  ///< TCP/UDP destination ports of the rule's direction; ICMP type/code

  /// Whether `packet`'s protocol and ports (or ICMP type/code) fall under this selector. `port` is the
  /// port the rule constrains: the destination port for ingress and outbound-ACL rules read as AWS
  /// does (see SecurityGroup / NetworkAcl).
  bool matches(const PacketSummary& packet, std::uint16_t port) const;
  /// Throws core::ConfigError(object, field, ...) for a protocol outside -1..255, ports on a protocol
  /// without ports (all, or a number other than tcp/udp/icmp), a TCP/UDP range outside 0-65535 or
  /// reversed, or an ICMP type/code outside -1..255 (or a code with every type).
  void validate(const std::string& object, const std::string& field) const;
  /// "tcp 5432", "tcp 1024-65535", "icmp type 8", "all traffic".
  std::string to_string() const;
};

}  // namespace vpcsim::cloud
