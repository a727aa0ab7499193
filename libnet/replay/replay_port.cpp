// A replay port: sends what the engine gives it, answers and resolves ARP, absorbs the rest (see
// replay_port.h).
#include "libnet/replay/replay_port.h"

#include "libnet/node/network.h"
#include "libnet/replay/replay_engine.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/ethernet.h"

namespace vpcsim::replay {

namespace {
constexpr std::size_t kArpFrameLen = wire::kEthernetHeaderLen + wire::kArpLen;
}

ReplayPort::ReplayPort(node::Network& network, std::uint32_t id, std::string name, ReplayEngine& engine, Side side)
    : Node(network, id, std::move(name), node::NodeKind::replay_port),
      engine_(engine),
      side_(side),
      verbatim_(engine.config().verbatim) {
  link::Interface& port = create_interface("eth0", std::nullopt);
  port.set_mtu(9001);  // a capture may hold jumbo frames: the receiving side's MTU decides
}

wire::Ipv4Address ReplayPort::next_hop(wire::Ipv4Address src, wire::Ipv4Address dst) const {
  for (const wire::Ipv4Prefix& prefix : segment_.on_link) {
    if (prefix.contains(dst)) return dst;
  }
  if (gateway_) return *gateway_;
  // The router on the segment whose subnet holds the source, else the first one, else the destination
  // itself (a segment with no router: whoever answers ARP for it).
  for (const wire::Ipv4InterfaceAddress& router : segment_.routers) {
    if (router.is_on_link(src)) return router.address();
  }
  return segment_.routers.empty() ? dst : segment_.routers.front().address();
}

void ReplayPort::send_resolved(wire::Frame frame, wire::Ipv4Address src, wire::Ipv4Address dst) {
  if (src.to_u32() != last_source_) {
    sources_.insert(src.to_u32());
    last_source_ = src.to_u32();
    announce(src);
  }
  const wire::Ipv4Address hop = next_hop(src, dst);
  const wire::EthernetViewMut eth = *wire::EthernetViewMut::parse(frame.bytes());
  eth.set_src(interface().mac());
  if (const std::uint64_t* mac = neighbours_.find(hop.to_u32())) {
    eth.set_dst(wire::MacAddress::from_u64(*mac));
    interface().send(std::move(frame));
    return;
  }
  auto [it, inserted] = pending_.try_emplace(hop.to_u32());
  Pending& pending = it->second;
  pending.frames.push_back(std::move(frame));
  if (inserted) {
    // The sender address Linux would use: the packet's source when it is on the segment, else one
    // this port already answered for there, else the source anyway.
    pending.sender = src;
    bool on_segment = false;
    for (const wire::Ipv4Prefix& prefix : segment_.on_link) on_segment = on_segment || prefix.contains(src);
    if (!on_segment) {
      for (const wire::Ipv4Prefix& prefix : segment_.on_link) {
        for (std::uint32_t answered : proxied_) {
          if (prefix.contains(wire::Ipv4Address(answered))) pending.sender = wire::Ipv4Address(answered);
        }
      }
    }
    pending.tries = 1;
    send_arp(1, wire::MacAddress::broadcast(), pending.sender, wire::MacAddress(), hop);
    context().sim.schedule_in(kArpRetry, *this, 0, hop.to_u32());
  }
}

void ReplayPort::set_router(node::Router* router, wire::Ipv4Address self) {
  router_ = router;
  self_ = self;
  sources_.insert(self.to_u32());
}

void ReplayPort::announce(wire::Ipv4Address address) {
  if (router_ == nullptr || address.is_unspecified() || !announced_.insert(address.to_u32())) return;
  if (segment_.owned.contains(address.to_u32())) return;
  router_->add_route(wire::Ipv4Prefix::containing(address, 32), self_);
}

void ReplayPort::send_raw(wire::Frame frame) { interface().send(std::move(frame)); }

void ReplayPort::send_arp(std::uint16_t operation, wire::MacAddress eth_dst, wire::Ipv4Address sender_ip,
                          wire::MacAddress target_mac, wire::Ipv4Address target_ip) {
  wire::Frame frame = context().pool.allocate(kArpFrameLen);
  frame.meta().packet_id = context().new_packet_id();
  wire::EthernetRepr{eth_dst, interface().mac(), wire::kEthertypeArp, std::nullopt}.emit(frame.bytes());
  wire::ArpRepr{static_cast<wire::ArpOperation>(operation), interface().mac(), sender_ip, target_mac, target_ip}.emit(
      frame.bytes().subspan(wire::kEthernetHeaderLen));
  context().trace.packet(context().now(), trace::TraceKind::sent, id(), interface().id(), frame.meta().packet_id);
  interface().send(std::move(frame));
}

void ReplayPort::learn(wire::Ipv4Address ip, wire::MacAddress mac) {
  neighbours_[ip.to_u32()] = mac.to_u64();
  auto it = pending_.find(ip.to_u32());
  if (it == pending_.end()) return;
  std::vector<wire::Frame> frames = std::move(it->second.frames);
  pending_.erase(it);
  for (wire::Frame& frame : frames) {
    wire::EthernetViewMut::parse(frame.bytes())->set_dst(mac);
    interface().send(std::move(frame));
  }
}

bool ReplayPort::answers_for(wire::Ipv4Address target) const {
  if (sources_.contains(target.to_u32())) return true;
  return !segment_.owned.contains(target.to_u32()) && !target.is_unspecified();
}

void ReplayPort::receive_frame(link::Interface& port, wire::Frame frame) {
  (void)port;
  const auto eth = wire::EthernetView::parse(std::as_const(frame).bytes());
  if (eth && eth->ethertype() == wire::kEthertypeArp && !verbatim_) {
    const auto view = wire::ArpView::parse(eth->payload());
    if (!view) return;
    const auto arp = wire::ArpRepr::parse(*view);
    if (!arp) return;
    if (!arp->sender_ip.is_unspecified()) {
      const bool known = neighbours_.contains(arp->sender_ip.to_u32()) || pending_.contains(arp->sender_ip.to_u32());
      if (known || arp->operation == wire::ArpOperation::request || arp->target_mac == interface().mac()) {
        learn(arp->sender_ip, arp->sender_mac);
      }
    }
    if (arp->operation == wire::ArpOperation::request && arp->target_ip != arp->sender_ip &&
        answers_for(arp->target_ip)) {
      ++arp_answered_;
      if (proxied_.size() < kKeptProxied && !sources_.contains(arp->target_ip.to_u32())) {
        proxied_.push_back(arp->target_ip.to_u32());
      }
      send_arp(2, arp->sender_mac, arp->target_ip, arp->sender_mac, arp->sender_ip);
    }
    return;
  }
  ++absorbed_;
  engine_.absorb(*this, std::move(frame));
}

void ReplayPort::handle_event(const core::Event& event) {
  auto it = pending_.find(static_cast<std::uint32_t>(event.arg));
  if (it == pending_.end()) return;
  Pending& pending = it->second;
  const wire::Ipv4Address hop(static_cast<std::uint32_t>(event.arg));
  if (pending.tries < kArpTries) {
    ++pending.tries;
    send_arp(1, wire::MacAddress::broadcast(), pending.sender, wire::MacAddress(), hop);
    context().sim.schedule_in(kArpRetry, *this, 0, event.arg);
    return;
  }
  for (const wire::Frame& frame : pending.frames) {
    context().trace.drop(context().now(), trace::DropReason::arp_failed, id(), interface().id(),
                         frame.meta().packet_id,
                         "ARP for " + hop.to_string() + " timed out after " + std::to_string(kArpTries) + " tries");
  }
  pending_.erase(it);
}

}  // namespace vpcsim::replay
