#include "libnet/stack/arp_cache.h"

#include <algorithm>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/node_frame.h"

namespace vpcsim::stack {
namespace {
constexpr std::size_t kArpFrameLen = wire::kEthernetHeaderLen + wire::kArpLen;  // 42: Linux does not pad on veth
}  // namespace

std::string_view to_string(NeighbourState state) {
  switch (state) {
    case NeighbourState::incomplete: return "incomplete";
    case NeighbourState::reachable: return "reachable";
    case NeighbourState::stale: return "stale";
    case NeighbourState::delay: return "delay";
    case NeighbourState::probe: return "probe";
    case NeighbourState::failed: return "failed";
  }
  return "unknown";
}

std::shared_ptr<const ArpConfig> share(const ArpConfig& config) {
  static const std::shared_ptr<const ArpConfig> kDefault = std::make_shared<const ArpConfig>();
  return config == *kDefault ? kDefault : std::make_shared<const ArpConfig>(config);
}

ArpCache::ArpCache(link::Context& context, link::Interface& interface, ArpCacheOwner& owner, ArpConfig config)
    : ArpCache(context, interface, owner, share(config)) {}

ArpCache::ArpCache(link::Context& context, link::Interface& interface, ArpCacheOwner& owner,
                   std::shared_ptr<const ArpConfig> config)
    : context_(context), interface_(interface), owner_(owner), config_(std::move(config)) {
  entries_.set_arena(context_.arena);
  const core::Time base = config_->base_reachable_time;
  reachable_time_ = base <= 1 ? base : context_.sim.rng().between(base / 2, base + base / 2);
}

void ArpCache::arm_timer(wire::Ipv4Address ip, Entry& entry, core::Time at) {
  ++entry.timer_generation;
  context_.sim.schedule_at(at, *this, 0, ip.to_u32(), entry.timer_generation);
}

ArpCache::Entry& ArpCache::entry_for(wire::Ipv4Address ip) {
  auto [entry, created] = entries_.try_emplace(ip.to_u32());
  if (created) {
    entry->state = NeighbourState::failed;  // Linux's "none": handled like failed
    entry->confirmed = context_.now() - 2 * config_->base_reachable_time;
  }
  return *entry;
}

void ArpCache::send(wire::Ipv4Address next_hop, wire::Frame frame) {
  const core::Time now = context_.now();
  Entry& entry = entry_for(next_hop);
  entry.used = now;
  // sock_confirm_neigh before neigh_output: a packet that carries a confirmation (a TCP socket's
  // progress, MSG_CONFIRM, or one forwarded across a veth) stamps the entry before it is used.
  if (frame.meta().confirm_neighbour) entry.confirmed = now;
  switch (entry.state) {
    case NeighbourState::reachable:
    case NeighbourState::delay:
    case NeighbourState::probe:
      transmit(entry, std::move(frame));
      return;
    case NeighbourState::stale:
      entry.state = NeighbourState::delay;
      entry.updated = now;
      arm_timer(next_hop, entry, now + config_->delay_first_probe_time);
      transmit(entry, std::move(frame));
      return;
    case NeighbourState::failed:
      entry.state = NeighbourState::incomplete;
      entry.updated = now;
      entry.probes = config_->ucast_probes;  // so that the first probes are broadcast (arp_solicit)
      entry.mac = wire::MacAddress();
      arm_timer(next_hop, entry, now + config_->retrans_time);
      enqueue(next_hop, entry, std::move(frame));
      probe(next_hop, entry);
      return;
    case NeighbourState::incomplete:
      enqueue(next_hop, entry, std::move(frame));
      return;
  }
}

void ArpCache::transmit(Entry& entry, wire::Frame frame) {
  wire::set_frame_dst_mac(frame, entry.mac);
  interface_.send(std::move(frame));
}

void ArpCache::enqueue(wire::Ipv4Address ip, Entry& entry, wire::Frame frame) {
  while (!entry.queue.empty() && entry.queued_bytes + frame.size() > config_->unres_qlen_bytes) {
    wire::Frame oldest = entry.queue.pop_front();
    entry.queued_bytes -= oldest.size();
    context_.trace.drop(context_.now(), trace::DropReason::arp_queue_full, interface_.node_id(), interface_.id(),
                        oldest.meta().packet_id,
                        "too many packets waiting for ARP resolution of " + ip.to_string() + " on " +
                            interface_.full_name());
  }
  entry.queued_bytes += frame.size();
  entry.queue.push_back(std::move(frame));
}

void ArpCache::probe(wire::Ipv4Address ip, Entry& entry) {
  // arp_solicit: the source is the waiting packet's, if it is ours; unicast to the known MAC while
  // fewer than ucast_probes were sent, then broadcast.
  wire::Ipv4Address sender;
  if (!entry.queue.empty()) {
    const wire::Frame& newest = entry.queue.back();
    if (const auto waiting = wire::Ipv4View::parse_quoted(wire::frame_l3_bytes(newest));
        waiting && owner_.is_local_address(waiting->src()))
      sender = waiting->src();
  }
  if (sender.is_unspecified()) sender = interface_.source_address_for(ip);
  const bool unicast = entry.probes < config_->ucast_probes;
  send_arp(wire::ArpOperation::request, unicast ? entry.mac : wire::MacAddress::broadcast(), sender, wire::MacAddress(),
           ip);
  ++entry.probes;
}

void ArpCache::send_arp(wire::ArpOperation op, wire::MacAddress eth_dst, wire::Ipv4Address sender_ip,
                        wire::MacAddress target_mac, wire::Ipv4Address target_ip) {
  wire::Frame frame = context_.pool.allocate(kArpFrameLen);
  frame.meta().packet_id = context_.new_packet_id();
  wire::EthernetRepr{eth_dst, interface_.mac(), wire::kEthertypeArp, std::nullopt}.emit(frame.bytes());
  wire::ArpRepr{op, interface_.mac(), sender_ip, target_mac, target_ip}.emit(
      frame.bytes().subspan(wire::kEthernetHeaderLen));
  context_.trace.packet(context_.now(), trace::TraceKind::sent, interface_.node_id(), interface_.id(),
                        frame.meta().packet_id);
  interface_.send(std::move(frame));
}

void ArpCache::update(wire::Ipv4Address ip, Entry& entry, wire::MacAddress mac, NeighbourState new_state) {
  // neigh_update(): the same MAC reported as stale does not demote a valid entry.
  const core::Time now = context_.now();
  const NeighbourState old_state = entry.state;
  const bool was_valid = is_valid(old_state);
  if (new_state == NeighbourState::reachable) entry.confirmed = now;
  if (was_valid && mac == entry.mac && new_state == NeighbourState::stale) new_state = old_state;
  const bool changed_mac = mac != entry.mac;
  entry.mac = mac;
  if (new_state != old_state || changed_mac) {
    entry.state = new_state;
    entry.updated = now;
    if (new_state == NeighbourState::reachable) {
      arm_timer(ip, entry, now + reachable_time_);
    } else if (new_state == NeighbourState::stale) {
      ++entry.timer_generation;  // stale runs no timer
    }
    if (old_state != NeighbourState::reachable && new_state == NeighbourState::reachable)
      context_.trace.note(now, trace::TraceKind::arp_resolved, interface_.node_id(), interface_.id(), 0,
                          ip.to_string() + " is at " + mac.to_string());
  }
  if (!was_valid) {
    // Flush the packets that waited, in order, through the normal send path (stale -> delay).
    core::RingBuffer<wire::Frame> waiting = std::move(entry.queue);
    entry.queued_bytes = 0;
    while (!waiting.empty()) send(ip, waiting.pop_front());
  }
}

void ArpCache::receive(const wire::ArpRepr& arp, bool to_us) {
  const wire::Ipv4Address sip = arp.sender_ip;
  const wire::Ipv4Address tip = arp.target_ip;
  if (tip.is_multicast() || tip.is_loopback() || sip.is_multicast()) return;
  if (sip.is_unspecified()) {
    // A duplicate address probe (RFC 5227, arping -D): answer if the address is ours, learn nothing.
    if (arp.operation == wire::ArpOperation::request && owner_.is_local_address(tip))
      send_arp(wire::ArpOperation::reply, arp.sender_mac, tip, arp.sender_mac, sip);
    return;
  }
  if (arp.operation == wire::ArpOperation::request && owner_.is_local_address(tip)) {
    update(sip, entry_for(sip), arp.sender_mac, NeighbourState::stale);
    send_arp(wire::ArpOperation::reply, arp.sender_mac, tip, arp.sender_mac, sip);
    return;
  }
  Entry* entry = entries_.find(sip.to_u32());
  if (entry == nullptr) return;  // arp_accept=0: never create an entry from an unsolicited packet
  const bool solicited_reply = arp.operation == wire::ArpOperation::reply && to_us;
  update(sip, *entry, arp.sender_mac, solicited_reply ? NeighbourState::reachable : NeighbourState::stale);
}

void ArpCache::fail(wire::Ipv4Address ip, Entry& entry) {
  // An incomplete entry starts counting at ucast_probes (see send()); a probing one at 0.
  const std::uint32_t requests =
      entry.state == NeighbourState::incomplete ? entry.probes - config_->ucast_probes : entry.probes;
  entry.state = NeighbourState::failed;
  entry.updated = context_.now();
  entry.mac = wire::MacAddress();
  context_.trace.note(context_.now(), trace::TraceKind::arp_failed, interface_.node_id(), interface_.id(), 0,
                      "ARP for " + ip.to_string() + " on " + interface_.full_name() + " timed out after " +
                          std::to_string(requests) + " requests");
  core::RingBuffer<wire::Frame> waiting = std::move(entry.queue);
  entry.queued_bytes = 0;
  while (!waiting.empty()) owner_.neighbour_unreachable(interface_, ip, requests, waiting.pop_front());
}

void ArpCache::handle_event(const core::Event& event) {
  const wire::Ipv4Address ip(static_cast<std::uint32_t>(event.arg));
  Entry* found = entries_.find(ip.to_u32());
  if (found == nullptr || found->timer_generation != event.aux) return;  // superseded
  Entry& entry = *found;
  const core::Time now = context_.now();
  switch (entry.state) {
    case NeighbourState::reachable:
      if (now < entry.confirmed + reachable_time_) {
        arm_timer(ip, entry, entry.confirmed + reachable_time_);
      } else if (now <= entry.used + config_->delay_first_probe_time) {
        entry.state = NeighbourState::delay;
        entry.updated = now;
        arm_timer(ip, entry, now + config_->delay_first_probe_time);
      } else {
        entry.state = NeighbourState::stale;
        entry.updated = now;
      }
      return;
    case NeighbourState::delay:
      if (now < entry.confirmed + config_->delay_first_probe_time) {
        entry.state = NeighbourState::reachable;
        arm_timer(ip, entry, entry.confirmed + reachable_time_);
        return;
      }
      entry.state = NeighbourState::probe;
      entry.updated = now;
      entry.probes = 0;
      break;
    case NeighbourState::incomplete:
    case NeighbourState::probe:
      break;
    case NeighbourState::stale:
    case NeighbourState::failed:
      return;
  }
  if (entry.probes >= max_probes(entry)) {
    fail(ip, entry);
    return;
  }
  arm_timer(ip, entry, now + config_->retrans_time);
  probe(ip, entry);
}

std::vector<NeighbourEntry> ArpCache::entries() const {
  std::vector<NeighbourEntry> all;
  all.reserve(entries_.size());
  entries_.for_each([&](std::uint32_t ip, const Entry& entry) {
    all.push_back(NeighbourEntry{wire::Ipv4Address(ip), entry.mac, entry.state, interface_.name()});
  });
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.ip < b.ip; });
  return all;
}

const NeighbourState* ArpCache::state_of(wire::Ipv4Address ip) const {
  const Entry* entry = entries_.find(ip.to_u32());
  return entry == nullptr ? nullptr : &entry->state;
}

}  // namespace vpcsim::stack
