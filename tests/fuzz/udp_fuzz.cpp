// libFuzzer target: bytes as a UDP datagram between two fixed addresses (UdpView, UdpRepr, the
// pseudo-header checksum). The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_udp(bytes, vpcsim::fuzz::kSrc, vpcsim::fuzz::kDst);
  return 0;
}
