// TCP segments (RFC 9293 §3.1, which obsoletes RFC 793) over IPv4.
//
// TcpView reads a segment in place; TcpViewMut rewrites it. TCP has no length field: the segment is
// the whole IPv4 payload (pass Ipv4View::payload(), already bounded by the IPv4 total length). parse()
// checks the data offset once, so options() and payload() are always in bounds. The checksum covers
// the IPv4 pseudo header, the TCP header and the payload; setters keep a correct checksum correct by
// RFC 1624 update (ports for NAT, sequence numbers for a middlebox), update_checksum_for_address()
// follows a NAT's rewrite of the IPv4 source or destination, fill_checksum() recomputes. TcpRepr is
// the owned form a node fills in to send a segment; it borrows its options and payload spans.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Source Port          |       Destination Port        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        Sequence Number                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                    Acknowledgment Number                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Data |       |C|E|U|A|P|R|S|F|                               |
//   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//   |       |       |R|E|G|K|H|T|N|N|                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           Checksum            |         Urgent Pointer        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           [Options]                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                             Data ...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/ipv4_address.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kTcpMinHeaderLen = 20;
inline constexpr std::size_t kTcpMaxHeaderLen = 60;

// Flag bits of byte 13.
inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpPsh = 0x08;
inline constexpr std::uint8_t kTcpAck = 0x10;
inline constexpr std::uint8_t kTcpUrg = 0x20;
inline constexpr std::uint8_t kTcpEce = 0x40;
inline constexpr std::uint8_t kTcpCwr = 0x80;

// Option kinds (RFC 9293 §3.2).
inline constexpr std::uint8_t kTcpOptionEnd = 0;
inline constexpr std::uint8_t kTcpOptionNop = 1;
inline constexpr std::uint8_t kTcpOptionMss = 2;

