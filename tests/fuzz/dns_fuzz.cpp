// libFuzzer target: bytes as a DNS message (DnsView, DnsRepr: name decompression, then emit with
// compression and parse back). The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_dns(bytes);
  return 0;
}
