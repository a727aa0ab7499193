// TcpRepr parse/emit, out of line: used when a node originates a segment.
#include "libnet/wire/tcp.h"

#include <algorithm>
#include <cstring>

namespace vpcsim::wire {

Parsed<TcpRepr> TcpRepr::parse(const TcpView& view, Ipv4Address src, Ipv4Address dst) {
  if (!view.verify_checksum(src, dst)) return WireError::bad_checksum;
  return TcpRepr{view.src_port(), view.dst_port(), view.seq(),        view.ack(),    view.flags(),
                 view.window(),   view.urgent_ptr(), view.options(), view.payload()};
}

void TcpRepr::emit(std::span<std::uint8_t> buf, Ipv4Address src, Ipv4Address dst) const {
  assert(options.size() <= kTcpMaxHeaderLen - kTcpMinHeaderLen);
  assert(buf.size() >= wire_len());
  std::uint8_t* p = buf.data();
  const std::size_t hlen = header_len();
  // The payload first: it may overlap the header area if the caller placed it there already.
  if (!payload.empty()) std::memmove(p + hlen, payload.data(), payload.size());
  store_be16(p, src_port);
  store_be16(p + 2, dst_port);
  store_be32(p + 4, seq);
  store_be32(p + 8, ack);
  p[12] = static_cast<std::uint8_t>((hlen / 4) << 4);
  p[13] = flags;
  store_be16(p + 14, window);
  store_be16(p + 16, 0);
  store_be16(p + 18, urgent_ptr);
  if (!options.empty()) std::memmove(p + kTcpMinHeaderLen, options.data(), options.size());
  std::fill(p + kTcpMinHeaderLen + options.size(), p + hlen, std::uint8_t{0});
  const auto len = static_cast<std::uint16_t>(wire_len());
  store_be16(p + 16, checksum_finish(checksum_add(buf.first(len), pseudo_header_sum(src, dst, kIpProtoTcp, len))));
}

bool operator==(const TcpRepr& a, const TcpRepr& b) {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq && a.ack == b.ack &&
         a.flags == b.flags && a.window == b.window && a.urgent_ptr == b.urgent_ptr &&
         std::ranges::equal(a.options, b.options) && std::ranges::equal(a.payload, b.payload);
}

}  // namespace vpcsim::wire
