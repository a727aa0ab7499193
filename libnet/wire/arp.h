// ARP (RFC 826) for Ethernet and IPv4 only: the only combination the simulator resolves.
//
// ArpView reads and rewrites an ARP packet in place; ArpRepr is the owned form a node fills in to
// send a request or a reply. parse() insists on hardware type 1 (Ethernet) with 6-byte addresses and
// protocol type 0x0800 (IPv4) with 4-byte addresses, so every accessor has a fixed offset; anything
// else is bad_hardware_type / bad_protocol_type, which a node counts and drops (as Linux's arp_rcv
// does). The view covers exactly 28 bytes: Ethernet padding after the packet is not part of it.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Hardware type (HTYPE)     |     Protocol type (PTYPE)     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  HLEN (= 6)   |  PLEN (= 4)   |        Operation (OPER)       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              Sender hardware address (SHA), 6 bytes           |
//   +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               |  Sender protocol address (SPA)|
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      SPA (continued)          |  Target hardware address (THA)|
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//   |                      THA (continued)                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 Target protocol address (TPA)                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/mac_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kArpLen = 28;
inline constexpr std::uint16_t kArpHardwareEthernet = 1;
inline constexpr std::uint16_t kArpProtocolIpv4 = 0x0800;

/// The ARP operation (RFC 826; 3 and 4 are RARP, RFC 903, which the simulator does not speak).
enum class ArpOperation : std::uint16_t {
  request = 1,
  reply = 2,
};

/// "request", "reply", or "unknown".
constexpr std::string_view to_string(ArpOperation op) {
  switch (op) {
    case ArpOperation::request: return "request";
    case ArpOperation::reply: return "reply";
  }
  return "unknown";
}

/// A zero-copy view of an Ethernet/IPv4 ARP packet (ArpView read-only, ArpViewMut with setters).
/// Invariant: 28 bytes with htype 1, hlen 6, ptype 0x0800, plen 4.
template <class Byte>
class BasicArpView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;

 public:
  /// truncated below 8 bytes (the fixed part) or below 28 once the types are known;
  /// bad_hardware_type unless htype 1 and hlen 6; bad_protocol_type unless ptype 0x0800 and plen 4.
  static Parsed<BasicArpView> parse(std::span<Byte> bytes) {
    if (bytes.size() < 8) return WireError::truncated;
    if (load_be16(bytes.data()) != kArpHardwareEthernet || bytes[4] != MacAddress::kLen) {
      return WireError::bad_hardware_type;
    }
    if (load_be16(bytes.data() + 2) != kArpProtocolIpv4 || bytes[5] != Ipv4Address::kLen) {
      return WireError::bad_protocol_type;
    }
    if (bytes.size() < kArpLen) return WireError::truncated;
    return BasicArpView(bytes.first(kArpLen));
  }

  std::uint16_t hardware_type() const { return load_be16(buf_.data()); }
  std::uint16_t protocol_type() const { return load_be16(buf_.data() + 2); }
  std::uint8_t hardware_len() const { return buf_[4]; }
  std::uint8_t protocol_len() const { return buf_[5]; }
  /// May hold values other than request/reply (RARP); ArpRepr::parse rejects those.
  ArpOperation operation() const { return static_cast<ArpOperation>(load_be16(buf_.data() + 6)); }
  MacAddress sender_mac() const { return MacAddress::from_bytes(buf_.data() + 8); }
  Ipv4Address sender_ip() const { return Ipv4Address::from_bytes(buf_.data() + 14); }
  MacAddress target_mac() const { return MacAddress::from_bytes(buf_.data() + 18); }
  Ipv4Address target_ip() const { return Ipv4Address::from_bytes(buf_.data() + 24); }
  /// The 28 bytes of the packet.
  std::span<Byte> bytes() const { return buf_; }

  void set_operation(ArpOperation op) const requires kMutable {
    store_be16(buf_.data() + 6, static_cast<std::uint16_t>(op));
  }
  void set_sender_mac(MacAddress mac) const requires kMutable { mac.write_to(buf_.data() + 8); }
  void set_sender_ip(Ipv4Address ip) const requires kMutable { ip.write_to(buf_.data() + 14); }
  void set_target_mac(MacAddress mac) const requires kMutable { mac.write_to(buf_.data() + 18); }
  void set_target_ip(Ipv4Address ip) const requires kMutable { ip.write_to(buf_.data() + 24); }

  operator BasicArpView<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicArpView<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicArpView;
  explicit BasicArpView(std::span<Byte> buf) : buf_(buf) {}

  std::span<Byte> buf_;
};

using ArpView = BasicArpView<const std::uint8_t>;
using ArpViewMut = BasicArpView<std::uint8_t>;

/// The owned form of an Ethernet/IPv4 ARP packet. A request has target_mac 00:00:00:00:00:00
/// (Linux, RFC 5227 §2.1.1); a gratuitous ARP has sender_ip == target_ip.
struct ArpRepr {
  ArpOperation operation = ArpOperation::request;
  MacAddress sender_mac{};
  Ipv4Address sender_ip{};
  MacAddress target_mac{};
  Ipv4Address target_ip{};

  /// unsupported for operations other than request and reply. Inline and built in place: every host
  /// parses each flooded request, and copying a just-built repr stalled on store forwarding.
  static Parsed<ArpRepr> parse(const ArpView& view) {
    const ArpOperation op = view.operation();
    if (op != ArpOperation::request && op != ArpOperation::reply) return WireError::unsupported;
    return Parsed<ArpRepr>(std::in_place, op, view.sender_mac(), view.sender_ip(), view.target_mac(), view.target_ip());
  }
  std::size_t header_len() const { return kArpLen; }
  /// Always 28.
  std::size_t wire_len() const { return kArpLen; }
  /// Writes exactly 28 bytes. Precondition: buf.size() >= 28.
  void emit(std::span<std::uint8_t> buf) const;

  friend bool operator==(const ArpRepr&, const ArpRepr&) = default;
};

}  // namespace vpcsim::wire
