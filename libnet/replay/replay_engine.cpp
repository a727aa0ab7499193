// The replay engine: reading, splitting, timing, translation and the tables (see replay_engine.h).
#include "libnet/replay/replay_engine.h"

#include <algorithm>
#include <cmath>

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/stack/icmp_errors.h"
#include "libnet/stack/nat_rewrite.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::replay {

namespace {

constexpr std::uint32_t kSendEvent = 0;
constexpr std::uint32_t kHandshakeEvent = 1;  ///< the earliest of waits_ is due
/// Packets sent in one event at most when several are due at once: keeps a flood of equal-time
/// packets from holding the scheduler (they still go at the same simulated time).
constexpr int kBatch = 64;

/// The interfaces at the far end of every link of `node`'s interfaces (a switch's segment).
void collect_segment(const link::Interface& far, ReplayPort::Segment& segment) {
  const node::Node* owner = dynamic_cast<const node::Node*>(&far.owner());
  for (const wire::Ipv4InterfaceAddress& address : far.addresses()) {
    segment.on_link.push_back(address.subnet());
    segment.owned.insert(address.address().to_u32());
    if (owner != nullptr && (owner->kind() == node::NodeKind::router || owner->kind() == node::NodeKind::nat)) {
      segment.routers.push_back(address);
    }
  }
}

}  // namespace

ReplayEngine::ReplayEngine(node::Network& network, std::unique_ptr<ReplaySource> source, ReplayConfig config,
                           std::string name)
    : network_(network),
      source_(std::move(source)),
      config_(std::move(config)),
      name_(std::move(name)),
      split_(config_.split.value_or(config_.server ? SplitMode::automatic : SplitMode::none)),
      rewriter_(config_.rewrite) {
  const TimingConfig& timing = config_.timing;
  if (timing.mode == TimingMode::original && !(timing.speed > 0)) {
    throw core::ConfigError(name_, "speed", "must be a positive multiplier, got " + std::to_string(timing.speed));
  }
  if ((timing.mode == TimingMode::pps || timing.mode == TimingMode::mbps) && !(timing.rate > 0)) {
    throw core::ConfigError(name_, std::string(to_string(timing.mode)), "must be a positive rate");
  }
  if (timing.loop == 0) throw core::ConfigError(name_, "loop", "must be at least 1");
  if (split_ == SplitMode::cidr && config_.client_cidrs.empty()) {
    throw core::ConfigError(name_, "split", "cidr split needs at least one client CIDR");
  }
  if (split_ == SplitMode::mac && config_.client_macs.empty()) {
    throw core::ConfigError(name_, "split", "mac split needs at least one client MAC");
  }
  for (const auto& node : network_.nodes()) {
    if (node->kind() == node::NodeKind::replay_port && node->name().ends_with("-client")) ++engine_index_;
  }
  engine_index_ &= 0xf;
  // Both attachments are checked before either is made: a mistake leaves the network as it was.
  const Target client = find_target(config_.client, "at");
  std::optional<Target> server;
  if (config_.server) {
    server = find_target(*config_.server, "server_at");
    if (server->interface != nullptr && server->interface == client.interface) {
      throw core::ConfigError(name_, "server_at", "'" + config_.server->at + "' is the client side's attachment too");
    }
  }
  for (const char* port : {"-client", "-server"}) {
    if (network_.find_node(name_ + port) != nullptr) {
      throw core::ConfigError(name_, "name", "the network already has a node named '" + name_ + port + "'");
    }
  }
  client_port_ = &attach(client, config_.client, Side::client);
  if (server) server_port_ = &attach(*server, *config_.server, Side::server);
}

