// libFuzzer target: bytes as an ICMP message (IcmpView, IcmpRepr), an error's quoted datagram
// included. The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_icmp(bytes, 0);
  return 0;
}
