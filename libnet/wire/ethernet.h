// Ethernet II frames (DIX / IEEE 802.3 §3.2.6 type interpretation) with at most one IEEE 802.1Q tag.
//
// EthernetView reads and rewrites a frame in place; EthernetRepr is the owned header a node fills in
// to originate a frame. The view's payload() is everything after the header (and the tag, if any) up
// to the end of the buffer: Ethernet has no length field, so padding up to the 60-byte minimum stays
// in the payload and the layer above (IPv4 total length, ARP's fixed size) bounds its own view. No
// minimum frame size is enforced: Linux veth and tap frames are not padded, and captures show both.
// The FCS is not part of the frame bytes (as in pcaps and on Linux sockets).
//
// Untagged (14 bytes of header):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Destination MAC address                    |
//   +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//   |                      Source MAC address                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           EtherType           |  Payload ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// 802.1Q-tagged (18 bytes): a 4-byte tag between the source address and the EtherType.
//
//   ... Source MAC address          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       TPID = 0x8100           | PCP |D|         VID           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           EtherType           |  Payload ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Only TPID 0x8100 is recognised as a tag; an 802.1ad S-tag (0x88a8) or a second tag is reported as
// the EtherType and left to the caller, which drops it as unknown.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/mac_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kEthernetHeaderLen = 14;
inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::size_t kEthernetVlanHeaderLen = kEthernetHeaderLen + kVlanTagLen;

inline constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEthertypeArp = 0x0806;
inline constexpr std::uint16_t kEthertypeVlan = 0x8100;

/// A zero-copy view of an Ethernet II frame. Byte is `const std::uint8_t` (EthernetView) or
/// `std::uint8_t` (EthernetViewMut, which adds setters). Invariant: the buffer holds the whole header
/// (14 bytes, or 18 with a tag), so no accessor can read out of bounds.
template <class Byte>
class BasicEthernetView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;

 public:
  /// truncated if the frame is shorter than its header (14 bytes, or 18 when the TPID is 0x8100).
  static Parsed<BasicEthernetView> parse(std::span<Byte> frame) {
    if (frame.size() < kEthernetHeaderLen) return WireError::truncated;
    if (load_be16(frame.data() + 12) == kEthertypeVlan && frame.size() < kEthernetVlanHeaderLen) {
      return WireError::truncated;
    }
    return BasicEthernetView(frame);
  }

  MacAddress dst() const { return MacAddress::from_bytes(buf_.data()); }
  MacAddress src() const { return MacAddress::from_bytes(buf_.data() + 6); }
  /// True if an 802.1Q tag (TPID 0x8100) follows the source address.
  bool has_vlan() const { return load_be16(buf_.data() + 12) == kEthertypeVlan; }
  /// The EtherType of the payload: after the tag when has_vlan().
  std::uint16_t ethertype() const { return load_be16(buf_.data() + type_offset()); }
  /// 802.1Q priority code point (0..7); 0 when untagged.
  std::uint8_t vlan_pcp() const { return has_vlan() ? static_cast<std::uint8_t>(buf_[14] >> 5) : 0; }
  /// 802.1Q drop eligible indicator (formerly CFI); false when untagged.
  bool vlan_dei() const { return has_vlan() && (buf_[14] & 0x10) != 0; }
  /// 802.1Q VLAN identifier (0..4095); 0 when untagged.
  std::uint16_t vlan_id() const { return has_vlan() ? load_be16(buf_.data() + 14) & 0x0fff : 0; }

  /// 14, or 18 with a tag.
  std::size_t header_len() const { return type_offset() + 2; }
  /// Everything after the header to the end of the buffer (including any Ethernet padding).
  std::span<Byte> payload() const { return buf_.subspan(header_len()); }
  /// The whole frame.
  std::span<Byte> bytes() const { return buf_; }

  void set_dst(MacAddress mac) const requires kMutable { mac.write_to(buf_.data()); }
  void set_src(MacAddress mac) const requires kMutable { mac.write_to(buf_.data() + 6); }
  /// Sets the payload EtherType (the one after the tag when has_vlan()).
  void set_ethertype(std::uint16_t type) const requires kMutable { store_be16(buf_.data() + type_offset(), type); }
  /// Precondition for the set_vlan_* setters: has_vlan(). Adding or removing a tag changes the
  /// frame's length and is done with EthernetRepr on a buffer with headroom, not through a view.
  void set_vlan_pcp(std::uint8_t pcp) const requires kMutable {
    assert(has_vlan());
    buf_[14] = static_cast<std::uint8_t>((buf_[14] & 0x1f) | ((pcp & 0x07) << 5));
  }
  void set_vlan_dei(bool dei) const requires kMutable {
    assert(has_vlan());
    buf_[14] = static_cast<std::uint8_t>((buf_[14] & 0xef) | (dei ? 0x10 : 0));
  }
  void set_vlan_id(std::uint16_t vid) const requires kMutable {
    assert(has_vlan());
    store_be16(buf_.data() + 14, static_cast<std::uint16_t>((load_be16(buf_.data() + 14) & 0xf000) | (vid & 0x0fff)));
  }

  /// A mutable view converts to a read-only one.
  operator BasicEthernetView<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicEthernetView<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicEthernetView;
  explicit BasicEthernetView(std::span<Byte> buf) : buf_(buf) {}
  std::size_t type_offset() const { return has_vlan() ? 16 : 12; }

  std::span<Byte> buf_;
};

using EthernetView = BasicEthernetView<const std::uint8_t>;
using EthernetViewMut = BasicEthernetView<std::uint8_t>;

/// An 802.1Q tag control information.
struct VlanTag {
  std::uint8_t pcp = 0;   ///< priority code point, 0..7
  bool dei = false;       ///< drop eligible indicator
  std::uint16_t vid = 0;  ///< VLAN identifier, 0..4095

  friend bool operator==(const VlanTag&, const VlanTag&) = default;
};

/// The owned Ethernet header: what a node fills in to originate a frame.
struct EthernetRepr {
  MacAddress dst{};
  MacAddress src{};
  std::uint16_t ethertype = 0;  ///< of the payload (after the tag, if any)
  std::optional<VlanTag> vlan{};  ///< a single 802.1Q tag, or none

  /// Never fails today (any well-formed view is representable); Parsed for uniformity.
  static Parsed<EthernetRepr> parse(const EthernetView& view);
  /// 14, or 18 with a tag.
  std::size_t header_len() const { return vlan ? kEthernetVlanHeaderLen : kEthernetHeaderLen; }
  /// The bytes emit() writes: the header only (the payload's length is the next layer's business).
  std::size_t wire_len() const { return header_len(); }
  /// Writes the header into buf[0, header_len()). Precondition: buf.size() >= header_len().
  void emit(std::span<std::uint8_t> buf) const;

  friend bool operator==(const EthernetRepr&, const EthernetRepr&) = default;
};

/// Removes a frame's 802.1Q tag in place: the MAC addresses move kVlanTagLen bytes towards the payload,
/// so the untagged frame starts kVlanTagLen bytes later (the caller pulls that much off the front).
/// Returns false, changing nothing, if the frame carries no tag.
inline bool pop_vlan_tag(std::span<std::uint8_t> frame) {
  if (frame.size() < kEthernetVlanHeaderLen || load_be16(frame.data() + 12) != kEthertypeVlan) return false;
  std::memmove(frame.data() + kVlanTagLen, frame.data(), 2 * MacAddress::kLen);
  return true;
}

}  // namespace vpcsim::wire
