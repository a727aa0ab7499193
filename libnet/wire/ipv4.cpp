// Ipv4Repr parse/emit, out of line: used when a node originates a datagram, not per hop.
#include "libnet/wire/ipv4.h"

namespace vpcsim::wire {

Parsed<Ipv4Repr> Ipv4Repr::parse(const Ipv4View& view) {
  if (!view.verify_checksum()) return WireError::bad_checksum;
  if (view.is_fragment()) return WireError::unsupported;
  Ipv4Repr repr;
  repr.src = view.src();
  repr.dst = view.dst();
  repr.protocol = view.protocol();
  repr.ttl = view.ttl();
  repr.tos = view.tos();
  repr.id = view.id();
  repr.dont_fragment = view.dont_fragment();
  repr.payload_len = static_cast<std::uint16_t>(view.total_len() - view.header_len());
  return repr;
}

void Ipv4Repr::emit(std::span<std::uint8_t> buf) const {
  assert(buf.size() >= kIpv4MinHeaderLen);
  assert(wire_len() <= kIpv4MaxTotalLen);
  std::uint8_t* p = buf.data();
  p[0] = 0x45;
  p[1] = tos;
  store_be16(p + 2, static_cast<std::uint16_t>(wire_len()));
  store_be16(p + 4, id);
  store_be16(p + 6, dont_fragment ? 0x4000 : 0);
  p[8] = ttl;
  p[9] = protocol;
  store_be16(p + 10, 0);
  src.write_to(p + 12);
  dst.write_to(p + 16);
  store_be16(p + 10, internet_checksum(buf.first(kIpv4MinHeaderLen)));
}

}  // namespace vpcsim::wire
