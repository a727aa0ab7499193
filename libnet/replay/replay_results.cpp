// The replay's tables: fates resolved against the trace's drops, flows' outcomes and codes (see
// replay_results.h).
#include "libnet/replay/replay_results.h"

#include "libnet/cloud/decision.h"
#include "libnet/replay/replay_config.h"
#include "libnet/replay/replay_engine.h"

namespace vpcsim::replay {

std::string_view to_string(PacketOutcome outcome) {
  switch (outcome) {
    case PacketOutcome::delivered: return "delivered";
    case PacketOutcome::dropped: return "dropped";
    case PacketOutcome::sent: return "sent";
    case PacketOutcome::held: return "held";
    case PacketOutcome::not_sent: return "not_sent";
  }
  return "unknown";
}

std::string_view to_string(SplitMode mode) {
  switch (mode) {
    case SplitMode::none: return "none";
    case SplitMode::automatic: return "auto";
    case SplitMode::cidr: return "cidr";
    case SplitMode::mac: return "mac";
  }
  return "unknown";
}

std::string_view to_string(TimingMode mode) {
  switch (mode) {
    case TimingMode::original: return "original";
    case TimingMode::pps: return "pps";
    case TimingMode::mbps: return "mbps";
    case TimingMode::topspeed: return "topspeed";
  }
  return "unknown";
}

namespace {

/// The explain code for a drop (docs/cloud.md): policy blocks keep their own, the rest are
/// PACKET_DROPPED except a missing route.
cloud::ReasonCode code_of(trace::DropReason reason) {
  using trace::DropReason;
  switch (reason) {
    case DropReason::acl_denied: return cloud::ReasonCode::subnet_acl_restriction;
    case DropReason::security_group_denied: return cloud::ReasonCode::eni_sg_rules_mismatch;
    case DropReason::source_dest_check: return cloud::ReasonCode::eni_source_dest_check_restriction;
    case DropReason::no_public_address: return cloud::ReasonCode::igw_no_public_ip;
    case DropReason::nat_gateway_refused: return cloud::ReasonCode::nat_gateway_no_inbound;
    case DropReason::vpc_router_refused: return cloud::ReasonCode::vpc_router_no_answer;
    case DropReason::no_route:
    case DropReason::unreachable_route:
    case DropReason::prohibit_route: return cloud::ReasonCode::no_route_to_destination;
    case DropReason::blackhole_route: return cloud::ReasonCode::route_blackhole;
    default: return cloud::ReasonCode::packet_dropped;
  }
}

bool is_policy(trace::DropReason reason) {
  using trace::DropReason;
  return reason == DropReason::acl_denied || reason == DropReason::security_group_denied ||
         reason == DropReason::source_dest_check || reason == DropReason::no_public_address ||
         reason == DropReason::nat_gateway_refused;
}

}  // namespace

ReplayResults ReplayEngine::results() const {
  ReplayResults out;
  const trace::TraceLog& trace = network_.trace();
  const ReplayErrors& errors = source_->errors();
  ReplaySummary& summary = out.summary;
  summary.source = source_->name();
  summary.records = errors.records;
  summary.packets = taken_;
  summary.sent = sent_;
  summary.delivered = delivered_;
  summary.held = held_;
  summary.not_sent = not_sent_;
  summary.arp_answered = client_port_->arp_answered() + (server_port_ ? server_port_->arp_answered() : 0);
  summary.absorbed_other = absorbed_other_;
  summary.malformed = errors.malformed;
  summary.truncated = errors.truncated;
  summary.adapted = errors.adapted;
  summary.stopped_early = errors.stopped_early;
  summary.flows = flows_.size();
  summary.first_sent = first_sent_;
  summary.last_sent = last_sent_;
  out.errors = errors.errors;

  out.flows.reserve(flows_.size());
  for (const Flow& flow : flows_) out.flows.push_back(flow.record);
  if (config_.record_packets) {
    out.packets.resize(packets_.size());
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      const PacketState& state = packets_[i];
      PacketFate& fate = out.packets[i];
      fate.index = i;
      fate.record = state.record;
      fate.side = state.side;
      fate.flow = state.flow == kNoFlow ? -1 : std::int64_t{state.flow};
      fate.wire_len = state.wire_len;
      fate.sent_at = state.sent_at;
      fate.arrived_at = state.arrived_at;
      fate.outcome = state.outcome;
      if (state.outcome == PacketOutcome::delivered) {
        fate.where = trace.interface_name(state.where);
        if (state.arrived_as.protocol != 0) fate.arrived_as = state.arrived_as.to_string();
      }
      if (state.outcome == PacketOutcome::held) fate.detail = "its flow's first packet never reached this side's port";
      if (state.outcome == PacketOutcome::not_sent) {
        static constexpr const char* kWhy[] = {"no attachment for this side", "longer than the MTU",
                                               "ARP: the ports answer it live", "too long"};
        fate.detail = kWhy[state.why];
      }
    }
  }
  // Drops: the trace records every one with the packet's id, which names the flow and the packet.
  std::vector<bool> first_drop_seen(flows_.size(), false);
  for (const trace::TraceEvent& event : trace.events()) {
    if (event.kind != trace::TraceKind::dropped || !is_ours(event.packet_id)) continue;
    const auto flow_id = static_cast<std::uint32_t>((event.packet_id >> 32) & kNoFlow);
    const std::uint64_t seq = event.packet_id & 0xffffffffULL;
    ++summary.dropped;
    if (config_.record_packets && seq < out.packets.size() && out.packets[seq].outcome == PacketOutcome::sent) {
      PacketFate& fate = out.packets[seq];
      fate.outcome = PacketOutcome::dropped;
      fate.where = trace.node_name(event.node);
      fate.reason = event.reason;
      fate.detail = event.detail;
    }
    if (flow_id >= out.flows.size()) continue;
    FlowRecord& record = out.flows[flow_id];
    ++record.dropped;
    if (first_drop_seen[flow_id]) continue;
    first_drop_seen[flow_id] = true;
    record.drop_reason = event.reason;
    record.code = std::string(cloud::to_string(code_of(event.reason)));
    record.component = trace.node_name(event.node);
    record.rule = event.detail;
  }
  for (FlowRecord& record : out.flows) {
    if (record.packets_to_server + record.packets_to_client == 0) {
      record.outcome = FlowOutcome::not_replayed;
    } else if (record.dropped > 0) {
      record.outcome = is_policy(record.drop_reason) ? FlowOutcome::blocked : FlowOutcome::dropped;
    } else {
      record.outcome = FlowOutcome::delivered;
    }
  }
  return out;
}

}  // namespace vpcsim::replay
