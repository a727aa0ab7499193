#include "libnet/node/udp_flows.h"

#include "libnet/core/error.h"
#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::node {
namespace {
// Linux's default ip_local_port_range, 32768-60999: the ports UdpFlows can take on one node.
constexpr std::uint32_t kEphemeralPorts = 60999 - 32768 + 1;
}  // namespace

UdpFlows::UdpFlows(IpNode& node, UdpFlowsConfig config)
    : node_(node), config_(std::move(config)), answered_by_port_(65536, false) {
  if (config_.flows == 0 || config_.flows > kEphemeralPorts)
    throw core::ConfigError(node.name(), "flows",
                            "between 1 and " + std::to_string(kEphemeralPorts) +
                                " flows (one ephemeral port each), not " + std::to_string(config_.flows));
  ports_.reserve(config_.flows);
  for (std::uint32_t i = 0; i < config_.flows; ++i) {
    ports_.push_back(node.ephemeral_port(wire::kIpProtoUdp));
    node.bind_udp(ports_.back(), *this);
  }
  node.network().simulation().schedule_at(config_.start, *this, 0);
}

void UdpFlows::handle_event(const core::Event&) {
  const std::uint16_t port = ports_[sent_++];
  node_.send_udp(port, config_.destination, config_.dst_port,
                 std::span(reinterpret_cast<const std::uint8_t*>(config_.data.data()), config_.data.size()));
  if (sent_ < ports_.size()) node_.network().simulation().schedule_in(config_.gap, *this, 0);
}

void UdpFlows::on_datagram(IpNode&, const ReceivedDatagram& datagram) {
  if (answered_by_port_[datagram.dst_port]) return;
  answered_by_port_[datagram.dst_port] = true;
  ++answered_;
}

void UdpFlows::on_icmp_error(IpNode&, const IcmpErrorReport&) { ++errors_; }

Outcome UdpFlows::outcome() const {
  if (sent_ < ports_.size()) return Outcome::pending;
  if (answered_ == ports_.size()) return Outcome::reply;
  if (answered_ == 0 && errors_ > 0) return Outcome::unreachable;
  return Outcome::timeout;
}

std::string UdpFlows::summary() const {
  return "udp " + std::to_string(ports_.size()) + " flows to " + config_.destination.to_string() + ":" +
         std::to_string(config_.dst_port) + ": " + std::to_string(sent_) + " sent, " + std::to_string(answered_) +
         " answered";
}

}  // namespace vpcsim::node
