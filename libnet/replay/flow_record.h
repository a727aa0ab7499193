// The replay engine's answer per flow: a 5-tuple with both directions joined, what was replayed each
// way, and what became of it. This is the table `vpcsim replay` prints, results.json's `replay.flows`
// holds, and `--diff` compares run against run (the what-if: which flows does a change break).
//
// A flow is keyed as the capture saw it, with the side that opened it as the client (tcpprep's
// vocabulary); `translated` is the same flow as it arrived on the server side, after any NAT
// (masquerade, an AWS NAT or internet gateway) rewrote it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "libnet/core/time.h"
#include "libnet/trace/drop_reason.h"
#include "libnet/wire/ipv4_address.h"

namespace vpcsim::replay {

/// A 5-tuple, direction-free: client is the side that opened the flow. ICMP echo uses its identifier
/// as both ports (as conntrack does); other protocols without ports use 0.
struct FlowKey {
  std::uint8_t protocol = 0;  ///< IPv4 protocol number: 1 icmp, 6 tcp, 17 udp
  wire::Ipv4Address client;
  std::uint16_t client_port = 0;
  wire::Ipv4Address server;
  std::uint16_t server_port = 0;

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
  /// The same flow seen from the other side (client and server swapped).
  FlowKey reversed() const { return FlowKey{protocol, server, server_port, client, client_port}; }
  /// 64 well-mixed bits of the key, for hash tables.
  std::uint64_t hash() const;
};
struct FlowKeyHash {
  std::size_t operator()(const FlowKey& key) const { return static_cast<std::size_t>(key.hash()); }
};
/// "tcp 10.0.2.15:44188 -> 192.0.47.59:43", "icmp 10.0.0.1 -> 10.0.0.2 id 7"
std::string to_string(const FlowKey& key);
/// "tcp", "udp", "icmp" or the number.
std::string protocol_name(std::uint8_t protocol);

/// What became of a flow.
enum class FlowOutcome : std::uint8_t {
  delivered,     ///< every replayed packet reached its destination (a replay port or a node)
  dropped,       ///< a packet was dropped on the way (queue, ARP, TTL, MTU, no route, ...)
  blocked,       ///< a policy stopped it: a security group, network ACL, NAT gateway, source/dest check
  not_replayed,  ///< nothing of it was sent (no attachment for its side, --limit, outside the window)
};
std::string_view to_string(FlowOutcome outcome);

struct FlowRecord {
  FlowKey key;         ///< as captured; client = who opened the flow
  FlowKey translated;  ///< as it arrived on the server side (== key when nothing translated it)
  std::uint64_t packets_to_server = 0;  ///< replayed client -> server
  std::uint64_t bytes_to_server = 0;
  std::uint64_t packets_to_client = 0;  ///< replayed server -> client
  std::uint64_t bytes_to_client = 0;
  std::uint64_t delivered_to_server = 0;  ///< of those, packets that arrived
  std::uint64_t delivered_to_client = 0;
  std::uint64_t dropped = 0;              ///< packets dropped on the way (either direction)
  /// Packets the topology itself sent back for the flow and a replay port absorbed: a simulated
  /// server's TCP segments when only the client side is replayed (ReplayEngine learns its sequence
  /// numbers, tcp_peer.h), of which `resets` were RSTs.
  std::uint64_t answers = 0;
  std::uint64_t resets = 0;
  /// ICMP errors quoting one of the flow's packets that reached a replay port (port or host
  /// unreachable, time exceeded, fragmentation needed), and the first one ("port unreachable from
  /// 10.0.1.10").
  std::uint64_t icmp_errors = 0;
  std::string icmp_error;
  core::Time first_sent = 0;  ///< simulated time of the first and last replayed packet
  core::Time last_sent = 0;
  FlowOutcome outcome = FlowOutcome::not_replayed;
  /// For dropped/blocked: the explain-style code of the first drop ("SUBNET_ACL_RESTRICTION",
  /// "ENI_SG_RULES_MISMATCH", "NO_ROUTE_TO_DESTINATION", "PACKET_DROPPED"), else "".
  std::string code;
  trace::DropReason drop_reason = trace::DropReason::none;  ///< the trace's reason for that drop
  std::string component;  ///< the node that dropped it ("vpc1-router", "nat1")
  std::string rule;       ///< the trace's sentence: the rule or route that decided
};

}  // namespace vpcsim::replay
