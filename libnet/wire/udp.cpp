// UdpRepr parse/emit, out of line: used when a node originates a datagram.
#include "libnet/wire/udp.h"

#include <algorithm>
#include <cstring>

namespace vpcsim::wire {

Parsed<UdpRepr> UdpRepr::parse(const UdpView& view, Ipv4Address src, Ipv4Address dst) {
  if (!view.verify_checksum(src, dst)) return WireError::bad_checksum;
  return UdpRepr{view.src_port(), view.dst_port(), view.payload()};
}

void UdpRepr::emit(std::span<std::uint8_t> buf, Ipv4Address src, Ipv4Address dst) const {
  assert(buf.size() >= wire_len());
  assert(wire_len() <= 0xffff);
  std::uint8_t* p = buf.data();
  // The payload first: it may already sit in (or overlap) the buffer.
  if (!payload.empty()) std::memmove(p + kUdpHeaderLen, payload.data(), payload.size());
  store_be16(p, src_port);
  store_be16(p + 2, dst_port);
  store_be16(p + 4, static_cast<std::uint16_t>(wire_len()));
  store_be16(p + 6, 0);
  const std::uint16_t c = checksum_finish(
      checksum_add(buf.first(wire_len()), pseudo_header_sum(src, dst, kIpProtoUdp, static_cast<std::uint16_t>(wire_len()))));
  store_be16(p + 6, c == 0 ? 0xffff : c);
}

bool operator==(const UdpRepr& a, const UdpRepr& b) {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && std::ranges::equal(a.payload, b.payload);
}

}  // namespace vpcsim::wire
