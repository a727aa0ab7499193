// Choosing the outside port (or ICMP echo identifier) of a source-translated flow, as Linux's
// get_unique_tuple() / nf_nat_l4proto_unique_tuple() do: keep the flow's own port when the translated
// tuple is still unique (so most flows keep their port, which is what makes masquerade look
// transparent); otherwise try the ports of the range from a random offset on.
//
// Like Linux, the search is bounded: 128 consecutive ports from a random offset, then 64, 32, 16 and
// 8 from new random offsets (a range smaller than 128 is searched once, whole). So a nearly full
// range can refuse a flow while ports are still free, and a new flow never costs more than 248
// lookups. A caller that must find any free port (an AWS NAT gateway, which fails only at its
// documented limits) passes a cursor instead: the whole range is searched from the cursor on, and
// the cursor moves past the port found, so a run of flows to one destination costs O(1) each.
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
                                             core::Rng& rng, std::uint32_t* cursor = nullptr);

}  // namespace vpcsim::stack
