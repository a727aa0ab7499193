// libFuzzer target: bytes as an Ethernet frame, read on down as a node reads it (ARP or IPv4, then
// ICMP/UDP/TCP and the datagram an ICMP error quotes). The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_ethernet(bytes);
  return 0;
}
