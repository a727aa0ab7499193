#include "libnet/cloud/traffic_selector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <optional>

#include "libnet/core/error.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::cloud {
namespace {

constexpr int kMaxPort = 65535;
constexpr int kMaxIcmpField = 255;

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Concatenation without `"lit" + std::string`, which trips g++12's false -Wrestrict at -O3.
std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto part : parts) out += part;
  return out;
}

std::string quoted(std::string_view text) { return join({"'", text, "'"}); }

}  // namespace

RuleProtocol RuleProtocol::parse(std::string_view text, const std::string& object, const std::string& field) {
  const std::string name = lower(text);
  if (name == "all" || name == "-1") return RuleProtocol{kAll};
  if (name == "tcp") return RuleProtocol{wire::kIpProtoTcp};
  if (name == "udp") return RuleProtocol{wire::kIpProtoUdp};
  if (name == "icmp") return RuleProtocol{wire::kIpProtoIcmp};
  if (const auto number = parse_int(name); number && *number >= 0 && *number <= 255) return RuleProtocol{*number};
  throw core::ConfigError(object, field,
                          join({quoted(text), " is not a protocol: use all (-1), tcp, udp, icmp or a number 0-255"}));
}

std::string RuleProtocol::to_string() const {
  switch (number) {
    case kAll: return "all";
    case wire::kIpProtoTcp: return "tcp";
    case wire::kIpProtoUdp: return "udp";
    case wire::kIpProtoIcmp: return "icmp";
  }
  return std::to_string(number);
}

RulePorts RulePorts::parse(std::string_view text, const std::string& object, const std::string& field) {
  const std::string name = lower(text);
  if (name.empty() || name == "all" || name == "-1") return RulePorts{};
  const auto dash = name.find('-');
  const std::string_view first = std::string_view(name).substr(0, dash);
  const std::string_view last = dash == std::string::npos ? first : std::string_view(name).substr(dash + 1);
  const auto from = parse_int(first);
  const auto to = parse_int(last);
  if (!from || !to) {
    throw core::ConfigError(object, field, join({quoted(text), " is not a port or range: use 443, 1024-65535 or all"}));
  }
  if (*from < 0 || *from > kMaxPort || *to < 0 || *to > kMaxPort) {
    throw core::ConfigError(object, field, join({quoted(text), ": ports must be 0-65535"}));
  }
  if (*from > *to) throw core::ConfigError(object, field, join({quoted(text), ": range is reversed"}));
  return RulePorts{*from, *to};
}

std::string RulePorts::to_string() const {
  if (any()) return "all";
  if (from == to) return std::to_string(from);
  std::string text = std::to_string(from);
  text += '-';
  text += std::to_string(to);
  return text;
}

bool TrafficSelector::matches(const PacketSummary& packet, std::uint16_t port) const {
  if (!protocol.matches(packet.protocol)) return false;
  if (protocol.has_ports()) return ports.any() || (port >= ports.from && port <= ports.to);
  if (protocol.is_icmp()) {
    // AWS: FromPort is the ICMP type and ToPort the code, -1 meaning any.
    return (ports.from == -1 || ports.from == packet.icmp_type) && (ports.to == -1 || ports.to == packet.icmp_code);
  }
  return true;  // "all" or a protocol without ports: every packet of it
}

void TrafficSelector::validate(const std::string& object, const std::string& field) const {
  if (protocol.number < RuleProtocol::kAll || protocol.number > 255) {
    throw core::ConfigError(object, field, join({"protocol ", std::to_string(protocol.number), " is not -1 (all) or 0-255"}));
  }
  if (protocol.is_icmp()) {
    if (ports.from < -1 || ports.from > kMaxIcmpField || ports.to < -1 || ports.to > kMaxIcmpField) {
      throw core::ConfigError(object, field,
                              join({"icmp type ", std::to_string(ports.from), " code ", std::to_string(ports.to),
                                    ": type and code must be -1 (any) or 0-255"}));
    }
    if (ports.from == -1 && ports.to != -1) {
      throw core::ConfigError(object, field, join({"icmp code ", std::to_string(ports.to), " needs a type, not every type"}));
    }
    return;
  }
  if (!protocol.has_ports()) {
    if (ports.from != -1 || ports.to != -1) {
      throw core::ConfigError(object, field,
                              join({"ports ", ports.to_string(), " given for protocol ", protocol.to_string(),
                                    ", which has no ports (only tcp and udp do; icmp takes a type and code)"}));
    }
    return;
  }
  if (ports.any() && ports.to == -1) return;
  if (ports.from < 0 || ports.from > kMaxPort || ports.to < 0 || ports.to > kMaxPort) {
    throw core::ConfigError(object, field,
                            join({"port range ", std::to_string(ports.from), "-", std::to_string(ports.to),
                                  ": ports must be 0-65535"}));
  }
  if (ports.from > ports.to) {
    throw core::ConfigError(object, field, join({"port range ", ports.to_string(), " is reversed"}));
  }
}

std::string TrafficSelector::to_string() const {
  if (protocol.number == RuleProtocol::kAll) return "all traffic";
  std::string text = protocol.to_string();
  if (protocol.has_ports()) {
    text += ' ';
    text += ports.any() ? "all ports" : ports.to_string();
  } else if (protocol.is_icmp()) {
    if (ports.from == -1) {
      text += " all types";
    } else {
      text += " type ";
      text += std::to_string(ports.from);
      if (ports.to != -1) {
        text += " code ";
        text += std::to_string(ports.to);
      }
    }
  } else {
    text = join({"protocol ", text});
  }
  return text;
}

}  // namespace vpcsim::cloud
