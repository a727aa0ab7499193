// The record of what happened in one simulation, and the per-node drop counters.
//
// Drops, ARP outcomes and ICMP errors are always recorded: they are rare and they are the answers
// users look for. Per-packet events (sent, received, forwarded, switched) are recorded only when
// `set_record_packets(true)`: on by default for learning and debugging, off in benchmarks.
//
// A NAT's translations (one note per new flow) are recorded with the per-packet events, or on their
// own with `set_record_translations(true)`: they explain outcomes, so scenario runs keep them at
// every level, while benchmarks of 100,000 flows keep neither.
//
// A TraceSink (set_sink) sees every event as it is recorded. Per-packet events then go to the sink
// only and are not kept (unless `set_keep_packets(true)`: explain reads its probe's path back): a
// run of millions of hops streams its trace to a file (JsonlStream) in constant memory instead of
// holding every event until the end. Drops and notes are kept as well.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libnet/core/flat_hash_map.h"
#include "libnet/trace/trace_event.h"

namespace vpcsim::trace {

class TraceLog;

/// Receives every event as it is recorded (see TraceLog::set_sink).
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const TraceLog& log, const TraceEvent& event) = 0;
  /// Bytes it wrote so far (a file's size), for the run's max_trace_bytes.
  virtual std::uint64_t bytes_written() const { return 0; }
};

class TraceLog {
 public:
  std::uint32_t register_node(std::string_view name);
  std::uint32_t register_interface(std::uint32_t node, std::string_view name);
  /// "?" for an id never registered.
  std::string node_name(std::uint32_t node) const;
  /// "r1.eth0"
  std::string interface_name(std::uint32_t interface) const;
  /// "eth0": the name the interface was registered with (an interface keeps no copy of its own).
  std::string_view interface_short_name(std::uint32_t interface) const {
    return interface < interfaces_.size() ? view(interfaces_[interface].name) : std::string_view("?");
  }
  std::uint32_t interface_node(std::uint32_t interface) const { return interfaces_.at(interface).node; }

  bool record_packets() const { return record_packets_; }
  void set_record_packets(bool on) { record_packets_ = on; }
  /// Whether NATs note each translation they create: with the packets, or on its own.
  bool record_translations() const { return record_packets_ || record_translations_; }
  void set_record_translations(bool on) { record_translations_ = on; }
  /// With a sink, whether per-packet events are kept as well as given to it (off by default).
  bool keep_packets() const { return keep_packets_; }
  void set_keep_packets(bool on) { keep_packets_ = on; }

  /// A per-packet event; ignored unless record_packets(). With a sink, given to it and (unless
  /// keep_packets()) not kept.
  void packet(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id) {
    if (record_packets_) {
      if (sink_ == nullptr) {
        events_.push_back(TraceEvent{at, kind, DropReason::none, node, interface, packet_id, {}});
      } else {
        streamed_packet(TraceEvent{at, kind, DropReason::none, node, interface, packet_id, {}});
      }
    }
  }
  /// A drop: always recorded and counted against the node.
  void drop(core::Time at, DropReason reason, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id,
            std::string detail);
  /// Any other notable event (ARP outcome, ICMP error sent): always recorded.
  void note(core::Time at, TraceKind kind, std::uint32_t node, std::uint32_t interface, std::uint64_t packet_id,
            std::string detail);

  /// Every event from now on also goes to `sink` (which the log owns from now on; nullptr: none).
  /// The events already kept are given to it first, so that it sees the whole trace in order.
  void set_sink(std::unique_ptr<TraceSink> sink);
  /// Stops giving events to the sink and hands it back (to close it), or nullptr.
  std::unique_ptr<TraceSink> take_sink() { return std::move(sink_); }
  TraceSink* sink() const { return sink_.get(); }

  /// The events kept: all of them, or without a sink's per-packet events.
  const std::vector<TraceEvent>& events() const { return events_; }
  /// The drops kept, in order (a copy: results need them without the per-packet events).
  std::vector<TraceEvent> drops() const;
  void clear_events() { events_.clear(); }
  /// Every event about one packet, in order: its path through the network.
  std::vector<TraceEvent> path_of(std::uint64_t packet_id) const;
  /// Drops counted at a node for a reason (counted even when events are cleared).
  std::uint64_t drop_count(std::uint32_t node, DropReason reason) const;
  std::uint64_t total_drops() const { return total_drops_; }
  /// What the trace takes: the bytes its sink wrote plus the events kept in memory (their fixed
  /// part), for the run's max_trace_bytes.
  std::uint64_t bytes() const {
    return (sink_ != nullptr ? sink_->bytes_written() : 0) + events_.size() * sizeof(TraceEvent);
  }

  /// "1.000250s r1 dropped no_route: no route to 203.0.113.9 (packet 7)"
  std::string to_string(const TraceEvent& event) const;

 private:
  void streamed_packet(TraceEvent event) {
    sink_->on_event(*this, event);
    if (keep_packets_) events_.push_back(std::move(event));
  }
  void keep(TraceEvent event) {
    if (sink_ != nullptr) sink_->on_event(*this, event);
    events_.push_back(std::move(event));
  }

  bool record_packets_ = true;
  bool record_translations_ = false;
  bool keep_packets_ = false;
  std::unique_ptr<TraceSink> sink_;
  std::vector<TraceEvent> events_;
  // Names are kept back to back in one string (a few bytes each) rather than as a std::string per node
  // and per interface (32 bytes each, three per host): full interface names are composed when asked
  // for, which only error messages and trace output do.
  struct Name {
    std::uint32_t offset;
    std::uint32_t length;
  };
  struct InterfaceEntry {
    std::uint32_t node;
    Name name;
  };
  Name store(std::string_view name);
  std::string_view view(Name name) const { return std::string_view(names_).substr(name.offset, name.length); }

  std::string names_;
  std::vector<Name> nodes_;
  std::vector<InterfaceEntry> interfaces_;
  core::FlatHashMap<std::uint64_t, std::uint64_t> drop_counts_;  ///< by node << 8 | reason; drops are rare, nodes many
  std::uint64_t total_drops_ = 0;
};

}  // namespace vpcsim::trace
