// The IPv4 packet of a frame the node's hooks are looking at (IpNode validated it; frames inside the
// simulator are untagged, so it starts after the 14-byte Ethernet header).
#pragma once

#include "libnet/wire/frame.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::cloud {

inline constexpr std::size_t kIpv4Offset = 14;

inline wire::Ipv4View ipv4_of(wire::Frame& frame) {
  return *wire::Ipv4View::parse(std::span<const std::uint8_t>(frame.bytes()).subspan(kIpv4Offset));
}

}  // namespace vpcsim::cloud
