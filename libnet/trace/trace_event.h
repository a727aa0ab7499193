// One thing that happened, as a plain record: what, where, when, to which packet, and why.
//
// Events name nodes and interfaces by small ids that the TraceLog resolves to names, so recording
// a per-packet event costs a few stores; only drops and other rare events carry a sentence.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libnet/core/time.h"
#include "libnet/trace/drop_reason.h"

namespace vpcsim::trace {

enum class TraceKind : std::uint8_t {
  sent,         ///< a node originated a packet (an application, ICMP, ARP)
  received,     ///< a node accepted a packet addressed to itself
  forwarded,    ///< a router forwarded a packet (TTL decremented)
  switched,     ///< a bridge forwarded a frame to one port
  flooded,      ///< a bridge flooded a frame to all other ports
  delivered,    ///< a packet reached a local application or the stack's ICMP handling
  dropped,      ///< see `reason` and `detail`
  arp_resolved, ///< a neighbour entry became reachable
  arp_failed,   ///< a neighbour did not answer
  icmp_error,   ///< a node sent an ICMP error (detail says which, and why)
  translated,   ///< a NAT created a mapping (detail: the flow and what it became)
  nat_unmapped, ///< a packet for a NAT's outside address matched no mapping (detail says why)
};

inline constexpr std::string_view to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::sent: return "sent";
    case TraceKind::received: return "received";
    case TraceKind::forwarded: return "forwarded";
    case TraceKind::switched: return "switched";
    case TraceKind::flooded: return "flooded";
    case TraceKind::delivered: return "delivered";
    case TraceKind::dropped: return "dropped";
    case TraceKind::arp_resolved: return "arp_resolved";
    case TraceKind::arp_failed: return "arp_failed";
    case TraceKind::icmp_error: return "icmp_error";
    case TraceKind::translated: return "translated";
    case TraceKind::nat_unmapped: return "nat_unmapped";
  }
  return "unknown";
}

inline constexpr std::uint32_t kNoId = 0xffffffff;

struct TraceEvent {
  core::Time at = 0;
  TraceKind kind = TraceKind::sent;
  DropReason reason = DropReason::none;
  std::uint32_t node = kNoId;       ///< node id (TraceLog::node_name)
  std::uint32_t interface = kNoId;  ///< interface id (TraceLog::interface_name), or kNoId
  std::uint64_t packet_id = 0;      ///< 0 when not about one packet
  std::string detail;               ///< a sentence for people: "no route to 203.0.113.9"
};

}  // namespace vpcsim::trace
