// libFuzzer target: bytes as an IPv4 datagram, whole (Ipv4View::parse) and as an ICMP error quotes
// one (Ipv4View::parse_quoted), with the transport header inside. The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_ipv4(bytes, /*quoted=*/false, 0);
  vpcsim::fuzz::check_ipv4(bytes, /*quoted=*/true, 0);
  // The one's complement sum over any length (odd ones included).
  vpcsim::fuzz::g_sink = vpcsim::wire::checksum_add(bytes);
  return 0;
}
