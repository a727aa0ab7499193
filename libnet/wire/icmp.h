// ICMP for IPv4 (RFC 792, RFC 1191 for the next-hop MTU, RFC 1812 §5.2.7.1 for code 13): echo
// request/reply and the errors a simulated router or host sends (destination unreachable, time
// exceeded).
//
// IcmpView reads a message in place; IcmpViewMut rewrites it, each setter keeping a correct checksum
// correct (RFC 1624), as a NAT rewriting an echo identifier needs. ICMP has no length field: the
// message is the whole IPv4 payload, so pass the Ipv4View's payload() (already bounded by the IPv4
// total length). The checksum covers the whole message. IcmpRepr is the owned form a node fills in
// to originate an echo or an error; it borrows its data span.
//
// Common header, then the "rest of header" word whose meaning depends on the type:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Type      |     Code      |          Checksum             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Echo request (8) / reply (0):
//   |           Identifier          |        Sequence Number        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     Data ...
//   Destination unreachable (3), code 4 (fragmentation needed, RFC 1191):
//   |           unused (0)          |          Next-Hop MTU         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Destination unreachable (other codes) / Time exceeded (11):
//   |                          unused (0)                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      Internet Header + leading bytes of the invoking datagram ...
//
// The quoted datagram of an error (invoking_packet()) is at least its IPv4 header plus 8 bytes
// (RFC 792), often more (Linux quotes up to 576 bytes in all, RFC 1812 §4.3.2.3), and may be shorter
// than its own IPv4 total length: read it with Ipv4View::parse_quoted.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kIcmpHeaderLen = 8;

// Types (RFC 792).
inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpDestUnreachable = 3;
inline constexpr std::uint8_t kIcmpSourceQuench = 4;
inline constexpr std::uint8_t kIcmpRedirect = 5;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIcmpTimeExceeded = 11;
inline constexpr std::uint8_t kIcmpParameterProblem = 12;

// Destination unreachable codes (RFC 792, RFC 1191, RFC 1812 §5.2.7.1).
inline constexpr std::uint8_t kIcmpCodeNetUnreachable = 0;
inline constexpr std::uint8_t kIcmpCodeHostUnreachable = 1;
inline constexpr std::uint8_t kIcmpCodeProtocolUnreachable = 2;
inline constexpr std::uint8_t kIcmpCodePortUnreachable = 3;
inline constexpr std::uint8_t kIcmpCodeFragNeeded = 4;
inline constexpr std::uint8_t kIcmpCodeAdminProhibited = 13;  ///< "communication administratively prohibited" (filtered)

// Time exceeded codes (RFC 792).
inline constexpr std::uint8_t kIcmpCodeTtlExceeded = 0;          ///< TTL exceeded in transit
inline constexpr std::uint8_t kIcmpCodeReassemblyExceeded = 1;   ///< fragment reassembly time exceeded

/// True for the error types (3, 4, 5, 11, 12), which quote the invoking datagram and must never be
/// sent in response to another error (RFC 1122 §3.2.2).
constexpr bool is_icmp_error(std::uint8_t type) {
  return type == kIcmpDestUnreachable || type == kIcmpSourceQuench || type == kIcmpRedirect ||
         type == kIcmpTimeExceeded || type == kIcmpParameterProblem;
}

