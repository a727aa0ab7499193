// `explain`: can A reach B on this protocol and port, and if not, what stops it? Answered by sending
// one real probe through the simulated network (a TCP SYN, a UDP datagram, or an ICMP echo request)
// and reading what each cloud component decided about it and about the reply, hop by hop: like AWS's
// Reachability Analyzer, but on packets that are in the pcaps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libnet/cloud/decision.h"

namespace vpcsim::cloud {

struct ExplainQuery {
  std::string from;       ///< an instance or internet host
  std::string to;         ///< an instance, internet host, or an IPv4 address
  std::string protocol = "tcp";  ///< tcp, udp or icmp
  std::uint16_t port = 0;        ///< destination port (tcp, udp)
};

struct ExplainHop {
  PathDirection direction = PathDirection::request;
  ComponentKind kind = ComponentKind::instance;
  std::string component;
  DecisionAction action = DecisionAction::sent;
  std::string detail;
};

struct ExplainAnswer {
  ExplainQuery query;
  std::string destination;   ///< the address the probe was sent to
  bool reachable = false;    ///< the request arrived and the reply came back
  ReasonCode code = ReasonCode::none;
  std::optional<PathDirection> blocked_direction;  ///< set when blocked
  ComponentKind blocked_kind = ComponentKind::instance;
  std::string blocked_by;    ///< the component that stopped the packet
  std::string reason;        ///< the rule or route (or its absence) that decided
  std::string suggestion;    ///< what would change the answer
  std::vector<ExplainHop> hops;

  /// A few lines for people: the verdict, then one line per hop.
  std::string to_text() const;
};

}  // namespace vpcsim::cloud
