// Link-layer headers that are not Ethernet, as captures store them, turned into an Ethernet header
// so that a simulated Ethernet can replay them: Linux "cooked" captures (tcpdump -i any) and raw IP.
//
// LINKTYPE_LINUX_SLL (113), 16 bytes (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
//   0                   1                   2                   3
//   +-------------------------------+-------------------------------+
//   |          packet type          |        ARPHRD_ type           |
//   +-------------------------------+-------------------------------+
//   |  link-layer address length    |  link-layer address (8 bytes) |
//   +-------------------------------+           ...                 +
//   |                               |        protocol type          |
//   +-------------------------------+-------------------------------+
// LINKTYPE_LINUX_SLL2 (276), 20 bytes: protocol type (2), reserved (2), interface index (4),
//   ARPHRD_ type (2), packet type (1), address length (1), address (8).
// LINKTYPE_RAW (101) and LINKTYPE_IPV4 (228): the IPv4 packet itself, no link header.
//
// The Ethernet header we write (docs/replay.md, "Link types"): the source is the cooked header's
// address when it is a 6-byte MAC, else 02:00:00:00:00:01; the destination is ff:ff:ff:ff:ff:ff for
// packet type 1 (broadcast), 01:00:5e:00:00:01 for 2 (multicast), else 02:00:00:00:00:02. For packet
// type 4 (sent by the capturing host) the address is the sender's, so it stays the source. Raw IP gets
// 02:00:00:00:00:01 -> 02:00:00:00:00:02, EtherType 0x0800.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "libnet/wire/mac_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr int kLinkTypeRaw = 101;
inline constexpr int kLinkTypeLinuxSll = 113;
inline constexpr int kLinkTypeIpv4 = 228;
inline constexpr int kLinkTypeLinuxSll2 = 276;
inline constexpr std::size_t kLinuxSllHeaderLen = 16;
inline constexpr std::size_t kLinuxSll2HeaderLen = 20;

inline constexpr MacAddress kAdaptedSourceMac = MacAddress::from_u64(0x02'00'00'00'00'01ULL);
inline constexpr MacAddress kAdaptedDestinationMac = MacAddress::from_u64(0x02'00'00'00'00'02ULL);
inline constexpr MacAddress kAdaptedMulticastMac = MacAddress::from_u64(0x01'00'5e'00'00'01ULL);

/// Whether adapt_to_ethernet() knows `link_type`.
bool is_adaptable_link_type(int link_type);

/// Writes into `out` the Ethernet frame carrying `record`'s payload (replacing out's contents) and
/// returns nullopt; or returns truncated if the record is shorter than its link header; unsupported for a link type this does not
/// know, a protocol type that is not an EtherType (below 0x0600, e.g. 802.2 LLC), or raw data that is
/// not IPv4.
std::optional<WireError> adapt_to_ethernet(int link_type, std::span<const std::uint8_t> record, std::vector<std::uint8_t>& out);

}  // namespace vpcsim::wire
