// ICMP error generation as Linux's icmp_send() decides it (net/ipv4/icmp.c): which offending packets
// may be answered at all, what the error quotes and carries, and the per-destination rate limit. A
// node (node::IpNode) asks plan_icmp_error() for the message, routes it back to the offender's source
// and sends it; this unit holds the policy, so that every node answers the same way.
//
// The rules, in icmp_send's order: never about a non-first fragment, never to a source that is not a
// unicast host address (0.0.0.0, multicast, broadcast, loopback: the node adds its own subnet
// broadcasts), never about an ICMP error nor an ICMP type the kernel does not know (NR_ICMP_TYPES);
// the error quotes as much of the offending datagram as fits in 576 bytes (RFC 1812 §4.3.2.3) and
// carries TOS (offending TOS & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL, DF clear, TTL 64. Rate
// limiting follows icmp_ratelimit (1000 ms, a token bucket with burst 6 per destination, XRLIM) for
// the types of icmp_ratemask 0x1818, fragmentation needed excepted so that path MTU discovery works.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "libnet/core/flat_hash_map.h"
#include "libnet/core/time.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::stack {

/// The error to send about one offending datagram: its IPv4 header (source still to be chosen by the
/// route back, unless the offending packet was addressed to `local_destination`) and ICMP message.
struct IcmpErrorPlan {
  wire::Ipv4Repr ip;    ///< dst: the offender's source; src: unspecified, or the address it was sent to
  wire::IcmpRepr icmp;  ///< quotes a prefix of the offending datagram (borrowed)
};

/// What icmp_send() would answer to `offending` (an IPv4 datagram, maybe cut short), or nothing.
/// `local_destination`: the offending packet was sent to one of the node's addresses (its source
/// then is that address, as for a port unreachable). The node still checks the source against its
/// own subnet broadcasts, and the rate limit.
std::optional<IcmpErrorPlan> plan_icmp_error(std::span<const std::uint8_t> offending, std::uint8_t type,
                                             std::uint8_t code, std::uint16_t next_hop_mtu, bool local_destination);

/// Whether icmp_ratemask (0x1818) limits this error: destination unreachable (but fragmentation
/// needed), source quench, time exceeded, parameter problem.
bool is_rate_limited_icmp(std::uint8_t type, std::uint8_t code);

/// "port unreachable", "time exceeded", ...: for trace notes.
std::string describe_icmp_error(std::uint8_t type, std::uint8_t code);

/// icmp_ratelimit's token bucket per destination (xrlim_allow): 1 error per second, bursts of 6.
class IcmpRateLimiter {
 public:
  /// True if an error to `destination` may go now (and takes a token).
  bool allow(wire::Ipv4Address destination, core::Time now);

 private:
  struct Bucket {
    core::Time tokens = 0;
    core::Time last = 0;
  };
  core::FlatHashMap<std::uint32_t, Bucket> buckets_;
};

}  // namespace vpcsim::stack
