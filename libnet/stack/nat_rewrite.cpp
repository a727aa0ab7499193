#include "libnet/stack/nat_rewrite.h"

#include "libnet/wire/icmp.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/transport_prefix.h"
#include "libnet/wire/udp.h"

namespace vpcsim::stack {
namespace {

/// Rewrites the transport part of `l4` (protocol `protocol`, possibly a truncated quote): the source
/// (`source`) or destination port becomes `port` (for ICMP echo: the identifier, whatever `source`
/// says), and the checksum follows the port and, for TCP/UDP, the pseudo header's address change.
void rewrite_transport(std::span<std::uint8_t> l4, std::uint8_t protocol, bool source, std::uint16_t port,
                       wire::Ipv4Address old_address, wire::Ipv4Address new_address) {
  switch (protocol) {
    case wire::kIpProtoTcp:
      if (const auto tcp = wire::TcpViewMut::parse(l4)) {
        source ? tcp->set_src_port(port) : tcp->set_dst_port(port);
        tcp->update_checksum_for_address(old_address, new_address);
        return;
      }
      break;  // a short quote: the ports only, as Linux's tcp_manip_pkt leaves the checksum then
    case wire::kIpProtoUdp:
      if (const auto udp = wire::UdpViewMut::parse_quoted(l4)) {
        source ? udp->set_src_port(port) : udp->set_dst_port(port);
        udp->update_checksum_for_address(old_address, new_address);
        return;
      }
      break;
    case wire::kIpProtoIcmp:
      if (const auto icmp = wire::IcmpViewMut::parse(l4)) icmp->set_echo_id(port);
      return;
    default: return;
  }
  if (const auto ports = wire::TransportPrefixViewMut::parse(l4)) source ? ports->set_src_port(port) : ports->set_dst_port(port);
}

}  // namespace

void rewrite_packet(const wire::Ipv4ViewMut& ip, const FlowTuple& target, Manip manip) {
  const bool source = manip == Manip::source;
  const wire::Ipv4Address old_address = source ? ip.src() : ip.dst();
  const wire::Ipv4Address new_address = source ? target.src : target.dst;
  const std::uint16_t port = source ? target.src_port : target.dst_port;
  if (source)
    ip.set_src(new_address);
  else
    ip.set_dst(new_address);
  if (ip.frag_offset() != 0) return;
  // ICMP echo carries its identifier where TCP and UDP carry the source port; either field works
  // for it because both of its tuple "ports" hold the identifier.
  rewrite_transport(ip.payload(), ip.protocol(), source, port, old_address, new_address);
}

bool rewrite_icmp_error(const wire::Ipv4ViewMut& ip, const FlowTuple& target, Manip manip) {
  const auto icmp = wire::IcmpViewMut::parse(ip.payload());
  if (!icmp) return false;
  auto inner = wire::Ipv4ViewMut::parse_quoted(icmp->invoking_packet());
  if (!inner) return false;
  const bool source = manip == Manip::source;
  const wire::Ipv4Address address = source ? target.src : target.dst;
  const std::uint16_t port = source ? target.src_port : target.dst_port;
  // The quoted packet went the other way: our source is its destination, and vice versa.
  const wire::Ipv4Address inner_old = source ? inner->dst() : inner->src();
  if (source) {
    ip.set_src(address);
    inner->set_dst(address);
  } else {
    ip.set_dst(address);
    inner->set_src(address);
  }
  if (inner->frag_offset() == 0) {
    rewrite_transport(inner->payload(), inner->protocol(), !source, port, inner_old, address);
  }
  icmp->fill_checksum();
  return true;
}

}  // namespace vpcsim::stack
