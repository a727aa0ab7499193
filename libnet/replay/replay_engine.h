// The replay engine: reads a ReplaySource, splits it into client and server sides, rewrites, and
// sends each side's frames from its own ReplayPort at the time the timing asks for, in simulated time
// (so --speed, --pps, --mbps and --topspeed are exact and runs are deterministic).
//
// The heart is flow-aware translation. For each flow (a 5-tuple, both directions joined, the opener
// as client) the engine waits until the opener's packet arrives at the other side's port — after any
// NAT (a masquerading NatRouter, an AWS NAT or internet gateway) rewrote it — and from then on sends
// the other side's packets of that flow to the address and port that were actually chosen: the inverse
// of the tuple observed. Replies due before that are held and released when it happens. So both
// directions of a conversation replayed through a NAT arrive consistent on both sides, and a reply
// never overtakes the packet it answers.
//
// Every replayed frame carries a packet id that encodes its flow, side and position, so a port that
// absorbs it and the trace that records its drop both name it without a lookup table.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "libnet/core/event.h"
#include "libnet/core/flat_hash_map.h"
#include "libnet/node/network.h"
#include "libnet/replay/flow_record.h"
#include "libnet/replay/replay_config.h"
#include "libnet/replay/replay_port.h"
#include "libnet/replay/replay_results.h"
#include "libnet/replay/replay_source.h"
#include "libnet/replay/rewriter.h"
#include "libnet/replay/tcp_peer.h"
#include "libnet/stack/flow_tuple.h"

namespace vpcsim::replay {

class ReplayEngine final : public core::EventHandler {
 public:
  /// Builds the ports ("<name>-client", "<name>-server") and links them at their attachments. Throws
  /// core::ConfigError naming the field: an attachment that does not exist or is taken, a bad map,
  /// a rate that is not positive.
  ReplayEngine(node::Network& network, std::unique_ptr<ReplaySource> source, ReplayConfig config,
               std::string name = "replay");
  ReplayEngine(const ReplayEngine&) = delete;
  ReplayEngine& operator=(const ReplayEngine&) = delete;

  /// Schedules the first packet at now + config.timing.start. Once.
  void start();
  /// True once every packet was taken from the source (replies may still be held or in flight).
  bool source_done() const { return done_; }

  /// The tables, as of now (call after the network ran).
  ReplayResults results() const;

  const ReplayConfig& config() const { return config_; }
  const std::string& name() const { return name_; }
  ReplayPort& client_port() const { return *client_port_; }
  ReplayPort* server_port() const { return server_port_; }
  node::Network& network() const { return network_; }

  void handle_event(const core::Event& event) override;
  /// A port absorbed a frame that was not ARP.
  void absorb(ReplayPort& port, wire::Frame frame);

 private:
  struct Held {
    wire::Frame frame;
    std::uint64_t seq;
  };
  struct Flow {
    FlowKey key;
    Side opener = Side::client;  ///< the side that sent the flow's first packet
    std::optional<stack::FlowTuple> observed;  ///< the opener's packet as it arrived at the other port
    std::vector<Held> held;
    FlowRecord record;  ///< counters; outcome and drop filled by results()
    std::uint64_t not_sent = 0;
    std::uint32_t peer = kNoPeer;  ///< index in peers_: a TCP flow whose other side is a real stack
    bool sent_indexed = false;     ///< the opener's first sent tuple is in sent_index_
    stack::FlowTuple sent_as;      ///< ... that tuple
  };
  struct PacketState {
    std::uint64_t record = 0;
    core::Time sent_at = -1;
    core::Time arrived_at = -1;
    std::uint32_t flow = 0;
    std::uint32_t wire_len = 0;
    std::uint32_t where = 0xffffffff;  ///< interface id it arrived at
    stack::FlowTuple arrived_as;        ///< its addresses and ports as it arrived (after any NAT)
    Side side = Side::client;
    PacketOutcome outcome = PacketOutcome::not_sent;
    std::uint8_t why = 0;  ///< for not_sent: NotSent
  };
  enum NotSent : std::uint8_t { kNoAttachment, kOverMtu, kArpLive, kTooLong };

