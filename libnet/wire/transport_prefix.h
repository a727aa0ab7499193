// The first 8 bytes of a TCP or UDP header: all that an ICMP error is sure to quote of the datagram
// it reports (RFC 792: "the internet header plus the first 64 bits of the original datagram's
// data"), and all a reader may rely on when a quote or a malformed segment is too short for a full
// TcpView. Both protocols put their ports first, so one view serves both; the next word is the TCP
// sequence number, or UDP's Length and Checksum.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          Source Port          |       Destination Port        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   TCP: Sequence Number / UDP: Length and Checksum             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The setters change the ports only: for TCP the checksum lies beyond these 8 bytes, so a NAT
// rewriting a short quote leaves it as Linux's tcp_manip_pkt does. Where the whole header is there,
// use TcpViewMut or UdpViewMut, whose setters keep the checksum correct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "libnet/wire/bytes.h"
#include "libnet/wire/wire_error.h"

namespace vpcsim::wire {

inline constexpr std::size_t kTransportPrefixLen = 8;

/// A zero-copy view of the leading 8 bytes of a TCP or UDP header (TransportPrefixView read-only,
/// TransportPrefixViewMut with port setters). Invariant: at least 8 bytes.
template <class Byte>
class BasicTransportPrefixView {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::uint8_t>);
  static constexpr bool kMutable = !std::is_const_v<Byte>;

 public:
  /// truncated below 8 bytes. Pass the IPv4 payload (of a packet or of a quote).
  static Parsed<BasicTransportPrefixView> parse(std::span<Byte> bytes) {
    if (bytes.size() < kTransportPrefixLen) return WireError::truncated;
    return BasicTransportPrefixView(bytes);
  }

  std::uint16_t src_port() const { return load_be16(buf_.data()); }
  std::uint16_t dst_port() const { return load_be16(buf_.data() + 2); }
  /// The TCP sequence number (meaningless for UDP).
  std::uint32_t tcp_seq() const { return load_be32(buf_.data() + 4); }

  /// Changes the port and nothing else (see the file comment about checksums).
  void set_src_port(std::uint16_t port) const requires kMutable { store_be16(buf_.data(), port); }
  void set_dst_port(std::uint16_t port) const requires kMutable { store_be16(buf_.data() + 2, port); }

 private:
  explicit BasicTransportPrefixView(std::span<Byte> buf) : buf_(buf) {}

  std::span<Byte> buf_;
};

using TransportPrefixView = BasicTransportPrefixView<const std::uint8_t>;
using TransportPrefixViewMut = BasicTransportPrefixView<std::uint8_t>;

}  // namespace vpcsim::wire
