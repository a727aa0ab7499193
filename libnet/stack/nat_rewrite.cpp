#include "libnet/stack/nat_rewrite.h"

#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"

namespace vpcsim::stack {
namespace {

constexpr std::size_t kTcpChecksumOffset = 16;
constexpr std::size_t kUdpChecksumOffset = 6;
constexpr std::size_t kIcmpChecksumOffset = 2;
constexpr std::size_t kIcmpIdOffset = 4;

/// Replaces the checksum at `at` with `update(checksum)`. For UDP (`zero_means_none`) a zero checksum
/// means "none" and stays zero, and a computed zero is sent as 0xffff (RFC 768).
template <class Update>
void patch_checksum(std::span<std::uint8_t> l4, std::size_t at, bool zero_means_none, const Update& update) {
  const std::uint16_t c = wire::load_be16(l4.data() + at);
  if (zero_means_none && c == 0) return;
  std::uint16_t updated = update(c);
  if (zero_means_none && updated == 0) updated = 0xffff;
  wire::store_be16(l4.data() + at, updated);
}

/// Rewrites the transport part of `l4` (protocol `protocol`, possibly a truncated quote): the port at
/// `port_offset` (0 source, 2 destination; for ICMP echo the identifier) becomes `port`, and the
/// checksum follows the port and, for TCP/UDP, the pseudo header's address change.
void rewrite_transport(std::span<std::uint8_t> l4, std::uint8_t protocol, std::size_t port_offset, std::uint16_t port,
                       wire::Ipv4Address old_address, wire::Ipv4Address new_address) {
  switch (protocol) {
    case wire::kIpProtoTcp:
    case wire::kIpProtoUdp: {
      if (l4.size() < 4) return;
      const std::uint16_t old_port = wire::load_be16(l4.data() + port_offset);
      wire::store_be16(l4.data() + port_offset, port);
      const bool udp = protocol == wire::kIpProtoUdp;
      const std::size_t at = udp ? kUdpChecksumOffset : kTcpChecksumOffset;
      if (l4.size() < at + 2) return;  // a short quote: Linux leaves the checksum too (tcp_manip_pkt)
      patch_checksum(l4, at, udp, [&](std::uint16_t c) {
        return wire::checksum_update32(wire::checksum_update16(c, old_port, port), old_address, new_address);
      });
      return;
    }
    case wire::kIpProtoIcmp: {
      if (l4.size() < wire::kIcmpHeaderLen) return;
      const std::uint16_t old_id = wire::load_be16(l4.data() + kIcmpIdOffset);
      wire::store_be16(l4.data() + kIcmpIdOffset, port);
      patch_checksum(l4, kIcmpChecksumOffset, false, [&](std::uint16_t c) { return wire::checksum_update16(c, old_id, port); });
      return;
    }
    default: return;
  }
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
  const std::size_t port_offset = (source || ip.protocol() == wire::kIpProtoIcmp) ? 0 : 2;
  rewrite_transport(ip.payload(), ip.protocol(), port_offset, port, old_address, new_address);
}

bool rewrite_icmp_error(const wire::Ipv4ViewMut& ip, const FlowTuple& target, Manip manip) {
  const auto message = ip.payload();
  if (message.size() < wire::kIcmpHeaderLen) return false;
  auto inner = wire::Ipv4ViewMut::parse_quoted(message.subspan(wire::kIcmpHeaderLen));
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
    const std::size_t port_offset = (source && inner->protocol() != wire::kIpProtoIcmp) ? 2 : 0;
    rewrite_transport(inner->payload(), inner->protocol(), port_offset, port, inner_old, address);
  }
  auto icmp = wire::IcmpViewMut::parse(message);
  icmp->fill_checksum();
  return true;
}

}  // namespace vpcsim::stack
