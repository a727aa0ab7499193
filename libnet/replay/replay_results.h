// What a replay reports: a fate per replayed packet, the flow table (flow_record.h), and a summary.
// The same records feed the CLI's table, results.json's `replay` section and Python's DataFrames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "libnet/replay/flow_record.h"
#include "libnet/replay/replay_source.h"

namespace vpcsim::replay {

enum class PacketOutcome : std::uint8_t {
  delivered,  ///< arrived at the other side's replay port
  dropped,    ///< dropped on the way (the trace says where and why)
  sent,       ///< sent, and neither arrived at a replay port nor was dropped: a node took it (a real host)
  held,       ///< a reply never sent: its flow's first packet never reached this side's port
  not_sent,   ///< no attachment for its side, over the MTU, or an ARP frame the ports answer live
};
std::string_view to_string(PacketOutcome outcome);

struct PacketFate {
  std::uint64_t index = 0;   ///< position among the replayed records (all loops)
  std::uint64_t record = 0;  ///< position in the source
  Side side = Side::client;
  std::int64_t flow = -1;    ///< index into flows(), -1 for a frame with no IPv4 flow (ARP, IPv6)
  std::uint32_t wire_len = 0;
  core::Time sent_at = -1;     ///< -1 if never sent
  core::Time arrived_at = -1;  ///< -1 unless delivered
  PacketOutcome outcome = PacketOutcome::not_sent;
  std::string where;  ///< the port it arrived at, or the node that dropped it
  trace::DropReason reason = trace::DropReason::none;
  std::string detail;  ///< the trace's sentence for a drop, or why it was not sent
};

struct ReplaySummary {
  std::string source;
  std::uint64_t records = 0;     ///< records read (first pass)
  std::uint64_t packets = 0;     ///< replayable records taken (all loops, within window and limit)
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;   ///< arrived at a replay port
  std::uint64_t dropped = 0;
  std::uint64_t held = 0;
  std::uint64_t not_sent = 0;
  std::uint64_t arp_answered = 0;  ///< ARP requests the ports answered
  std::uint64_t absorbed_other = 0;  ///< frames the ports absorbed that were not replayed packets
  std::uint64_t malformed = 0;   ///< from the source's errors
  std::uint64_t truncated = 0;
  std::uint64_t adapted = 0;
  bool stopped_early = false;
  std::uint64_t flows = 0;
  core::Time first_sent = -1;
  core::Time last_sent = -1;
};

struct ReplayResults {
  ReplaySummary summary;
  std::vector<FlowRecord> flows;
  std::vector<PacketFate> packets;  ///< empty unless ReplayConfig::record_packets
  std::vector<ReplayError> errors;
};

}  // namespace vpcsim::replay
