// libFuzzer target: bytes as an ARP packet (ArpView, ArpRepr). The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_arp(bytes);
  return 0;
}