  struct Target {
    link::Interface* interface = nullptr;  ///< a free interface, or
    node::Switch* bridge = nullptr;        ///< a switch to add a port to, or
    node::Router* router = nullptr;        ///< a router to add an interface to (the cloud's `internet`)
  };
  Target find_target(const Attachment& attachment, const char* field) const;
  ReplayPort& attach(const Target& target, const Attachment& attachment, Side side);
  bool read_next();  ///< the next packet into current_, with its due time; false at the end
  core::Time due_time(const ReplayPacket& packet, std::size_t wire_len);
  void send_current();
  Side side_of(const FlowKey& key, bool from_client, const wire::MacAddress& src_mac,
               wire::Ipv4Address src_ip) const;
  ReplayPort* port_for(Side side) const { return side == Side::server ? server_port_ : client_port_; }
  void translate_and_send(Flow& flow, wire::Frame frame, std::uint64_t seq);
  void transmit(ReplayPort& port, wire::Frame frame, std::uint64_t seq);
  void not_sent(std::uint64_t seq, std::uint32_t flow, NotSent why);
  /// A TCP segment of a flow with a real peer, from the replayed side: held until the peer's
  /// SYN-ACK, or sent with its ack number in the peer's space. Returns false if it was held.
  bool prepare_for_peer(Flow& flow, std::uint32_t flow_id, const wire::Ipv4ViewMut& ip, wire::Frame& frame,
                        std::uint64_t seq);
  /// Sends a flow's segments that waited for its peer's SYN-ACK (acks fixed if it came).
  void release_for_peer(std::uint32_t flow_id);
  /// Starts TcpPeer::kHandshakeWait for a flow's held segments; end_waits() sends those still held.
  void wait_for_peer(std::uint32_t flow_id);
  void end_waits();
  /// A frame a port absorbed that the replay did not send: a real stack's answer to one of its flows
  /// (TCP: teaches the flow's TcpPeer), or an ICMP error quoting one of them.
  void absorb_foreign(wire::Frame& frame);
  /// The flow whose opener sent `tuple` (as it left its port), or kNoFlow.
  std::uint32_t flow_sent_as(const stack::FlowTuple& tuple) const;

  // 1 | side | engine (4 bits) | flow (26 bits) | position (32 bits): two replays in one network
  // (a scenario's and the command line's) tell their packets apart.
  static constexpr std::uint64_t kTag = 1ULL << 63;
  static constexpr std::uint32_t kNoFlow = 0x03ffffff;
  static constexpr std::uint32_t kNoPeer = 0xffffffff;
  std::uint64_t encode(Side side, std::uint32_t flow, std::uint64_t seq) const {
    return kTag | (side == Side::server ? 1ULL << 62 : 0) | (std::uint64_t{engine_index_} << 58) |
           (std::uint64_t{flow & kNoFlow} << 32) | (seq & 0xffffffffULL);
  }
  bool is_ours(std::uint64_t packet_id) const {
    return (packet_id & kTag) != 0 && ((packet_id >> 58) & 0xf) == engine_index_;
  }
  std::uint32_t engine_index_ = 0;  ///< replays made before this one in the network, modulo 16

  node::Network& network_;
  std::unique_ptr<ReplaySource> source_;
  ReplayConfig config_;
  std::string name_;
  SplitMode split_;
  Rewriter rewriter_;
  ReplayPort* client_port_ = nullptr;
  ReplayPort* server_port_ = nullptr;

  // Reading and timing.
  bool started_ = false;
  bool done_ = false;
  std::uint32_t pass_ = 0;
  bool have_first_ts_ = false;
  core::Time first_ts_ = 0;       ///< of the capture's first record, for the window
  core::Time pass_ts0_ = 0;       ///< of this pass's first record
  core::Time pass_base_ = 0;      ///< simulated time of this pass's first record
  core::Time last_due_ = 0;
  std::uint64_t taken_ = 0;       ///< packets taken (all loops)
  std::uint64_t bits_before_ = 0;  ///< for mbps
  std::uint32_t last_len_ = 0;     ///< for topspeed
  ReplayPacket packet_;
  wire::Frame current_;
  std::uint64_t current_record_ = 0;
  Side current_hint_ = Side::unknown;

  // Flows and fates.
  /// Flows by the hash of their direction-free key (canonical(): the smaller endpoint first), one
  /// probe per packet whichever way it goes; the rare key whose hash another flow already has is kept
  /// in collisions_.
  core::FlatHashMap<std::uint64_t, std::uint32_t> flow_index_;
  std::unordered_map<FlowKey, std::uint32_t, FlowKeyHash> collisions_;
  std::vector<FlowKey> canonical_keys_;  ///< by flow: compact, so checking a probe's hit touches little
  static FlowKey canonical(const FlowKey& key);
  /// The flow of `key` (either direction), or kNoFlow.
  std::uint32_t find_flow(const FlowKey& key) const;
  void index_flow(const FlowKey& key, std::uint32_t flow);
  std::vector<Flow> flows_;
  std::vector<TcpPeer> peers_;
  std::deque<std::pair<core::Time, std::uint32_t>> waits_;  ///< (deadline, flow), in deadline order
  bool wait_armed_ = false;
  /// Flows by the hash of the opener's tuple as it was sent (after rewriting): what answers and ICMP
  /// errors from the topology are matched against (a colliding hash keeps the first flow).
  core::FlatHashMap<std::uint64_t, std::uint32_t> sent_index_;
  std::vector<PacketState> packets_;  ///< by seq, when record_packets
  std::uint64_t sent_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t held_ = 0;
  std::uint64_t not_sent_ = 0;
  std::uint64_t absorbed_other_ = 0;
  core::Time first_sent_ = -1;
  core::Time last_sent_ = -1;
};

/// Builds an engine kept alive by the network, and starts it: the usual way in.
std::shared_ptr<ReplayEngine> replay(node::Network& network, std::unique_ptr<ReplaySource> source,
                                     ReplayConfig config, std::string name = "replay");

}  // namespace vpcsim::replay