ReplayEngine::Target ReplayEngine::find_target(const Attachment& attachment, const char* field) const {
  const std::string& at = attachment.at;
  if (at.empty()) throw core::ConfigError(name_, field, "an attachment point is required (NODE.IFACE or a switch)");
  if (at.find('.') != std::string::npos) {
    link::Interface* found = nullptr;
    try {
      found = &network_.interface(at);
    } catch (const core::ConfigError& error) {
      throw core::ConfigError(name_, field, error.what());
    }
    if (found->is_connected()) {
      throw core::ConfigError(name_, field, "'" + at + "' is already connected: attach at a free interface or at a switch");
    }
    return Target{found, nullptr};
  }
  node::Node* node = network_.find_node(at);
  if (node == nullptr) throw core::ConfigError(name_, field, "no node or switch named '" + at + "'");
  if (auto* bridge = dynamic_cast<node::Switch*>(node)) return Target{nullptr, bridge, nullptr};
  if (auto* router = dynamic_cast<node::Router*>(node)) return Target{nullptr, nullptr, router};
  throw core::ConfigError(name_, field, "'" + at + "' is a " + std::string(to_string(node->kind())) +
                                            ": attach at one of its free interfaces (" + at +
                                            ".IFACE), a switch or a router");
}

ReplayPort& ReplayEngine::attach(const Target& target, const Attachment& attachment, Side side) {
  ReplayPort::Segment segment;
  link::Interface* peer = target.interface;
  if (target.router != nullptr) {
    // A new interface of the router on a /30 of its own (198.18.255.252/30 from the benchmarking
    // range, counting down per port), and a /32 route to each address this side sends from.
    const std::uint32_t base = 0xc612fffcu - 4u * (side == Side::server ? 1u : 0u);
    const wire::Ipv4InterfaceAddress router_address(wire::Ipv4Address(base + 1), 30);
    peer = &target.router->add_interface(name_ + "-" + std::string(to_string(side)), router_address);
    collect_segment(*peer, segment);
    segment.routers.push_back(router_address);
  } else if (peer != nullptr) {
    collect_segment(*peer, segment);
  } else {
    for (const auto& port : target.bridge->interfaces()) {
      if (port->link() != nullptr) collect_segment(port->link()->peer_of(*port), segment);
    }
    peer = &target.bridge->add_port(name_ + "-" + std::string(to_string(side)));
  }
  auto& port = network_.add_node<ReplayPort>(name_ + "-" + std::string(to_string(side)), *this, side);
  port.set_segment(std::move(segment));
  port.set_gateway(attachment.gateway);
  if (target.router != nullptr) port.set_router(target.router, wire::Ipv4Address(peer->primary_address().to_u32() + 1));
  network_.connect(port.interface(), *peer, config_.link);
  return port;
}

void ReplayEngine::start() {
  if (started_) return;
  started_ = true;
  pass_base_ = network_.now() + config_.timing.start;
  if (!read_next()) {
    done_ = true;
    return;
  }
  network_.simulation().schedule_at(last_due_, *this, kSendEvent);
}

core::Time ReplayEngine::due_time(const ReplayPacket& packet, std::size_t wire_len) {
  const TimingConfig& timing = config_.timing;
  core::Time due = last_due_;
  switch (timing.mode) {
    case TimingMode::original: {
      // Timestamps come from the file and may be anything: clamp gaps to [0, ~31 years].
      const long double gap = std::clamp<long double>(static_cast<long double>(packet.ts) - pass_ts0_, 0, 1e18L);
      due = pass_base_ + static_cast<core::Time>(std::llround(gap / timing.speed));
      break;
    }
    case TimingMode::pps:
      due = pass_base_ + static_cast<core::Time>(std::llround(static_cast<long double>(taken_) * 1e9L / timing.rate));
      break;
    case TimingMode::mbps:
      due = pass_base_ + static_cast<core::Time>(std::llround(static_cast<long double>(bits_before_) * 1e3L / timing.rate));
      break;
    case TimingMode::topspeed: {
      if (taken_ > 0) {
        const link::Link* link = client_port_->interface().link();
        due = last_due_ + std::max<core::Time>(1, link->serialisation_time(last_len_));
      } else {
        due = pass_base_;
      }
      break;
    }
  }
  bits_before_ += wire_len * 8;
  last_len_ = static_cast<std::uint32_t>(wire_len);
  return std::max(due, last_due_);
}

