#include "libnet/cloud/packet_summary.h"

#include "libnet/stack/flow_tuple.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/transport_prefix.h"
#include "libnet/wire/udp.h"

namespace vpcsim::cloud {

std::optional<PacketSummary> PacketSummary::of(const wire::Ipv4View& ip) {
  // Only the first fragment carries the transport header; the rest cannot be judged on ports.
  if (ip.frag_offset() != 0) return std::nullopt;
  PacketSummary summary;
  summary.protocol = ip.protocol();
  summary.source = ip.src();
  summary.destination = ip.dst();
  const auto l4 = ip.payload();
  switch (ip.protocol()) {
    case wire::kIpProtoTcp: {
      const auto tcp = wire::TcpView::parse(l4);
      if (!tcp) return std::nullopt;
      summary.source_port = tcp->src_port();
      summary.destination_port = tcp->dst_port();
      summary.tcp_flags = tcp->flags();
      break;
    }
    case wire::kIpProtoUdp: {
      // Not UdpView::parse: a first fragment's UDP Length counts bytes that are in later fragments,
      // and the ports are all a rule needs.
      const auto ports = wire::TransportPrefixView::parse(l4);
      if (!ports) return std::nullopt;
      summary.source_port = ports->src_port();
      summary.destination_port = ports->dst_port();
      break;
    }
    case wire::kIpProtoIcmp: {
      const auto icmp = wire::IcmpView::parse(l4);
      if (!icmp) return std::nullopt;
      summary.icmp_type = icmp->type();
      summary.icmp_code = icmp->code();
      break;
    }
    default: break;  // other protocols are matched on protocol and addresses only
  }
  return summary;
}

std::string PacketSummary::to_string() const {
  std::string text = stack::protocol_name(protocol);
  text += ' ';
  text += source.to_string();
  if (protocol == wire::kIpProtoTcp || protocol == wire::kIpProtoUdp) {
    text += ':';
    text += std::to_string(source_port);
  }
  text += " -> ";
  text += destination.to_string();
  if (protocol == wire::kIpProtoTcp || protocol == wire::kIpProtoUdp) {
    text += ':';
    text += std::to_string(destination_port);
  } else if (protocol == wire::kIpProtoIcmp) {
    text += " type ";
    text += std::to_string(icmp_type);
    if (icmp_code != 0) {
      text += " code ";
      text += std::to_string(icmp_code);
    }
  }
  return text;
}

}  // namespace vpcsim::cloud
