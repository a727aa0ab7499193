// Choosing the outside port (or ICMP echo identifier) of a source-translated flow, as Linux's
// get_unique_tuple() / nf_nat_l4proto_unique_tuple() do: keep the flow's own port when the translated
// tuple is still unique (so most flows keep their port, which is what makes masquerade look
// transparent); otherwise try the ports of the range from a random offset on.
//
// Linux tries at most 128 ports per round and halves the attempts in later rounds, so it can give up
// while a few ports are still free; vpcsim scans the whole range, so it fails only when every port is
// taken. That difference only shows within a few ports of exhaustion.
#pragma once

#include <cstdint>
#include <optional>

#include "libnet/core/rng.h"
#include "libnet/stack/conntrack.h"
#include "libnet/stack/flow_tuple.h"

namespace vpcsim::stack {

/// Inclusive port range; {0, 0} means Linux's default for the port (below).
struct PortRange {
  std::uint16_t min = 0;
  std::uint16_t max = 0;
  bool specified() const { return max != 0; }
  bool contains(std::uint16_t port) const { return port >= min && port <= max; }
};

/// Linux's range when none is given: ICMP identifiers 0-65535; TCP/UDP ports below 512 map into
/// 1-511, 512-1023 into 600-1023, the rest into 1024-65535.
PortRange default_port_range(std::uint8_t protocol, std::uint16_t port);

/// `translated` is the flow's original-direction tuple with its source already rewritten. Returns it
/// with a source port (both ports for ICMP) such that its inverse is not in `conntrack`, or nullopt
/// when the range is exhausted.
std::optional<FlowTuple> unique_source_tuple(const ConnTrack& conntrack, FlowTuple translated, PortRange range,
                                             core::Rng& rng);

}  // namespace vpcsim::stack
