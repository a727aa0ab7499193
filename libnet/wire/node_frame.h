// The layout of a frame that travels between simulated nodes. Those frames are untagged Ethernet II
// (an interface drops 802.1Q-tagged ones before any IP code sees them), so the IPv4 header starts
// right after the 14-byte Ethernet header; this is the one place outside the views that says so.
#pragma once

#include <cstddef>
#include <span>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/frame.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::wire {

/// Where a node's frames carry their IPv4 header (and ARP packet).
inline constexpr std::size_t kFrameL3Offset = kEthernetHeaderLen;

/// The bytes after the Ethernet header of a frame of at least kFrameL3Offset bytes.
inline std::span<std::uint8_t> frame_l3_bytes(Frame& frame) { return frame.bytes().subspan(kFrameL3Offset); }
inline std::span<const std::uint8_t> frame_l3_bytes(const Frame& frame) { return frame.bytes().subspan(kFrameL3Offset); }

/// The IPv4 packet of a frame, parsed (errors as Ipv4View::parse).
inline Parsed<Ipv4ViewMut> ipv4_of_frame(Frame& frame) { return Ipv4ViewMut::parse(frame_l3_bytes(frame)); }
inline Parsed<Ipv4View> ipv4_of_frame(const Frame& frame) { return Ipv4View::parse(frame_l3_bytes(frame)); }

/// Rewrites the Ethernet addresses of a node's frame in place, as a node does on output (the view's
/// setters, without re-checking a header the node built or validated).
inline void set_frame_src_mac(Frame& frame, MacAddress mac) { mac.write_to(frame.data() + MacAddress::kLen); }
inline void set_frame_dst_mac(Frame& frame, MacAddress mac) { mac.write_to(frame.data()); }

}  // namespace vpcsim::wire
