// ArpRepr parse/emit, out of line: nodes originate ARP rarely compared with forwarding.
#include "libnet/wire/arp.h"

namespace vpcsim::wire {

void ArpRepr::emit(std::span<std::uint8_t> buf) const {
  assert(buf.size() >= kArpLen);
  std::uint8_t* p = buf.data();
  store_be16(p, kArpHardwareEthernet);
  store_be16(p + 2, kArpProtocolIpv4);
  p[4] = MacAddress::kLen;
  p[5] = Ipv4Address::kLen;
  store_be16(p + 6, static_cast<std::uint16_t>(operation));
  sender_mac.write_to(p + 8);
  sender_ip.write_to(p + 14);
  target_mac.write_to(p + 18);
  target_ip.write_to(p + 24);
}

}  // namespace vpcsim::wire
