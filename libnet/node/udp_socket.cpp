#include "libnet/node/udp_socket.h"

#include "libnet/node/ip_node.h"
#include "libnet/node/network.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::node {

UdpSocket::UdpSocket(IpNode& node, std::uint16_t port)
    : node_(node), port_(port != 0 ? port : node.ephemeral_port(wire::kIpProtoUdp)) {
  node_.bind_udp(port_, *this);
}

UdpSocket::~UdpSocket() = default;

SendStatus UdpSocket::send_to(wire::Ipv4Address destination, std::uint16_t port, std::span<const std::uint8_t> payload,
                              bool confirm) {
  SendOptions options;
  options.confirm_neighbour = confirm;
  const SendStatus status = node_.send_udp(port_, destination, port, payload, options);
  if (status == SendStatus::sent) ++sent_;
  return status;
}

void UdpSocket::on_datagram(IpNode& node, const ReceivedDatagram& datagram) {
  received_.push_back(UdpDatagram{node.network().now(), datagram.src, datagram.src_port, datagram.dst, datagram.ttl,
                                  {datagram.payload.begin(), datagram.payload.end()}});
}

void UdpSocket::on_icmp_error(IpNode&, const IcmpErrorReport& error) { errors_.push_back(error); }

Outcome UdpSocket::outcome() const {
  if (!received_.empty()) return Outcome::reply;
  return errors_.empty() ? Outcome::timeout : Outcome::unreachable;
}

std::string UdpSocket::summary() const {
  return "udp socket " + std::to_string(port_) + ": " + std::to_string(sent_) + " sent, " +
         std::to_string(received_.size()) + " received, " + std::to_string(errors_.size()) + " ICMP errors";
}

}  // namespace vpcsim::node
