// Address, port, TTL and MTU rewrites of replayed packets (see rewriter.h).
#include "libnet/replay/rewriter.h"

#include <algorithm>

#include "libnet/core/error.h"
#include "libnet/stack/flow_tuple.h"
#include "libnet/stack/nat_rewrite.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"

namespace vpcsim::replay {

Rewriter::Rewriter(RewriteConfig config) : config_(std::move(config)) {
  for (const AddressMap& map : config_.addresses) {
    if (map.from.length() != map.to.length()) {
      throw core::ConfigError("replay", "map", "cannot map " + map.from.to_string() + " to " + map.to.to_string() +
                                                   ": the prefixes must have the same length");
    }
  }
  if (config_.client_endpoint.has_value() != config_.server_endpoint.has_value()) {
    throw core::ConfigError("replay", "endpoints", "--endpoints needs two addresses, the client's and the server's");
  }
  identity_ = config_.addresses.empty() && config_.ports.empty() && !config_.client_endpoint && !config_.ttl_set &&
              config_.ttl_decrement == 0 && config_.mtu == 0 && !config_.fix_checksums;
}

wire::Ipv4Address Rewriter::map_address(wire::Ipv4Address address) const {
  for (const AddressMap& map : config_.addresses) {
    if (!map.from.contains(address)) continue;
    const std::uint32_t host_mask = map.from.length() == 32 ? 0 : (0xffffffffu >> map.from.length());
    return wire::Ipv4Address(map.to.network().to_u32() | (address.to_u32() & host_mask));
  }
  return address;
}

std::uint16_t Rewriter::map_port(std::uint16_t port) const {
  for (const PortMap& map : config_.ports) {
    if (map.from == port) return map.to;
  }
  return port;
}

void Rewriter::fix_checksums(const wire::Ipv4ViewMut& ip) {
  ip.fill_checksum();
  if (ip.frag_offset() != 0 || ip.more_fragments()) return;  // the transport checksum spans fragments
  if (ip.protocol() == wire::kIpProtoTcp) {
    if (const auto tcp = wire::TcpViewMut::parse(ip.payload())) tcp->fill_checksum(ip.src(), ip.dst());
  } else if (ip.protocol() == wire::kIpProtoUdp) {
    if (const auto udp = wire::UdpViewMut::parse(ip.payload()); udp && udp->checksum() != 0) {
      udp->fill_checksum(ip.src(), ip.dst());
    }
  }
}

bool Rewriter::apply(std::span<std::uint8_t> ip_bytes, Side side) const {
  auto parsed = wire::Ipv4ViewMut::parse(ip_bytes);
  if (!parsed) return true;
  const wire::Ipv4ViewMut& ip = *parsed;
  if (config_.mtu != 0 && ip.total_len() > config_.mtu) return false;
  if (config_.fix_checksums) fix_checksums(ip);

  wire::Ipv4Address src = map_address(ip.src());
  wire::Ipv4Address dst = map_address(ip.dst());
  if (config_.client_endpoint) {
    src = side == Side::server ? *config_.server_endpoint : *config_.client_endpoint;
    dst = side == Side::server ? *config_.client_endpoint : *config_.server_endpoint;
  }
  if (const auto tuple = stack::flow_tuple_of(ip)) {
    stack::FlowTuple target = *tuple;
    target.src = src;
    target.dst = dst;
    if (tuple->protocol != wire::kIpProtoIcmp) {
      target.src_port = map_port(tuple->src_port);
      target.dst_port = map_port(tuple->dst_port);
    }
    if (target.src != tuple->src || target.src_port != tuple->src_port) {
      stack::rewrite_packet(ip, target, stack::Manip::source);
    }
    if (target.dst != tuple->dst || target.dst_port != tuple->dst_port) {
      stack::rewrite_packet(ip, target, stack::Manip::destination);
    }
  } else {
    // No transport tuple (a fragment, another protocol): the addresses only, header checksum kept.
    if (src != ip.src()) ip.set_src(src);
    if (dst != ip.dst()) ip.set_dst(dst);
  }
  if (config_.ttl_set) ip.set_ttl(*config_.ttl_set);
  if (config_.ttl_decrement != 0) {
    ip.set_ttl(static_cast<std::uint8_t>(std::max(1, int{ip.ttl()} - int{config_.ttl_decrement})));
  }
  return true;
}

}  // namespace vpcsim::replay
