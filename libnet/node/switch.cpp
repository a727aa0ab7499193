#include "libnet/node/switch.h"

#include "libnet/node/network.h"

#include <algorithm>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/core/prefetch.h"
#include "libnet/link/link.h"
#include "libnet/wire/ethernet.h"

namespace vpcsim::node {

Switch::Switch(Network& network, std::uint32_t id, std::string name)
    : Node(network, id, std::move(name), NodeKind::switch_) {}

link::Interface& Switch::add_port(std::string name) {
  if (name.empty()) {
    name = "p";  // built with += : g++ 12 -O3 warns falsely (-Wrestrict) on "p" + std::string
    name += std::to_string(interfaces().size() + 1);
  }
  return create_interface(std::move(name), std::nullopt);
}

void Switch::set_ageing_time(core::Time t) {
  if (t <= 0) throw core::ConfigError(name(), "ageing_time", "must be positive");
  ageing_time_ = t;
}

void Switch::receive_frame(link::Interface& ingress, wire::Frame frame) {
  if (frame.size() < wire::kEthernetHeaderLen) {
    context().trace.drop(context().now(), trace::DropReason::malformed, id(), ingress.id(), frame.meta().packet_id,
                         "frame of " + std::to_string(frame.size()) + " bytes is shorter than an Ethernet header");
    return;
  }
  // A frame that crossed more switches than any real bridged network spans is going round a loop.
  const std::uint32_t max_hops = network().limits().max_bridge_hops;
  if (++frame.meta().bridge_hops > max_hops && max_hops != 0) [[unlikely]] {
    context().trace.drop(context().now(), trace::DropReason::bridge_loop, id(), ingress.id(), frame.meta().packet_id,
                         "the frame crossed " + std::to_string(max_hops) + " switches: a loop without spanning tree");
    network().report_bridge_loop(*this);
    return;
  }
  const core::Time now = context().now();
  const std::uint32_t in_port = index_of(ingress);
  const std::uint8_t* bytes = std::as_const(frame).data();  // read only: a flooded frame stays shared
  const wire::MacAddress src = wire::MacAddress::from_bytes(bytes + 6);
  if (!src.is_unicast() || src.is_zero()) {
    // br_handle_frame: !is_valid_ether_addr(source) -> drop.
    context().trace.drop(now, trace::DropReason::malformed, id(), ingress.id(), frame.meta().packet_id,
                         "source MAC " + src.to_string() + " is not a valid unicast address");
    return;
  }
  table_[src.to_u64()] = Learned{in_port, now};

  const wire::MacAddress dst = wire::MacAddress::from_bytes(bytes);
  if (is_reserved_group(dst) && bytes[5] != 0x00) {
    // 01:80:c2:00:00:0X is link-local: a bridge never forwards it (PAUSE is dropped, LACP, 802.1X,
    // LLDP... are for the bridge itself); only the STP group 00 is forwarded when STP is off.
    ++counters_.filtered;
    return;
  }
  if (!dst.is_unicast()) {
    flood(in_port, std::move(frame));
    return;
  }
  const Learned* learned = table_.find(dst.to_u64());
  if (learned == nullptr || now - learned->last_seen > ageing_time_) {
    flood(in_port, std::move(frame));
    return;
  }
  if (learned->port == in_port) {
    ++counters_.filtered;
    return;
  }
  ++counters_.forwarded;
  link::Interface& egress = *interfaces()[learned->port];
  context().trace.packet(now, trace::TraceKind::switched, id(), egress.id(), frame.meta().packet_id);
  egress.send(std::move(frame));
}

bool Switch::is_reserved_group(wire::MacAddress mac) {
  return (mac.to_u64() & ~std::uint64_t{0x0f}) == 0x0180c2000000ULL;
}

void Switch::flood(std::uint32_t ingress, wire::Frame frame) {
  ++counters_.flooded;
  context().trace.packet(context().now(), trace::TraceKind::flooded, id(), interfaces()[ingress]->id(),
                         frame.meta().packet_id);
  // Every other connected port gets a handle on the same bytes (Frame::share: copied only if a
  // receiver writes to them); the last one gets the original.
  std::uint32_t last = static_cast<std::uint32_t>(interfaces().size());
  for (std::uint32_t i = static_cast<std::uint32_t>(interfaces().size()); i-- > 0;)
    if (i != ingress && interfaces()[i]->is_connected()) {
      last = i;
      break;
    }
  for (std::uint32_t i = 0; i < last; ++i) {
    prefetch_flood_port(i + 2 * kFloodPrefetchSpacing, 0);
    prefetch_flood_port(i + kFloodPrefetchSpacing, 1);
    if (i != ingress && interfaces()[i]->is_connected()) interfaces()[i]->send(frame.share());
  }
  if (last < interfaces().size()) interfaces()[last]->send(std::move(frame));
}

void Switch::prefetch_flood_port(std::uint32_t port, unsigned stage) const {
  // Port `port` gets a copy a few iterations later: its interface (stage 0), then its link's lane
  // (1), each port's state being one more cache miss in a switch with thousands of ports.
  if (port >= interfaces().size()) return;
  const link::Interface& interface = *interfaces()[port];
  if (stage == 0) {
    core::prefetch_bytes(&interface, sizeof(link::Interface));
  } else if (interface.is_connected()) {
    interface.prefetch_transmit();
  }
}

std::vector<MacTableEntry> Switch::mac_table() const {
  const core::Time now = context().now();
  std::vector<MacTableEntry> entries;
  table_.for_each([&](std::uint64_t mac, const Learned& learned) {
    if (now - learned.last_seen <= ageing_time_)
      entries.push_back(MacTableEntry{wire::MacAddress::from_u64(mac), interfaces()[learned.port]->name(),
                                      now - learned.last_seen});
  });
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.mac < b.mac; });
  return entries;
}

const link::Interface* Switch::port_of(wire::MacAddress mac) const {
  const Learned* learned = table_.find(mac.to_u64());
  if (learned == nullptr || context().now() - learned->last_seen > ageing_time_) return nullptr;
  return interfaces()[learned->port].get();
}

}  // namespace vpcsim::node