bool ReplayEngine::read_next() {
  const TimingConfig& timing = config_.timing;
  while (true) {
    if (timing.limit != 0 && taken_ >= timing.limit) return false;
    if (!source_->next(packet_)) {
      if (pass_ + 1 >= timing.loop) return false;
      ++pass_;
      source_->rewind();
      if (timing.mode == TimingMode::original) {
        pass_base_ = last_due_ + core::kMicrosecond;
        have_first_ts_ = false;
      }
      continue;
    }
    if (!have_first_ts_) {
      have_first_ts_ = true;
      pass_ts0_ = packet_.ts;
      if (pass_ == 0) first_ts_ = packet_.ts;
    }
    const core::Time relative = packet_.ts - first_ts_;
    if (pass_ == 0 && (relative < timing.window_start || relative >= timing.window_end)) continue;
    current_ = network_.pool().allocate(packet_.bytes.size());
    std::copy(packet_.bytes.begin(), packet_.bytes.end(), current_.data());
    current_record_ = packet_.record;
    current_hint_ = packet_.side_hint;
    last_due_ = due_time(packet_, packet_.bytes.size());
    ++taken_;
    return true;
  }
}

void ReplayEngine::handle_event(const core::Event& event) {
  if (event.kind == kHandshakeEvent) return end_waits();
  for (int sent = 0; sent < kBatch; ++sent) {
    send_current();
    if (!read_next()) {
      done_ = true;
      return;
    }
    if (last_due_ > network_.now()) break;
  }
  network_.simulation().schedule_at(last_due_, *this, kSendEvent);
}

Side ReplayEngine::side_of(const FlowKey& key, bool from_client, const wire::MacAddress& src_mac,
                           wire::Ipv4Address src_ip) const {
  (void)key;
  switch (split_) {
    case SplitMode::none: return Side::client;
    case SplitMode::automatic: return from_client ? Side::client : Side::server;
    case SplitMode::cidr:
      for (const wire::Ipv4Prefix& prefix : config_.client_cidrs) {
        if (prefix.contains(src_ip)) return Side::client;
      }
      return Side::server;
    case SplitMode::mac:
      return std::find(config_.client_macs.begin(), config_.client_macs.end(), src_mac) != config_.client_macs.end()
                 ? Side::client
                 : Side::server;
  }
  return Side::client;
}

FlowKey ReplayEngine::canonical(const FlowKey& key) {
  const bool swap = key.client.to_u32() > key.server.to_u32() ||
                    (key.client == key.server && key.client_port > key.server_port);
  return swap ? key.reversed() : key;
}

std::uint32_t ReplayEngine::find_flow(const FlowKey& key) const {
  const FlowKey c = canonical(key);
  const std::uint32_t* found = flow_index_.find(c.hash());
  if (found == nullptr) return kNoFlow;
  if (canonical_keys_[*found] == c) return *found;
  auto it = collisions_.find(c);
  return it == collisions_.end() ? kNoFlow : it->second;
}

void ReplayEngine::index_flow(const FlowKey& key, std::uint32_t flow) {
  const FlowKey c = canonical(key);
  canonical_keys_.push_back(c);
  auto [slot, inserted] = flow_index_.try_emplace(c.hash());
  if (inserted) {
    *slot = flow;
  } else {
    collisions_.emplace(c, flow);
  }
}

void ReplayEngine::not_sent(std::uint64_t seq, std::uint32_t flow, NotSent why) {
  ++not_sent_;
  if (flow != kNoFlow) ++flows_[flow].not_sent;
  if (config_.record_packets) {
    packets_[seq].outcome = PacketOutcome::not_sent;
    packets_[seq].why = why;
  }
}

