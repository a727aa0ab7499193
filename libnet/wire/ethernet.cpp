// EthernetRepr parse/emit: used when a node originates a frame, so kept out of the header.
#include "libnet/wire/ethernet.h"

namespace vpcsim::wire {

Parsed<EthernetRepr> EthernetRepr::parse(const EthernetView& view) {
  EthernetRepr repr;
  repr.dst = view.dst();
  repr.src = view.src();
  repr.ethertype = view.ethertype();
  if (view.has_vlan()) repr.vlan = VlanTag{view.vlan_pcp(), view.vlan_dei(), view.vlan_id()};
  return repr;
}

void EthernetRepr::emit(std::span<std::uint8_t> buf) const {
  assert(buf.size() >= header_len());
  dst.write_to(buf.data());
  src.write_to(buf.data() + 6);
  if (vlan) {
    store_be16(buf.data() + 12, kEthertypeVlan);
    const auto tci = static_cast<std::uint16_t>(((vlan->pcp & 0x07) << 13) | (vlan->dei ? 0x1000 : 0) | (vlan->vid & 0x0fff));
    store_be16(buf.data() + 14, tci);
    store_be16(buf.data() + 16, ethertype);
  } else {
    store_be16(buf.data() + 12, ethertype);
  }
}

}  // namespace vpcsim::wire
