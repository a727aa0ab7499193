// PacketSummary values for the rule-engine tests, written as the packet reads: tcp("10.0.1.10", 40000,
// "10.0.2.10", 5432). The rule engines never see bytes, so their tests do not build any.
#pragma once

#include <cstdint>
#include <string_view>

#include "libnet/cloud/packet_summary.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::cloud::summaries {

inline PacketSummary tcp(std::string_view src, std::uint16_t src_port, std::string_view dst, std::uint16_t dst_port) {
  return PacketSummary{.protocol = wire::kIpProtoTcp,
                       .source = wire::Ipv4Address::parse(src),
                       .destination = wire::Ipv4Address::parse(dst),
                       .source_port = src_port,
                       .destination_port = dst_port};
}

inline PacketSummary udp(std::string_view src, std::uint16_t src_port, std::string_view dst, std::uint16_t dst_port) {
  PacketSummary p = tcp(src, src_port, dst, dst_port);
  p.protocol = wire::kIpProtoUdp;
  return p;
}

inline PacketSummary icmp(std::string_view src, std::string_view dst, std::uint8_t type, std::uint8_t code = 0) {
  return PacketSummary{.protocol = wire::kIpProtoIcmp,
                       .source = wire::Ipv4Address::parse(src),
                       .destination = wire::Ipv4Address::parse(dst),
                       .icmp_type = type,
                       .icmp_code = code};
}

inline PacketSummary other(std::uint8_t protocol, std::string_view src, std::string_view dst) {
  return PacketSummary{
      .protocol = protocol, .source = wire::Ipv4Address::parse(src), .destination = wire::Ipv4Address::parse(dst)};
}

}  // namespace vpcsim::cloud::summaries
