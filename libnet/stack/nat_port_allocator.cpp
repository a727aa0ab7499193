#include "libnet/stack/nat_port_allocator.h"

#include "libnet/wire/ipv4.h"

namespace vpcsim::stack {
namespace {

FlowTuple with_source_port(FlowTuple tuple, std::uint16_t port) {
  tuple.src_port = port;
  if (tuple.protocol == wire::kIpProtoIcmp) tuple.dst_port = port;  // the echo id is both "ports"
  return tuple;
}

}  // namespace

PortRange default_port_range(std::uint8_t protocol, std::uint16_t port) {
  if (protocol == wire::kIpProtoIcmp) return {0, 65535};
  if (port < 512) return {1, 511};
  if (port < 1024) return {600, 1023};
  return {1024, 65535};
}

std::optional<FlowTuple> unique_source_tuple(const ConnTrack& conntrack, FlowTuple translated, PortRange range,
                                             core::Rng& rng) {
  const bool keep_allowed = !range.specified() || range.contains(translated.src_port);
  if (keep_allowed && !conntrack.in_use(translated.inverse())) return translated;
  if (!range.specified()) range = default_port_range(translated.protocol, translated.src_port);
  const std::uint32_t size = std::uint32_t{range.max} - range.min + 1;
  const auto offset = static_cast<std::uint32_t>(rng.below(size));
  for (std::uint32_t i = 0; i < size; ++i) {
    const auto port = static_cast<std::uint16_t>(range.min + (offset + i) % size);
    FlowTuple candidate = with_source_port(translated, port);
    if (!conntrack.in_use(candidate.inverse())) return candidate;
  }
  return std::nullopt;
}

}  // namespace vpcsim::stack