void ReplayEngine::transmit(ReplayPort& port, wire::Frame frame, std::uint64_t seq) {
  const std::uint32_t flow = static_cast<std::uint32_t>((frame.meta().packet_id >> 32) & kNoFlow);
  const core::Time now = network_.now();
  ++sent_;
  if (first_sent_ < 0) first_sent_ = now;
  last_sent_ = now;
  if (flow != kNoFlow) {
    Flow& f = flows_[flow];
    const bool to_server = port.side() == f.opener;
    FlowRecord& record = f.record;
    (to_server ? record.packets_to_server : record.packets_to_client)++;
    (to_server ? record.bytes_to_server : record.bytes_to_client) += frame.size();
    if (record.first_sent == 0 && record.packets_to_server + record.packets_to_client == 1) record.first_sent = now;
    record.last_sent = now;
    if (to_server && !f.sent_indexed) {
      // How the opener's packets leave: answers and ICMP errors from the topology name this tuple.
      const auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
      std::optional<wire::Ipv4View> ip;
      if (eth && eth->ethertype() == wire::kEthertypeIpv4) {
        if (const auto parsed = wire::Ipv4View::parse(eth->payload())) ip = *parsed;
      }
      if (ip) {
        const auto tuple = stack::flow_tuple_of(*ip);
        f.sent_as = tuple ? *tuple : stack::FlowTuple{ip->src(), ip->dst(), 0, 0, ip->protocol()};
        f.sent_indexed = true;
        auto [slot, inserted] = sent_index_.try_emplace(f.sent_as.hash());
        if (inserted) *slot = flow;  // a colliding hash keeps the first flow
      }
    }
  }
  if (config_.record_packets) {
    packets_[seq].sent_at = now;
    packets_[seq].outcome = PacketOutcome::sent;
  }
  if (config_.verbatim) {
    port.send_raw(std::move(frame));
    return;
  }
  const auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
  if (eth && eth->ethertype() == wire::kEthertypeIpv4) {
    if (const auto ip = wire::Ipv4View::parse(eth->payload())) {
      port.send_resolved(std::move(frame), ip->src(), ip->dst());
      return;
    }
  }
  // Not IPv4 (or not parseable): the port's source MAC, the captured destination.
  if (eth) wire::EthernetViewMut::parse(frame.bytes())->set_src(port.interface().mac());
  port.send_raw(std::move(frame));
}

void ReplayEngine::translate_and_send(Flow& flow, wire::Frame frame, std::uint64_t seq) {
  const stack::FlowTuple& seen = *flow.observed;
  const FlowKey& key = flow.key;
  const bool identity = seen.src == key.client && seen.src_port == key.client_port && seen.dst == key.server &&
                        seen.dst_port == key.server_port;
  ReplayPort& port = *port_for(flow.opener == Side::client ? Side::server : Side::client);
  if (!identity) {
    const auto eth = wire::EthernetViewMut::parse(frame.bytes());
    if (eth && eth->ethertype() == wire::kEthertypeIpv4) {
      if (const auto ip = wire::Ipv4ViewMut::parse(eth->payload())) {
        // The reply must be the inverse of what arrived: from where it was sent, to where it came from.
        const stack::FlowTuple target = seen.inverse();
        if (stack::flow_tuple_of(*ip)) {
          stack::rewrite_packet(*ip, target, stack::Manip::source);
          stack::rewrite_packet(*ip, target, stack::Manip::destination);
        } else {
          ip->set_src(target.src);
          ip->set_dst(target.dst);
        }
      }
    }
  }
  transmit(port, std::move(frame), seq);
}

