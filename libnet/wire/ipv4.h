// IPv4 datagrams (RFC 791), the header every router reads and rewrites on every hop.
//
// Ipv4View reads a datagram in place and Ipv4ViewMut rewrites it. parse() checks the version, the
// header length and the total length once, so no accessor can fail or read out of bounds; the view
// covers exactly total_len() bytes, so Ethernet padding after the datagram is not in payload().
// Every setter on the mutable view keeps a correct header checksum correct by RFC 1624 incremental
// update (so decrement_ttl() and a NAT's set_src() cost a few additions, not a 20-byte sum, as in
// Linux's ip_decrease_ttl and csum_replace4); fill_checksum() recomputes it from scratch.
// Ipv4Repr is the owned 20-byte header (no options) that a node emits to originate a datagram.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Version|  IHL  |Type of Service|          Total Length         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         Identification        |Flags|      Fragment Offset    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Time to Live |    Protocol   |         Header Checksum       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                       Source Address                          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Destination Address                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Options                    |    Padding    |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   Flags: bit 0 reserved (must be zero), bit 1 DF (don't fragment), bit 2 MF (more fragments).
//   Type of Service is today DSCP (6 bits) + ECN (2 bits) (RFC 2474, RFC 3168).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kIpv4MinHeaderLen = 20;
inline constexpr std::size_t kIpv4MaxHeaderLen = 60;
inline constexpr std::size_t kIpv4MaxTotalLen = 65535;

inline constexpr std::uint8_t kIpProtoIcmp = 1;
inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

/// A zero-copy view of an IPv4 datagram (Ipv4View read-only, Ipv4ViewMut with setters).
/// Invariant: version 4, 20 <= header_len() <= total_len() (or the buffer, for parse_quoted), and
/// the view spans [0, total_len()).
template <class Byte>
class BasicIpv4View {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;
  static constexpr std::size_t kChecksumOffset = 10;

 public:
  /// truncated if the buffer is shorter than 20 bytes or than the header IHL announces;
  /// bad_version unless version 4; bad_header_len if IHL < 5; bad_total_len if the total length is
  /// smaller than the header or larger than the buffer. Bytes after total_len() are not in the view.
  static Parsed<BasicIpv4View> parse(std::span<Byte> bytes) { return parse_impl(bytes, false); }

  /// Like parse, but accepts a datagram cut short of its total length, as an ICMP error quotes one
  /// (RFC 792: the header and 64 bits of data; RFC 1812 §4.3.2.3: up to 576 bytes in all): the view
  /// then spans the bytes present and payload() is shorter than total_len() - header_len().
  static Parsed<BasicIpv4View> parse_quoted(std::span<Byte> bytes) { return parse_impl(bytes, true); }

  std::uint8_t version() const { return static_cast<std::uint8_t>(buf_[0] >> 4); }
  /// The header length in bytes, IHL * 4 (20..60).
  std::size_t header_len() const { return std::size_t{buf_[0] & 0x0fu} * 4; }
  std::uint8_t tos() const { return buf_[1]; }
  std::uint8_t dscp() const { return static_cast<std::uint8_t>(buf_[1] >> 2); }
  std::uint8_t ecn() const { return static_cast<std::uint8_t>(buf_[1] & 0x03); }
  /// The Total Length field: header plus payload, in bytes.
  std::uint16_t total_len() const { return load_be16(buf_.data() + 2); }
  std::uint16_t id() const { return load_be16(buf_.data() + 4); }
  bool dont_fragment() const { return (buf_[6] & 0x40) != 0; }
  bool more_fragments() const { return (buf_[6] & 0x20) != 0; }
  /// The fragment offset in bytes (the field times 8).
  std::uint16_t frag_offset() const { return static_cast<std::uint16_t>((load_be16(buf_.data() + 6) & 0x1fff) * 8); }
  /// True for any fragment, first or not (MF set or a non-zero offset).
  bool is_fragment() const { return more_fragments() || (load_be16(buf_.data() + 6) & 0x1fff) != 0; }
  std::uint8_t ttl() const { return buf_[8]; }
  std::uint8_t protocol() const { return buf_[9]; }
  std::uint16_t checksum() const { return load_be16(buf_.data() + 10); }
  Ipv4Address src() const { return Ipv4Address::from_bytes(buf_.data() + 12); }
  Ipv4Address dst() const { return Ipv4Address::from_bytes(buf_.data() + 16); }
  /// The options (and padding) between the fixed 20-byte header and the payload; often empty.
  std::span<Byte> options() const { return buf_.subspan(kIpv4MinHeaderLen, header_len() - kIpv4MinHeaderLen); }
  /// The bytes after the header up to total_len() (or the end of a quoted datagram).
  std::span<Byte> payload() const { return buf_.subspan(header_len()); }
  /// The header, options included.
  std::span<Byte> header() const { return buf_.first(header_len()); }
  /// The whole datagram: header and payload.
  std::span<Byte> bytes() const { return buf_; }

  /// True if the header checksum is correct (the header, checksum field included, sums to 0xffff).
  bool verify_checksum() const { return checksum_fold(checksum_add(header())) == 0xffff; }

