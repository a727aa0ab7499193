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
                                             core::Rng& rng, std::uint32_t* cursor) {
  const bool keep_allowed = !range.specified() || range.contains(translated.src_port);
  if (keep_allowed && !conntrack.in_use(translated.inverse())) return translated;
  if (!range.specified()) range = default_port_range(translated.protocol, translated.src_port);
  const std::uint32_t size = std::uint32_t{range.max} - range.min + 1;
  const auto free_from = [&](std::uint32_t offset, std::uint32_t attempts) -> std::optional<FlowTuple> {
    for (std::uint32_t i = 0; i < attempts; ++i) {
      const auto port = static_cast<std::uint16_t>(range.min + (offset + i) % size);
      FlowTuple candidate = with_source_port(translated, port);
      if (!conntrack.in_use(candidate.inverse())) {
        if (cursor != nullptr) *cursor = (offset + i + 1) % size;
        return candidate;
      }
    }
    return std::nullopt;
  };
  if (cursor != nullptr) return free_from(*cursor % size, size);
  // nf_nat_l4proto_unique_tuple(): 128 attempts; after a failed round of at least 16, half as many
  // from a new random offset (128, 64, 32, 16, 8: at most 248 lookups).
  constexpr std::uint32_t kMaxAttempts = 128;
  std::uint32_t attempts = size < kMaxAttempts ? size : kMaxAttempts;
  for (std::uint32_t offset = static_cast<std::uint32_t>(rng.below(size));; offset = static_cast<std::uint32_t>(rng.below(size))) {
    if (auto found = free_from(offset, attempts)) return found;
    if (attempts >= size || attempts < 16) return std::nullopt;
    attempts /= 2;
  }
}

}  // namespace vpcsim::stack