/// The Maximum Segment Size option's value, if `options` (a TCP header's option bytes) carries a
/// well-formed one. Walks the option list with bounds checks; a malformed list gives nullopt.
constexpr std::optional<std::uint16_t> tcp_mss_option(std::span<const std::uint8_t> options) {
  std::size_t i = 0;
  while (i < options.size()) {
    const std::uint8_t kind = options[i];
    if (kind == kTcpOptionEnd) return std::nullopt;
    if (kind == kTcpOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return std::nullopt;
    const std::size_t len = options[i + 1];
    if (len < 2 || i + len > options.size()) return std::nullopt;
    if (kind == kTcpOptionMss) {
      if (len != 4) return std::nullopt;
      return load_be16(options.data() + i + 2);
    }
    i += len;
  }
  return std::nullopt;
}

/// A zero-copy view of a TCP segment (TcpView read-only, TcpViewMut with setters).
/// Invariant: 20 <= header_len() <= the segment's size.
template <class Byte>
class BasicTcpView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;
  static constexpr std::size_t kChecksumOffset = 16;

 public:
  /// truncated below 20 bytes or below the header the data offset announces; bad_header_len if the
  /// data offset is below 5. `segment` is the whole IPv4 payload.
  static Parsed<BasicTcpView> parse(std::span<Byte> segment) {
    if (segment.size() < kTcpMinHeaderLen) return WireError::truncated;
    const std::size_t header_len = (std::size_t{segment[12]} >> 4) * 4;
    if (header_len < kTcpMinHeaderLen) return WireError::bad_header_len;
    if (header_len > segment.size()) return WireError::truncated;
    return BasicTcpView(segment);
  }

  std::uint16_t src_port() const { return load_be16(buf_.data()); }
  std::uint16_t dst_port() const { return load_be16(buf_.data() + 2); }
  std::uint32_t seq() const { return load_be32(buf_.data() + 4); }
  std::uint32_t ack() const { return load_be32(buf_.data() + 8); }
  /// The header length in bytes, data offset * 4 (20..60).
  std::size_t header_len() const { return (std::size_t{buf_[12]} >> 4) * 4; }
  /// The eight flag bits (kTcpFin ... kTcpCwr).
  std::uint8_t flags() const { return buf_[13]; }
  /// True if every bit of `flag` (one kTcp* constant, or several or'ed) is set.
  bool has_flag(std::uint8_t flag) const { return (buf_[13] & flag) == flag; }
  std::uint16_t window() const { return load_be16(buf_.data() + 14); }
  std::uint16_t checksum() const { return load_be16(buf_.data() + 16); }
  std::uint16_t urgent_ptr() const { return load_be16(buf_.data() + 18); }
  /// The option bytes (padding included) between the fixed header and the data; often empty.
  std::span<Byte> options() const { return buf_.subspan(kTcpMinHeaderLen, header_len() - kTcpMinHeaderLen); }
  /// The MSS option, if present and well formed (normally on SYN segments only).
  std::optional<std::uint16_t> mss() const { return tcp_mss_option(options()); }
  std::span<Byte> payload() const { return buf_.subspan(header_len()); }
  /// The whole segment.
  std::span<Byte> bytes() const { return buf_; }

  /// True if the checksum verifies with the pseudo header for src and dst.
  bool verify_checksum(Ipv4Address src, Ipv4Address dst) const {
    return checksum_fold(checksum_add(buf_, pseudo_header_sum(src, dst, kIpProtoTcp, segment_len()))) == 0xffff;
  }

  void set_src_port(std::uint16_t port) const requires kMutable { update_word(0, port); }
  void set_dst_port(std::uint16_t port) const requires kMutable { update_word(2, port); }
  void set_seq(std::uint32_t seq) const requires kMutable { update_dword(4, seq); }
  void set_ack(std::uint32_t ack) const requires kMutable { update_dword(8, ack); }
  void set_flags(std::uint8_t flags) const requires kMutable {
    update_word(12, static_cast<std::uint16_t>((buf_[12] << 8) | flags));
  }
  void set_window(std::uint16_t window) const requires kMutable { update_word(14, window); }
  void set_checksum(std::uint16_t checksum) const requires kMutable { store_be16(buf_.data() + 16, checksum); }
  void set_urgent_ptr(std::uint16_t urgent) const requires kMutable { update_word(18, urgent); }
  /// Computes the checksum from scratch and stores it.
  void fill_checksum(Ipv4Address src, Ipv4Address dst) const requires kMutable {
    store_be16(buf_.data() + 16, 0);
    store_be16(buf_.data() + 16,
               checksum_finish(checksum_add(buf_, pseudo_header_sum(src, dst, kIpProtoTcp, segment_len()))));
  }
  /// Adjusts the checksum for a change of the IPv4 source or destination address (which the pseudo
  /// header covers), as a NAT does after Ipv4ViewMut::set_src/set_dst.
  void update_checksum_for_address(Ipv4Address old_address, Ipv4Address new_address) const requires kMutable {
    patch_checksum(buf_, kChecksumOffset, word_sum32(old_address.to_u32()), word_sum32(new_address.to_u32()),
                   ChecksumRule::pseudo_header);
  }

  operator BasicTcpView<const std::uint8_t>() const requires kMutable {  // NOLINT(google-explicit-constructor)
    return BasicTcpView<const std::uint8_t>(buf_);
  }

 private:
  template <class>
  friend class BasicTcpView;
  explicit BasicTcpView(std::span<Byte> buf) : buf_(buf) {}

  std::uint16_t segment_len() const { return static_cast<std::uint16_t>(buf_.size()); }
  void update_word(std::size_t offset, std::uint16_t new_word) const requires kMutable {
    rewrite_be16(buf_, kChecksumOffset, offset, new_word, ChecksumRule::pseudo_header);
  }
  void update_dword(std::size_t offset, std::uint32_t new_value) const requires kMutable {
    rewrite_be32(buf_, kChecksumOffset, offset, new_value, ChecksumRule::pseudo_header);
  }

  std::span<Byte> buf_;
};

using TcpView = BasicTcpView<const std::uint8_t>;
using TcpViewMut = BasicTcpView<std::uint8_t>;

/// The owned form of a TCP segment. `options` (raw option bytes, at most 40; emit pads them with
/// End-of-Option-List zeros to a multiple of 4) and `payload` are borrowed.
struct TcpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::uint16_t urgent_ptr = 0;
  std::span<const std::uint8_t> options{};
  std::span<const std::uint8_t> payload{};

  /// bad_checksum if the checksum does not verify for src and dst. The spans then borrow the view's
  /// bytes (options() includes any padding the sender put there).
  static Parsed<TcpRepr> parse(const TcpView& view, Ipv4Address src, Ipv4Address dst);
  /// 20 + options rounded up to a multiple of 4.
  std::size_t header_len() const { return kTcpMinHeaderLen + (options.size() + 3) / 4 * 4; }
  /// header_len() + payload.size(): the whole segment.
  std::size_t wire_len() const { return header_len() + payload.size(); }
  /// Writes the header and options, copies the payload after them (it may already be in place), and
  /// fills the checksum for src and dst. Preconditions: options.size() <= 40, buf.size() >= wire_len().
  void emit(std::span<std::uint8_t> buf, Ipv4Address src, Ipv4Address dst) const;

  /// Field-wise, with the spans compared by content.
  friend bool operator==(const TcpRepr& a, const TcpRepr& b);
};

}  // namespace vpcsim::wire
