#include "libnet/link/interface.h"

#include <algorithm>
#include <utility>

#include "libnet/core/error.h"
#include "libnet/link/link.h"

namespace vpcsim::link {

Interface::Interface(Context& context, FrameReceiver& owner, std::uint32_t id, std::uint32_t node_id, std::string name,
                     wire::MacAddress mac, std::uint32_t index_in_node)
    : context_(context),
      owner_(owner),
      id_(id),
      node_id_(node_id),
      index_in_node_(index_in_node),
      mac_(mac) {
  if (context_.trace.interface_short_name(id) != name)
    throw core::ConfigError(name, "interface",
                            "interface id " + std::to_string(id) + " is registered in the trace as '" +
                                this->name() + "'");
}

void Interface::set_mtu(std::uint32_t mtu) {
  if (mtu < 68 || mtu > 9001)
    throw core::ConfigError(full_name(), "mtu", std::to_string(mtu) + " is outside 68..9001");
  mtu_ = mtu;
}

void Interface::validate_address(const std::string& who, wire::Ipv4InterfaceAddress address) {
  const wire::Ipv4Address ip = address.address();
  const wire::Ipv4Prefix subnet = address.subnet();
  if (ip.is_unspecified()) throw core::ConfigError(who, "ip", "0.0.0.0 cannot be assigned");
  if (ip.is_multicast() || ip.is_limited_broadcast())
    throw core::ConfigError(who, "ip", ip.to_string() + " is not a unicast address");
  if (subnet.length() < 31 && (ip == subnet.network() || ip == subnet.broadcast()))
    throw core::ConfigError(who, "ip",
                            address.to_string() + " is the " + (ip == subnet.network() ? "network" : "broadcast") +
                                " address of " + subnet.to_string());
}

void Interface::add_address(wire::Ipv4InterfaceAddress address) {
  validate_address(full_name(), address);
  const wire::Ipv4Address ip = address.address();
  for (const auto& existing : addresses_)
    if (existing.address() == ip)
      throw core::ConfigError(full_name(), "ip", ip.to_string() + " is already assigned to this interface");
  addresses_.push_back(address);
}

bool Interface::has_address(wire::Ipv4Address address) const {
  return std::any_of(addresses_.begin(), addresses_.end(), [&](const auto& a) { return a.address() == address; });
}

wire::Ipv4Address Interface::primary_address() const {
  return addresses_.empty() ? wire::Ipv4Address() : addresses_.front().address();
}

wire::Ipv4Address Interface::source_address_for(wire::Ipv4Address destination) const {
  for (const auto& a : addresses_)
    if (a.subnet().contains(destination)) return a.address();
  return primary_address();
}

void Interface::send(wire::Frame frame) {
  if (link_ == nullptr) {
    ++counters_.tx_dropped;
    context_.trace.drop(context_.now(), trace::DropReason::not_connected, node_id_, id_, frame.meta().packet_id,
                        full_name() + " has no link");
    return;
  }
  const std::size_t len = frame.size();
  if (!link_->transmit(link_side_, std::move(frame))) {
    ++counters_.tx_dropped;
    return;
  }
  ++counters_.tx_packets;
  counters_.tx_bytes += len;
}

void Interface::deliver(wire::Frame frame) {
  // is_skb_forwardable(): a frame longer than MTU + Ethernet header + one VLAN tag is dropped.
  if (frame.size() > mtu_ + kMaxLinkHeaderLen) {
    ++counters_.rx_dropped;
    context_.trace.drop(context_.now(), trace::DropReason::oversized_frame, node_id_, id_, frame.meta().packet_id,
                        std::to_string(frame.size()) + "-byte frame exceeds the MTU " + std::to_string(mtu_) + " of " +
                            full_name());
    return;
  }
  ++counters_.rx_packets;
  counters_.rx_bytes += frame.size();
  show_taps(Direction::rx, std::as_const(frame).bytes());  // const: a shared frame stays shared
  frame.meta().ingress_interface = id_;
  owner_.receive_frame(*this, std::move(frame));
}

void Interface::add_tap(CaptureTap& tap) {
  if (taps_ == nullptr) taps_ = std::make_unique<std::vector<CaptureTap*>>();
  taps_->push_back(&tap);
}

void Interface::remove_tap(CaptureTap& tap) {
  if (taps_ == nullptr) return;
  taps_->erase(std::remove(taps_->begin(), taps_->end(), &tap), taps_->end());
  if (taps_->empty()) taps_.reset();
}

}  // namespace vpcsim::link
