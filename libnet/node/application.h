// An application running on a node (ping, traceroute, a UDP client or responder): something with a
// kind, a one-line summary and an outcome that scenarios and tests can check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vpcsim::node {

/// What became of a probe: answered, answered with an ICMP error, or nothing came back; or, for a
/// probe to a name, that the name did not resolve: NXDOMAIN or no address (name_not_found), no DNS
/// server answered (dns_timeout), or the servers answered SERVFAIL/REFUSED (dns_failure).
enum class Outcome : std::uint8_t { pending, reply, unreachable, timeout, name_not_found, dns_timeout, dns_failure };
std::string_view to_string(Outcome outcome);

/// Every application type also has a `Config` (what it is made from) and a constructor
/// (IpNode&, Config), so that IpNode::add_application<App>(config) makes any of them.
class Application {
 public:
  virtual ~Application() = default;
  virtual std::string_view kind() const = 0;
  /// A line for people: "ping 10.0.2.20: 2 sent, 2 received, rtt 0.041/0.040 ms".
  virtual std::string summary() const = 0;
  /// reply / unreachable / timeout once the run is over (pending while probes are outstanding).
  virtual Outcome outcome() const = 0;
};

}  // namespace vpcsim::node
