// Rewriting a packet's addresses and ports in place for a NAT, with every checksum kept correct by
// incremental update (RFC 1624), as Linux's nf_nat_ipv4_manip_pkt and nf_nat_icmp_reply_translation do.
//
// A NAT decides, per flow and direction, a `target` tuple the packet must end up with. Destination
// rewriting happens on the way in (PREROUTING), source rewriting on the way out (POSTROUTING). An ICMP
// error about a translated flow is rewritten too: its outer header like any packet of the flow's
// direction, and the header it quotes (a packet of the other direction) the other way round, so the
// host that gets the error recognises its own packet.
#pragma once

#include "libnet/stack/flow_tuple.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::stack {

enum class Manip : std::uint8_t { source, destination };

/// Sets the packet's source (or destination) address and port — the echo identifier for ICMP echo —
/// to `target`'s. Updates the IPv4 header checksum and the TCP, UDP or ICMP checksum. A transport
/// header too short to hold its checksum gets the ports rewritten and the checksum left alone.
void rewrite_packet(const wire::Ipv4ViewMut& ip, const FlowTuple& target, Manip manip);

/// For an ICMP error travelling with `target` as its flow direction's translated tuple: the outer
/// header's address (source or destination, per `manip`) becomes target's, and the quoted packet's
/// opposite field (its destination, or its source, with the port) follows. The ICMP checksum is
/// recomputed over the whole message. Returns false, changing nothing, if the quote is unreadable.
bool rewrite_icmp_error(const wire::Ipv4ViewMut& ip, const FlowTuple& target, Manip manip);

}  // namespace vpcsim::stack