void ReplayEngine::send_current() {
  wire::Frame frame = std::move(current_);
  const std::uint64_t seq = taken_ - 1;
  if (config_.record_packets) {
    PacketState state;
    state.record = current_record_;
    state.wire_len = static_cast<std::uint32_t>(frame.size());
    state.flow = kNoFlow;
    packets_.push_back(state);
  }
  auto eth = wire::EthernetViewMut::parse(frame.bytes());
  if (!config_.verbatim && eth->has_vlan()) {
    // IPv4 nodes drop tagged frames on untagged interfaces: the ports send them untagged.
    wire::pop_vlan_tag(frame.bytes());
    frame.pull_front(wire::kVlanTagLen);
    eth = wire::EthernetViewMut::parse(frame.bytes());
  }
  const wire::MacAddress src_mac = eth->src();
  std::uint32_t flow_id = kNoFlow;
  Side side = Side::client;
  bool from_opener = true;
  if (eth->ethertype() == wire::kEthertypeIpv4) {
    if (auto ip = wire::Ipv4ViewMut::parse(eth->payload())) {
      // The flow, joined over both directions; its opener is the sender of its first packet, except a
      // TCP SYN-ACK seen first, which was sent by the server.
      const auto tuple = stack::flow_tuple_of(*ip);
      stack::FlowTuple t = tuple ? *tuple : stack::FlowTuple{ip->src(), ip->dst(), 0, 0, ip->protocol()};
      const FlowKey forward{t.protocol, t.src, t.src_port, t.dst, t.dst_port};
      bool created = false;
      flow_id = find_flow(forward);
      if (flow_id != kNoFlow) {
        const FlowKey& key = flows_[flow_id].key;
        from_opener = key.client == forward.client && key.client_port == forward.client_port;
      } else {
        bool synack = false;
        if (t.protocol == wire::kIpProtoTcp) {
          if (const auto tcp = wire::TcpView::parse(ip->payload())) {
            synack = (tcp->flags() & (wire::kTcpSyn | wire::kTcpAck)) == (wire::kTcpSyn | wire::kTcpAck);
          }
        }
        flow_id = static_cast<std::uint32_t>(flows_.size());
        Flow flow;
        flow.key = synack ? forward.reversed() : forward;
        flow.record.key = flow.key;
        flow.record.translated = flow.key;
        flows_.push_back(std::move(flow));
        index_flow(forward, flow_id);
        from_opener = !synack;
        created = true;

      }
      Flow& flow = flows_[flow_id];
      side = current_hint_ != Side::unknown ? current_hint_ : side_of(flow.key, from_opener, src_mac, ip->src());
      const Side opposite = side == Side::client ? Side::server : Side::client;
      if (created) {
        flow.opener = from_opener ? side : opposite;
        // A port on a router needs a route to its side's addresses before the first packet for them
        // reaches that router: the destination of a flow's first packet is the other side's.
        if (ReplayPort* receiver = port_for(opposite); receiver != nullptr && receiver->has_router()) {
          receiver->announce(rewriter_.map(ip->dst()));
        }        // Only one side of a TCP flow replayed: the other is a real stack, whose sequence numbers
        // the replayed side must learn and acknowledge (tcp_peer.h).
        const Side responder = flow.opener == Side::client ? Side::server : Side::client;
        if (t.protocol == wire::kIpProtoTcp && !config_.verbatim && port_for(responder) == nullptr &&
            port_for(flow.opener) != nullptr) {
          flow.peer = static_cast<std::uint32_t>(peers_.size());
          peers_.emplace_back().closes_after_peer = source_->rebuilt();
        }
      }
      if (config_.record_packets) {
        packets_[seq].flow = flow_id;
        packets_[seq].side = side;
      }
      frame.meta().packet_id = encode(side, flow_id, seq);
      if (flow.peer != kNoPeer && !from_opener) {
        TcpPeer& peer = peers_[flow.peer];
        if (port_for(side) != nullptr && !peer.replayed) {
          peer.replayed = true;  // one port replays both directions (no split): no real peer to learn
          release_for_peer(flow_id);
        } else if (ip->protocol() == wire::kIpProtoTcp && ip->frag_offset() == 0) {
          if (const auto tcp = wire::TcpView::parse(std::as_const(*ip).payload())) peer.note_captured(*tcp);
        }
      }
      if (port_for(side) == nullptr) return not_sent(seq, flow_id, kNoAttachment);
      if (!rewriter_.is_identity() && !rewriter_.apply(eth->payload(), side)) {
        return not_sent(seq, flow_id, kOverMtu);
      }
      if (flow.peer != kNoPeer && from_opener && !prepare_for_peer(flow, flow_id, *ip, frame, seq)) return;
      // A packet from the side that did not open the flow goes in at the other port than the
      // opener's: it must wait until the opener's packet came out there, and take its translation.
      const Side other = flow.opener == Side::client ? Side::server : Side::client;
      if (side == other && port_for(flow.opener) != nullptr && port_for(flow.opener) != port_for(other)) {
        if (!flow.observed) {
          ++held_;
          if (config_.record_packets) packets_[seq].outcome = PacketOutcome::held;
          flow.held.push_back(Held{std::move(frame), seq});
          return;
        }
        return translate_and_send(flow, std::move(frame), seq);
      }
      return transmit(*port_for(side), std::move(frame), seq);
    }
  }
  // Not an IPv4 packet the engine can follow: ARP is answered live by the ports (unless verbatim);
  // anything else goes out of the side its MAC (or the default) says.
  if (eth->ethertype() == wire::kEthertypeArp && !config_.verbatim) return not_sent(seq, kNoFlow, kArpLive);
  if (split_ == SplitMode::mac) side = side_of(FlowKey{}, true, src_mac, wire::Ipv4Address());
  if (current_hint_ != Side::unknown) side = current_hint_;
  if (config_.record_packets) packets_[seq].side = side;
  frame.meta().packet_id = encode(side, kNoFlow, seq);
  if (port_for(side) == nullptr) return not_sent(seq, kNoFlow, kNoAttachment);
  transmit(*port_for(side), std::move(frame), seq);
}

