// UDP datagrams (RFC 768) over IPv4.
//
// UdpView reads a datagram in place; UdpViewMut rewrites it. parse() checks the Length field once
// (at least 8, at most the buffer), and the view covers exactly Length bytes. The checksum covers
// the IPv4 pseudo header (see checksum.h), the UDP header and the payload; 0 on the wire means "no
// checksum" (RFC 768), so a computed 0 is sent as 0xffff, and a received 0 always verifies. Setters
// keep a present checksum correct by RFC 1624 update (and leave an absent one absent), and
// update_checksum_for_address() follows a NAT's rewrite of the IPv4 source or destination.
// UdpRepr is the owned form a node fills in to send a datagram; it borrows its payload span.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Source Port          |       Destination Port        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |            Length             |           Checksum            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          data octets ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kUdpHeaderLen = 8;

/// A zero-copy view of a UDP datagram (UdpView read-only, UdpViewMut with setters).
/// Invariant: 8 <= len() and the view spans exactly len() bytes (parse_quoted: at least the 8-byte
/// header, and at most len() bytes).
template <class Byte>
class BasicUdpView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;
  static constexpr std::size_t kChecksumOffset = 6;

 public:
  /// truncated below 8 bytes; bad_total_len if Length < 8 or Length > the buffer. Pass the IPv4
  /// payload; bytes after Length are not in the view.
  static Parsed<BasicUdpView> parse(std::span<Byte> bytes) {
    if (bytes.size() < kUdpHeaderLen) return WireError::truncated;
    const std::size_t len = load_be16(bytes.data() + 4);
    if (len < kUdpHeaderLen || len > bytes.size()) return WireError::bad_total_len;
    return BasicUdpView(bytes.first(len));
  }

  /// Like parse, but accepts a datagram cut short of its Length: the quote in an ICMP error (RFC 792
  /// guarantees the 8-byte header) or a first fragment. The view spans the bytes present, up to
  /// Length; payload() may be shorter than len() - 8. truncated below 8 bytes, bad_total_len if
  /// Length < 8. A checksum patched through setters stays correct for the whole datagram.
  static Parsed<BasicUdpView> parse_quoted(std::span<Byte> bytes) {
    if (bytes.size() < kUdpHeaderLen) return WireError::truncated;
    const std::size_t len = load_be16(bytes.data() + 4);
    if (len < kUdpHeaderLen) return WireError::bad_total_len;
    return BasicUdpView(bytes.first(std::min(len, bytes.size())));
  }

  std::uint16_t src_port() const { return load_be16(buf_.data()); }
  std::uint16_t dst_port() const { return load_be16(buf_.data() + 2); }
  /// The Length field: header plus payload, in bytes.
  std::uint16_t len() const { return load_be16(buf_.data() + 4); }
  std::uint16_t checksum() const { return load_be16(buf_.data() + 6); }
  std::span<Byte> payload() const { return buf_.subspan(kUdpHeaderLen); }
  /// The whole datagram, len() bytes.
  std::span<Byte> bytes() const { return buf_; }

  /// True if the checksum is absent (0) or verifies with the pseudo header for src and dst.
  bool verify_checksum(Ipv4Address src, Ipv4Address dst) const {
    if (checksum() == 0) return true;
    return checksum_fold(checksum_add(buf_, pseudo_header_sum(src, dst, kIpProtoUdp, len()))) == 0xffff;
  }

  void set_src_port(std::uint16_t port) const requires kMutable { update_word(0, port); }
  void set_dst_port(std::uint16_t port) const requires kMutable { update_word(2, port); }
  /// Sets the raw field; 0 means "no checksum".
  void set_checksum(std::uint16_t checksum) const requires kMutable { store_be16(buf_.data() + 6, checksum); }
  /// Computes the checksum from scratch (a computed 0 is stored as 0xffff) and stores it.
  void fill_checksum(Ipv4Address src, Ipv4Address dst) const requires kMutable {
    store_be16(buf_.data() + 6, 0);
    const std::uint16_t c = checksum_finish(checksum_add(buf_, pseudo_header_sum(src, dst, kIpProtoUdp, len())));
    store_be16(buf_.data() + 6, c == 0 ? 0xffff : c);
  }
  /// Adjusts the checksum for a change of the IPv4 source or destination address (which the pseudo
  /// header covers), as a NAT does after Ipv4ViewMut::set_src/set_dst. No-op without a checksum.
  void update_checksum_for_address(Ipv4Address old_address, Ipv4Address new_address) const requires kMutable {
    patch_checksum(buf_, kChecksumOffset, word_sum32(old_address.to_u32()), word_sum32(new_address.to_u32()),
                   ChecksumRule::udp);
  }

  operator BasicUdpView<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicUdpView<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicUdpView;
  explicit BasicUdpView(std::span<Byte> buf) : buf_(buf) {}

  void update_word(std::size_t offset, std::uint16_t new_word) const requires kMutable {
    rewrite_be16(buf_, kChecksumOffset, offset, new_word, ChecksumRule::udp);
  }

  std::span<Byte> buf_;
};

using UdpView = BasicUdpView<const std::uint8_t>;
using UdpViewMut = BasicUdpView<std::uint8_t>;

/// The owned form of a UDP datagram; `payload` is borrowed.
struct UdpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::span<const std::uint8_t> payload{};

  /// bad_checksum if a present checksum does not verify for src and dst. `payload` then borrows the
  /// view's bytes.
  static Parsed<UdpRepr> parse(const UdpView& view, Ipv4Address src, Ipv4Address dst);
  /// Always 8.
  std::size_t header_len() const { return kUdpHeaderLen; }
  /// 8 + payload.size(), the Length field. Precondition: at most 65535.
  std::size_t wire_len() const { return kUdpHeaderLen + payload.size(); }
  /// Writes the header, copies the payload after it (it may already be in place), and fills the
  /// checksum for src and dst. Precondition: buf.size() >= wire_len().
  void emit(std::span<std::uint8_t> buf, Ipv4Address src, Ipv4Address dst) const;

  /// Field-wise, with `payload` compared by content.
  friend bool operator==(const UdpRepr& a, const UdpRepr& b);
};

}  // namespace vpcsim::wire
