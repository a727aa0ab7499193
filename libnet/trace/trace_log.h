// The record of what happened in one simulation, and the per-node drop counters.
//
// Drops, ARP outcomes and ICMP errors are always recorded: they are rare and they are the answers
// users look for. Per-packet events (sent, received, forwarded, switched) are recorded only when
// `set_record_packets(true)`: on by default for learning and debugging, off in benchmarks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "libnet/core/flat_hash_map.h"
#include "libnet/trace/trace_event.h"

namespace vpcsim::trace {

class TraceLog {
 public:
  std::uint32_t register_node(std::string name);
  std::uint32_t register_interface(std::uint32_t node, std::string name);
  const std::string& node_name(std::uint32_t node) const;
  /// "r1.eth0"
  const std::string& interface_name(std::uint32_t interface) const;
  std::uint32_t interface_node(std::uint32_t interface) const { return interface_nodes_.at(interface); }

  bool record_packets() const { return record_packets_; }
  void set_record_packets(bool on) { record_packets_ = on; }

  /// A per-packet event; ignored unless record_packets().
  void packet(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id) {
    if (record_packets_) events_.push_back(TraceEvent{at, kind, DropReason::none, node, interface, packet_id, {}});
  }
  /// A drop: always recorded and counted against the node.
  void drop(core::Time at, DropReason reason, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id,
            std::string detail);
  /// Any other notable event (ARP outcome, ICMP error sent): always recorded.
  void note(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id,
            std::string detail);

  const std::vector<TraceEvent>& events() const { return events_; }
  void clear_events() { events_.clear(); }
  /// Every event about one packet, in order: its path through the network.
  std::vector<TraceEvent> path_of(std::uint64_t packet_id) const;
  /// Drops counted at a node for a reason (counted even when events are cleared).
  std::uint64_t drop_count(std::uint32_t node, DropReason reason) const;
  std::uint64_t total_drops() const { return total_drops_; }

  /// "1.000250s r1 dropped no_route: no route to 203.0.113.9 (packet 7)"
  std::string to_string(const TraceEvent& event) const;

 private:
  bool record_packets_ = true;
  std::vector<TraceEvent> events_;
  std::vector<std::string> node_names_;
  std::vector<std::string> interface_names_;
  std::vector<std::uint32_t> interface_nodes_;
  core::FlatHashMap<std::uint64_t, std::uint64_t> drop_counts_;  ///< by node << 8 | reason; drops are rare, nodes many
  std::uint64_t total_drops_ = 0;
};

}  // namespace vpcsim::trace