/// A zero-copy view of an ICMP message (IcmpView read-only, IcmpViewMut with setters).
/// Invariant: at least the 8-byte header; the view spans the whole message.
template <class Byte>
class BasicIcmpView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;
  static constexpr std::size_t kChecksumOffset = 2;

 public:
  /// truncated below 8 bytes. `message` is the whole ICMP message (the IPv4 payload).
  static Parsed<BasicIcmpView> parse(std::span<Byte> message) {
    if (message.size() < kIcmpHeaderLen) return WireError::truncated;
    return BasicIcmpView(message);
  }

  std::uint8_t type() const { return buf_[0]; }
  std::uint8_t code() const { return buf_[1]; }
  std::uint16_t checksum() const { return load_be16(buf_.data() + 2); }
  /// The 4 type-specific bytes after the checksum, as a big-endian word.
  std::uint32_t rest_of_header() const { return load_be32(buf_.data() + 4); }
  bool is_error() const { return is_icmp_error(type()); }

  /// Echo request/reply identifier (meaningful for types 0 and 8).
  std::uint16_t echo_id() const { return load_be16(buf_.data() + 4); }
  /// Echo request/reply sequence number.
  std::uint16_t echo_seq() const { return load_be16(buf_.data() + 6); }
  /// Next-hop MTU of a destination unreachable, fragmentation needed (RFC 1191); 0 from old routers.
  std::uint16_t next_hop_mtu() const { return load_be16(buf_.data() + 6); }
  /// Everything after the 8-byte header: echo data, or for errors the quoted datagram.
  std::span<Byte> data() const { return buf_.subspan(kIcmpHeaderLen); }
  /// For an error: the quoted invoking datagram (IPv4 header and leading payload bytes; may be cut
  /// short of its own total length). The same bytes as data().
  std::span<Byte> invoking_packet() const { return data(); }
  /// The whole message.
  std::span<Byte> bytes() const { return buf_; }

  /// True if the checksum over the whole message verifies.
  bool verify_checksum() const { return checksum_fold(checksum_add(buf_)) == 0xffff; }

  void set_type(std::uint8_t type) const requires kMutable {
    update_word(0, static_cast<std::uint16_t>((type << 8) | buf_[1]));
  }
  void set_code(std::uint8_t code) const requires kMutable {
    update_word(0, static_cast<std::uint16_t>((buf_[0] << 8) | code));
  }
  void set_checksum(std::uint16_t checksum) const requires kMutable { store_be16(buf_.data() + 2, checksum); }
  void set_rest_of_header(std::uint32_t rest) const requires kMutable {
    update_word(4, static_cast<std::uint16_t>(rest >> 16));
    update_word(6, static_cast<std::uint16_t>(rest));
  }
  /// Rewrites the echo identifier (ICMP query NAT, RFC 5508 §3.1) keeping the checksum correct.
  void set_echo_id(std::uint16_t id) const requires kMutable { update_word(4, id); }
  void set_echo_seq(std::uint16_t seq) const requires kMutable { update_word(6, seq); }
  void set_next_hop_mtu(std::uint16_t mtu) const requires kMutable { update_word(6, mtu); }
  /// Computes the checksum over the whole message from scratch and stores it. Needed after writing
  /// through data(), which setters cannot track.
  void fill_checksum() const requires kMutable {
    store_be16(buf_.data() + 2, 0);
    store_be16(buf_.data() + 2, internet_checksum(buf_));
  }

  operator BasicIcmpView<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicIcmpView<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicIcmpView;
  explicit BasicIcmpView(std::span<Byte> buf) : buf_(buf) {}

  void update_word(std::size_t offset, std::uint16_t new_word) const requires kMutable {
    rewrite_be16(buf_, kChecksumOffset, offset, new_word, ChecksumRule::plain);
  }

  std::span<Byte> buf_;
};

using IcmpView = BasicIcmpView<const std::uint8_t>;
using IcmpViewMut = BasicIcmpView<std::uint8_t>;

/// The owned form of the ICMP messages the simulator originates. Which fields matter depends on
/// type: echo_id/echo_seq for echo request/reply, next_hop_mtu for destination unreachable code 4;
/// the others are emitted as zero. `data` is borrowed: echo data, or for an error the quoted invoking
/// datagram (the caller chooses how much to quote). Build with the named constructors.
struct IcmpRepr {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t echo_id = 0;
  std::uint16_t echo_seq = 0;
  std::uint16_t next_hop_mtu = 0;
  std::span<const std::uint8_t> data{};

  static IcmpRepr echo_request(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data) {
    return IcmpRepr{kIcmpEchoRequest, 0, id, seq, 0, data};
  }
  static IcmpRepr echo_reply(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data) {
    return IcmpRepr{kIcmpEchoReply, 0, id, seq, 0, data};
  }
  /// A destination unreachable (kIcmpCode...Unreachable, kIcmpCodeFragNeeded with the next-hop MTU,
  /// kIcmpCodeAdminProhibited) quoting `invoking`.
  static IcmpRepr dest_unreachable(std::uint8_t code, std::span<const std::uint8_t> invoking,
                                   std::uint16_t next_hop_mtu = 0) {
    return IcmpRepr{kIcmpDestUnreachable, code, 0, 0, next_hop_mtu, invoking};
  }
  /// A time exceeded (kIcmpCodeTtlExceeded or kIcmpCodeReassemblyExceeded) quoting `invoking`.
  static IcmpRepr time_exceeded(std::uint8_t code, std::span<const std::uint8_t> invoking) {
    return IcmpRepr{kIcmpTimeExceeded, code, 0, 0, 0, invoking};
  }

  /// bad_checksum if the checksum does not verify; unsupported for types other than echo
  /// request/reply, destination unreachable and time exceeded. `data` then borrows the view's bytes.
  static Parsed<IcmpRepr> parse(const IcmpView& view);
  /// Always 8.
  std::size_t header_len() const { return kIcmpHeaderLen; }
  /// 8 + data.size(): the whole message.
  std::size_t wire_len() const { return kIcmpHeaderLen + data.size(); }
  /// Writes the header, copies `data` after it (it may already be in place, or overlap), and fills
  /// the checksum over the whole message. Precondition: buf.size() >= wire_len().
  void emit(std::span<std::uint8_t> buf) const;

  /// Field-wise, with `data` compared by content.
  friend bool operator==(const IcmpRepr& a, const IcmpRepr& b);
};

}  // namespace vpcsim::wire
