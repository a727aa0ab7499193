// libFuzzer target: bytes as a TCP segment between two fixed addresses (TcpView, TcpRepr, the option
// list through TcpOptions), and as a bare option list. The properties are in wire_checks.h.
#include "wire_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = vpcsim::fuzz::exact_copy(data, size);
  vpcsim::fuzz::check_tcp(bytes, vpcsim::fuzz::kSrc, vpcsim::fuzz::kDst);
  vpcsim::fuzz::check_tcp_options(bytes);
  return 0;
}
