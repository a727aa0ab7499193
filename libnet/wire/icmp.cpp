// IcmpRepr parse/emit, out of line: used when a node originates an echo or an error.
#include "libnet/wire/icmp.h"

#include <algorithm>
#include <cstring>

namespace vpcsim::wire {

Parsed<IcmpRepr> IcmpRepr::parse(const IcmpView& view) {
  if (!view.verify_checksum()) return WireError::bad_checksum;
  switch (view.type()) {
    case kIcmpEchoRequest:
    case kIcmpEchoReply:
      return IcmpRepr{view.type(), view.code(), view.echo_id(), view.echo_seq(), 0, view.data()};
    case kIcmpDestUnreachable:
      return IcmpRepr{view.type(), view.code(), 0, 0,
                      view.code() == kIcmpCodeFragNeeded ? view.next_hop_mtu() : std::uint16_t{0}, view.data()};
    case kIcmpTimeExceeded:
      return IcmpRepr{view.type(), view.code(), 0, 0, 0, view.data()};
    default:
      return WireError::unsupported;
  }
}

void IcmpRepr::emit(std::span<std::uint8_t> buf) const {
  assert(buf.size() >= wire_len());
  std::uint8_t* p = buf.data();
  // The data first: it may already sit in (or overlap) the buffer, as when quoting in place.
  if (!data.empty()) std::memmove(p + kIcmpHeaderLen, data.data(), data.size());
  p[0] = type;
  p[1] = code;
  store_be16(p + 2, 0);
  switch (type) {
    case kIcmpEchoRequest:
    case kIcmpEchoReply:
      store_be16(p + 4, echo_id);
      store_be16(p + 6, echo_seq);
      break;
    case kIcmpDestUnreachable:
      store_be16(p + 4, 0);
      store_be16(p + 6, code == kIcmpCodeFragNeeded ? next_hop_mtu : std::uint16_t{0});
      break;
    default:
      store_be32(p + 4, 0);
      break;
  }
  store_be16(p + 2, internet_checksum(buf.first(wire_len())));
}

bool operator==(const IcmpRepr& a, const IcmpRepr& b) {
  return a.type == b.type && a.code == b.code && a.echo_id == b.echo_id && a.echo_seq == b.echo_seq &&
         a.next_hop_mtu == b.next_hop_mtu && std::ranges::equal(a.data, b.data);
}

}  // namespace vpcsim::wire