  void set_tos(std::uint8_t tos) const requires kMutable { update_byte(1, tos); }
  void set_dscp(std::uint8_t dscp) const requires kMutable {
    update_byte(1, static_cast<std::uint8_t>((dscp << 2) | (buf_[1] & 0x03)));
  }
  void set_ecn(std::uint8_t ecn) const requires kMutable {
    update_byte(1, static_cast<std::uint8_t>((buf_[1] & 0xfc) | (ecn & 0x03)));
  }
  void set_id(std::uint16_t id) const requires kMutable { update_word(4, id); }
  void set_dont_fragment(bool df) const requires kMutable {
    update_word(6, static_cast<std::uint16_t>((load_be16(buf_.data() + 6) & ~0x4000) | (df ? 0x4000 : 0)));
  }
  void set_more_fragments(bool mf) const requires kMutable {
    update_word(6, static_cast<std::uint16_t>((load_be16(buf_.data() + 6) & ~0x2000) | (mf ? 0x2000 : 0)));
  }
  /// Sets the fragment offset from a byte offset. Precondition: a multiple of 8, below 65536.
  void set_frag_offset(std::uint16_t offset_bytes) const requires kMutable {
    assert(offset_bytes % 8 == 0);
    update_word(6, static_cast<std::uint16_t>((load_be16(buf_.data() + 6) & 0xe000) | ((offset_bytes / 8) & 0x1fff)));
  }
  void set_ttl(std::uint8_t ttl) const requires kMutable { update_byte(8, ttl); }
  /// A router's TTL decrement with RFC 1624 checksum update; returns the new TTL. A TTL of 0 is left
  /// alone (callers check ttl() <= 1 first and send Time Exceeded instead of forwarding).
  std::uint8_t decrement_ttl() const requires kMutable {
    if (buf_[8] == 0) return 0;
    update_byte(8, static_cast<std::uint8_t>(buf_[8] - 1));
    return buf_[8];
  }
  void set_protocol(std::uint8_t protocol) const requires kMutable { update_byte(9, protocol); }
  void set_checksum(std::uint16_t checksum) const requires kMutable { store_be16(buf_.data() + 10, checksum); }
  /// Rewrites the source address with an incremental checksum update (a NAT's SNAT). The UDP/TCP
  /// checksum covers the address too: see UdpViewMut/TcpViewMut::update_checksum_for_address.
  void set_src(Ipv4Address address) const requires kMutable { update_address(12, address); }
  void set_dst(Ipv4Address address) const requires kMutable { update_address(16, address); }
  /// Computes the header checksum from scratch and stores it.
  void fill_checksum() const requires kMutable {
    store_be16(buf_.data() + 10, 0);
    store_be16(buf_.data() + 10, internet_checksum(header()));
  }

  operator BasicIpv4View<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicIpv4View<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicIpv4View;
  explicit BasicIpv4View(std::span<Byte> buf) : buf_(buf) {}

  static Parsed<BasicIpv4View> parse_impl(std::span<Byte> bytes, bool quoted) {
    if (bytes.size() < kIpv4MinHeaderLen) return WireError::truncated;
    if ((bytes[0] >> 4) != 4) return WireError::bad_version;
    const std::size_t header_len = std::size_t{bytes[0] & 0x0fu} * 4;
    if (header_len < kIpv4MinHeaderLen) return WireError::bad_header_len;
    if (header_len > bytes.size()) return WireError::truncated;
    const std::size_t total_len = load_be16(bytes.data() + 2);
    if (total_len < header_len) return WireError::bad_total_len;
    if (total_len > bytes.size()) {
      if (!quoted) return WireError::bad_total_len;
      return BasicIpv4View(bytes);
    }
    return BasicIpv4View(bytes.first(total_len));
  }

  void update_word(std::size_t offset, std::uint16_t new_word) const requires kMutable {
    rewrite_be16(header(), kChecksumOffset, offset, new_word, ChecksumRule::plain);
  }
  // Updates one byte of the 16-bit word that holds it (offsets 1, 8 and 9 here).
  void update_byte(std::size_t offset, std::uint8_t value) const requires kMutable {
    rewrite_byte(header(), kChecksumOffset, offset, value, ChecksumRule::plain);
  }
  void update_address(std::size_t offset, Ipv4Address address) const requires kMutable {
    rewrite_be32(header(), kChecksumOffset, offset, address.to_u32(), ChecksumRule::plain);
  }

  std::span<Byte> buf_;
};

using Ipv4View = BasicIpv4View<const std::uint8_t>;
using Ipv4ViewMut = BasicIpv4View<std::uint8_t>;

/// The owned form of an IPv4 header without options: what a node fills in to originate a datagram.
/// The payload is written by the next layer after header_len() bytes.
struct Ipv4Repr {
  Ipv4Address src{};
  Ipv4Address dst{};
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 64;  ///< Linux's default (net.ipv4.ip_default_ttl)
  std::uint8_t tos = 0;
  std::uint16_t id = 0;
  bool dont_fragment = false;
  std::uint16_t payload_len = 0;  ///< bytes after the header; header_len() + payload_len <= 65535

  /// bad_checksum if the header checksum is wrong; unsupported for a fragment (the repr has no
  /// fragment fields: reassembly works on views). Options are dropped.
  static Parsed<Ipv4Repr> parse(const Ipv4View& view);
  /// Always 20: emit() writes no options.
  std::size_t header_len() const { return kIpv4MinHeaderLen; }
  /// header_len() + payload_len, the Total Length.
  std::size_t wire_len() const { return header_len() + payload_len; }
  /// Writes the 20-byte header, checksum filled, into buf[0, 20). Precondition: buf.size() >= 20.
  void emit(std::span<std::uint8_t> buf) const;

  friend bool operator==(const Ipv4Repr&, const Ipv4Repr&) = default;
};

}  // namespace vpcsim::wire