void ReplayEngine::absorb(ReplayPort& port, wire::Frame frame) {
  const std::uint64_t id = frame.meta().packet_id;
  if (!is_ours(id)) {
    ++absorbed_other_;
    absorb_foreign(frame);
    return;
  }
  const Side side = (id >> 62) & 1 ? Side::server : Side::client;
  const auto flow_id = static_cast<std::uint32_t>((id >> 32) & kNoFlow);
  const std::uint64_t seq = id & 0xffffffffULL;
  if (side == port.side() && port_for(Side::client) != port_for(Side::server)) {
    ++absorbed_other_;  // came back to its own side (a flood): not an arrival
    return;
  }
  ++delivered_;
  const bool recorded = config_.record_packets && seq < packets_.size();
  if (recorded) {
    packets_[seq].outcome = PacketOutcome::delivered;
    packets_[seq].arrived_at = network_.now();
    packets_[seq].where = port.interface().id();
  }
  Flow* flow = flow_id < flows_.size() ? &flows_[flow_id] : nullptr;
  const bool to_server = flow != nullptr && side == flow->opener;
  if (flow != nullptr) (to_server ? flow->record.delivered_to_server : flow->record.delivered_to_client)++;
  const bool observe = flow != nullptr && to_server && !flow->observed;
  if (!recorded && !observe) return;
  const auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
  if (!eth || eth->ethertype() != wire::kEthertypeIpv4) return;
  const auto ip = wire::Ipv4View::parse(eth->payload());
  if (!ip) return;
  const auto tuple = stack::flow_tuple_of(*ip);
  const stack::FlowTuple arrived = tuple ? *tuple : stack::FlowTuple{ip->src(), ip->dst(), 0, 0, ip->protocol()};
  if (recorded) packets_[seq].arrived_as = arrived;
  if (!observe) return;
  // The opener's packet came out on the far side: this is the translation the topology chose.
  Flow& f = *flow;
  f.observed = arrived;
  f.record.translated = FlowKey{arrived.protocol, arrived.src, arrived.src_port, arrived.dst, arrived.dst_port};
  std::vector<Held> held = std::move(f.held);
  f.held.clear();
  for (Held& h : held) {
    --held_;
    translate_and_send(f, std::move(h.frame), h.seq);
  }
}

bool ReplayEngine::prepare_for_peer(Flow& flow, std::uint32_t flow_id, const wire::Ipv4ViewMut& ip,
                                    wire::Frame& frame, std::uint64_t seq) {
  if (ip.protocol() != wire::kIpProtoTcp || ip.frag_offset() != 0) return true;
  const auto tcp = wire::TcpViewMut::parse(ip.payload());
  if (!tcp) return true;
  TcpPeer& peer = peers_[flow.peer];
  const std::uint8_t flags = tcp->flags();
  if ((flags & (wire::kTcpSyn | wire::kTcpAck)) == wire::kTcpSyn) peer.syn_sent = true;
  if (peer.must_wait(flags)) {
    if (peer.held.empty()) wait_for_peer(flow_id);
    ++held_;
    if (config_.record_packets) packets_[seq].outcome = PacketOutcome::held;
    peer.held.push_back(TcpPeer::Held{std::move(frame), seq});
    return false;
  }
  peer.fix_ack(*tcp);
  return true;
}

