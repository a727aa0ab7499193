// The TCP options a Linux stack negotiates (RFC 9293 §3.2 MSS, RFC 7323 window scale and timestamps,
// RFC 2018 SACK permitted), parsed from and written to a header's option bytes.
//
// TcpOptions::parse walks the list with bounds checks and keeps the options it knows; unknown kinds
// are skipped by their length, and a malformed list (a length below 2 or past the end) stops the
// walk, keeping what came before, as Linux's tcp_parse_options does. emit() writes them in the
// order and with the NOP padding Linux uses, so our SYNs look byte for byte like a Linux client's:
//
//   SYN, SYN-ACK:  MSS(4) SACK_PERM(2) TS(10) NOP WS(3)     = 20 bytes   (tcp_options_write)
//   later:         NOP NOP TS(10)                           = 12 bytes
//
// Without timestamps Linux writes MSS, NOP NOP SACK_PERM, NOP WS; emit() does the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace vpcsim::wire {

inline constexpr std::uint8_t kTcpOptionWindowScale = 3;
inline constexpr std::uint8_t kTcpOptionSackPermitted = 4;
inline constexpr std::uint8_t kTcpOptionSack = 5;
inline constexpr std::uint8_t kTcpOptionTimestamp = 8;
inline constexpr std::uint8_t kTcpMaxWindowScale = 14;  ///< RFC 7323 §2.3: larger shifts are taken as 14

struct TcpTimestamp {
  std::uint32_t value = 0;  ///< TSval
  std::uint32_t echo = 0;   ///< TSecr
  friend bool operator==(const TcpTimestamp&, const TcpTimestamp&) = default;
};

struct TcpOptions {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;
  bool sack_permitted = false;
  std::optional<TcpTimestamp> timestamp;

  /// The options found in `bytes` (a header's option area). Never fails: a broken list gives what
  /// preceded the break.
  static TcpOptions parse(std::span<const std::uint8_t> bytes);
  /// Bytes emit() writes (a multiple of 4, at most 40).
  std::size_t wire_len() const;
  /// Writes the options into `out` (at least wire_len() bytes) in Linux's order; returns wire_len().
  std::size_t emit(std::span<std::uint8_t> out) const;

  friend bool operator==(const TcpOptions&, const TcpOptions&) = default;
};

}  // namespace vpcsim::wire
