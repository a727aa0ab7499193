// Rules and errors for the cloud tests, written as AWS's consoles show them: traffic("tcp", "5432"),
// from_cidr(traffic("icmp"), "0.0.0.0/0"), from_group(traffic("tcp", "22"), bastion_sg).
#pragma once

#include <string>
#include <string_view>

#include "libnet/cloud/security_group.h"
#include "libnet/cloud/traffic_selector.h"
#include "libnet/core/error.h"

namespace vpcsim::cloud::testing {

inline TrafficSelector traffic(std::string_view protocol, std::string_view ports = "") {
  return TrafficSelector{RuleProtocol::parse(protocol, "test", "protocol"), RulePorts::parse(ports, "test", "ports")};
}
inline SgRule from_cidr(TrafficSelector t, std::string_view cidr) {
  return SgRule{.traffic = t, .cidr = wire::Ipv4Prefix::parse(cidr)};
}
inline SgRule from_group(TrafficSelector t, const SecurityGroup& group) { return SgRule{.traffic = t, .group = &group}; }

/// The message of the core::ConfigError `f` throws, or "" when it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const core::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace vpcsim::cloud::testing
