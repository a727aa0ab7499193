// Cooked (LINUX_SLL, LINUX_SLL2) and raw-IP records into Ethernet frames (see cooked_link.h).
#include "libnet/wire/cooked_link.h"

#include "libnet/wire/bytes.h"
#include "libnet/wire/ethernet.h"

namespace vpcsim::wire {
namespace {

/// The Linux packet types (PACKET_HOST, ...) that decide the destination address.
constexpr std::uint8_t kPacketBroadcast = 1;
constexpr std::uint8_t kPacketMulticast = 2;
constexpr std::uint8_t kPacketOutgoing = 4;

void write_frame(MacAddress dst, MacAddress src, std::uint16_t ethertype, std::span<const std::uint8_t> payload,
                 std::vector<std::uint8_t>& out) {
  out.resize(kEthernetHeaderLen + payload.size());
  EthernetRepr{dst, src, ethertype, std::nullopt}.emit(out);
  std::copy(payload.begin(), payload.end(), out.begin() + kEthernetHeaderLen);
}

/// The addresses for a cooked header's packet type and link-layer address.
std::optional<WireError> cooked(std::uint16_t packet_type, std::uint16_t address_len, const std::uint8_t* address,
                 std::uint16_t protocol, std::span<const std::uint8_t> payload, std::vector<std::uint8_t>& out) {
  if (protocol < 0x0600) return WireError::unsupported;
  const MacAddress sender = address_len == MacAddress::kLen ? MacAddress::from_bytes(address) : kAdaptedSourceMac;
  MacAddress dst = kAdaptedDestinationMac;
  if (packet_type == kPacketBroadcast) dst = MacAddress::broadcast();
  if (packet_type == kPacketMulticast) dst = kAdaptedMulticastMac;
  (void)kPacketOutgoing;  // outgoing: the address is still the sender's, which is the source
  write_frame(dst, sender, protocol, payload, out);
  return std::nullopt;
}

}  // namespace

bool is_adaptable_link_type(int link_type) {
  return link_type == kLinkTypeLinuxSll || link_type == kLinkTypeLinuxSll2 || link_type == kLinkTypeRaw ||
         link_type == kLinkTypeIpv4;
}

std::optional<WireError> adapt_to_ethernet(int link_type, std::span<const std::uint8_t> record, std::vector<std::uint8_t>& out) {
  const std::uint8_t* p = record.data();
  switch (link_type) {
    case kLinkTypeLinuxSll:
      if (record.size() < kLinuxSllHeaderLen) return WireError::truncated;
      return cooked(load_be16(p), load_be16(p + 4), p + 6, load_be16(p + 14), record.subspan(kLinuxSllHeaderLen), out);
    case kLinkTypeLinuxSll2:
      if (record.size() < kLinuxSll2HeaderLen) return WireError::truncated;
      return cooked(p[10], p[11], p + 12, load_be16(p), record.subspan(kLinuxSll2HeaderLen), out);
    case kLinkTypeRaw:
    case kLinkTypeIpv4:
      if (record.empty()) return WireError::truncated;
      if ((record[0] >> 4) != 4) return WireError::unsupported;
      write_frame(kAdaptedDestinationMac, kAdaptedSourceMac, kEthertypeIpv4, record, out);
      return std::nullopt;
    default: return WireError::unsupported;
  }
}

}  // namespace vpcsim::wire
