#include "libnet/stack/flow_tuple.h"

#include "libnet/wire/icmp.h"
#include "libnet/wire/transport_prefix.h"

namespace vpcsim::stack {
namespace {

std::optional<FlowTuple> tuple_of(const wire::Ipv4View& ip, bool quoted) {
  if (ip.frag_offset() != 0) return std::nullopt;
  const auto l4 = ip.payload();
  switch (ip.protocol()) {
    case wire::kIpProtoTcp:
    case wire::kIpProtoUdp: {
      // The 8-byte prefix, not a full TcpView/UdpView: a quote may stop there (RFC 792).
      const auto ports = wire::TransportPrefixView::parse(l4);
      if (!ports) return std::nullopt;
      return FlowTuple{ip.src(), ip.dst(), ports->src_port(), ports->dst_port(), ip.protocol()};
    }
    case wire::kIpProtoIcmp: {
      const auto icmp = wire::IcmpView::parse(l4);
      if (!icmp) return std::nullopt;
      const bool echo = icmp->type() == wire::kIcmpEchoRequest || (!quoted && icmp->type() == wire::kIcmpEchoReply);
      if (!echo) return std::nullopt;
      return FlowTuple{ip.src(), ip.dst(), icmp->echo_id(), icmp->echo_id(), wire::kIpProtoIcmp};
    }
    default: return std::nullopt;
  }
}

}  // namespace

std::uint64_t FlowTuple::hash() const {
  // Two multiply-xorshift rounds over the 104 bits: cheap, and every input bit reaches the top bits
  // that a Fibonacci-hashed table uses.
  std::uint64_t h = (std::uint64_t{src.to_u32()} << 32 | dst.to_u32()) * 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  h += (std::uint64_t{src_port} << 24 | std::uint64_t{dst_port} << 8 | protocol) * 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 31;
  return h * 0x94d049bb133111ebULL;
}

std::string protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case wire::kIpProtoTcp: return "tcp";
    case wire::kIpProtoUdp: return "udp";
    case wire::kIpProtoIcmp: return "icmp";
  }
  return std::to_string(protocol);
}

std::string FlowTuple::to_string() const {
  std::string text = protocol_name(protocol);
  text += ' ';
  if (protocol == wire::kIpProtoIcmp) {
    text += src.to_string();
    text += " -> ";
    text += dst.to_string();
    text += " id ";
    text += std::to_string(src_port);
    return text;
  }
  text += src.to_string();
  text += ':';
  text += std::to_string(src_port);
  text += " -> ";
  text += dst.to_string();
  text += ':';
  text += std::to_string(dst_port);
  return text;
}

std::optional<FlowTuple> flow_tuple_of(const wire::Ipv4View& ip) { return tuple_of(ip, false); }

std::optional<FlowTuple> quoted_flow_tuple_of(const wire::Ipv4View& ip) {
  if (ip.protocol() != wire::kIpProtoIcmp) return std::nullopt;
  const auto icmp = wire::IcmpView::parse(ip.payload());
  if (!icmp || !icmp->is_error()) return std::nullopt;
  auto inner = wire::Ipv4View::parse_quoted(icmp->invoking_packet());
  if (!inner) return std::nullopt;
  return tuple_of(*inner, true);
}

}  // namespace vpcsim::stack