void ReplayEngine::release_for_peer(std::uint32_t flow_id) {
  Flow& flow = flows_[flow_id];
  TcpPeer& peer = peers_[flow.peer];
  std::vector<TcpPeer::Held> held = std::move(peer.held);
  peer.held.clear();
  for (TcpPeer::Held& h : held) {
    const auto eth = wire::EthernetViewMut::parse(h.frame.bytes());
    std::optional<wire::TcpViewMut> tcp;
    if (const auto ip = wire::Ipv4ViewMut::parse(eth->payload())) {
      if (const auto parsed = wire::TcpViewMut::parse(ip->payload())) tcp = *parsed;
    }
    if (!peer.held.empty() || (tcp && peer.must_wait(tcp->flags()))) {  // still waiting (a FIN for the peer's)
      peer.held.push_back(std::move(h));
      continue;
    }
    --held_;
    if (tcp) peer.fix_ack(*tcp);
    transmit(*port_for(flow.opener), std::move(h.frame), h.seq);
  }
  if (!peer.held.empty()) wait_for_peer(flow_id);
}

void ReplayEngine::wait_for_peer(std::uint32_t flow_id) {
  // Every wait is as long, so deadlines come in order: one queue and one pending event for all flows
  // (an event per flow made the scheduler's heap as deep as the number of flows).
  const core::Time until = network_.now() + TcpPeer::kHandshakeWait;
  peers_[flows_[flow_id].peer].wait_until = until;
  waits_.emplace_back(until, flow_id);
  if (!wait_armed_) {
    wait_armed_ = true;
    network_.simulation().schedule_at(until, *this, kHandshakeEvent);
  }
}

void ReplayEngine::end_waits() {
  wait_armed_ = false;
  const core::Time now = network_.now();
  while (!waits_.empty() && waits_.front().first <= now) {
    const auto [until, flow_id] = waits_.front();
    waits_.pop_front();
    TcpPeer& peer = peers_[flows_[flow_id].peer];
    if (peer.wait_until != until || peer.held.empty()) continue;  // released since, or waiting anew
    peer.waited = true;
    release_for_peer(flow_id);
  }
  if (!waits_.empty() && !wait_armed_) {
    wait_armed_ = true;
    network_.simulation().schedule_at(waits_.front().first, *this, kHandshakeEvent);
  }
}

std::uint32_t ReplayEngine::flow_sent_as(const stack::FlowTuple& tuple) const {
  const std::uint32_t* found = sent_index_.find(tuple.hash());
  return found != nullptr && flows_[*found].sent_as == tuple ? *found : kNoFlow;
}

void ReplayEngine::absorb_foreign(wire::Frame& frame) {
  const auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
  if (!eth || eth->ethertype() != wire::kEthertypeIpv4 || sent_index_.empty()) return;
  const auto ip = wire::Ipv4View::parse(eth->payload());
  if (!ip) return;
  if (const auto quoted = stack::quoted_flow_tuple_of(*ip)) {
    // An ICMP error about a packet the replay sent: the quote is that packet as it left (a NAT on
    // the way back restored it).
    const std::uint32_t flow_id = flow_sent_as(*quoted);
    if (flow_id == kNoFlow) return;
    FlowRecord& record = flows_[flow_id].record;
    if (record.icmp_errors++ == 0) {
      const auto icmp = wire::IcmpView::parse(ip->payload());
      record.icmp_error = stack::describe_icmp_error(icmp->type(), icmp->code()) + " from " + ip->src().to_string();
    }
    return;
  }
  const auto tuple = stack::flow_tuple_of(*ip);
  if (!tuple) return;
  const std::uint32_t flow_id = flow_sent_as(tuple->inverse());
  if (flow_id == kNoFlow) return;
  Flow& flow = flows_[flow_id];
  ++flow.record.answers;
  if (tuple->protocol != wire::kIpProtoTcp) return;
  const auto tcp = wire::TcpView::parse(ip->payload());
  if (!tcp) return;
  if ((tcp->flags() & wire::kTcpRst) != 0) ++flow.record.resets;
  if (flow.peer != kNoPeer && peers_[flow.peer].learn(*tcp)) release_for_peer(flow_id);
}

std::shared_ptr<ReplayEngine> replay(node::Network& network, std::unique_ptr<ReplaySource> source,
                                     ReplayConfig config, std::string name) {
  auto engine = std::make_shared<ReplayEngine>(network, std::move(source), std::move(config), std::move(name));
  network.keep(engine);
  engine->start();
  return engine;
}

}  // namespace vpcsim::replay
