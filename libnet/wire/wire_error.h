// WireError: why bytes did not parse as the protocol asked for, and Parsed<T>, a value or that error.
//
// Malformed packets are values, never exceptions (DESIGN.md decision 6): a node that receives a bad
// frame counts it, traces the reason and drops it. The enumerators are snake_case so they print
// verbatim in traces, JSON and Python. Parsed<T> stands in for std::expected<T, WireError>, which is
// C++23; it is a small trivially-copyable-when-T-is value returned by every View::parse and
// Repr::parse.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>

namespace vpcsim::wire {

enum class WireError : std::uint8_t {
  truncated,          ///< the buffer ends before the fixed header (or the header it announces) does
  bad_version,        ///< IPv4 version field is not 4
  bad_header_len,     ///< a header length field below the minimum (IPv4 IHL < 5, TCP data offset < 5)
  bad_total_len,      ///< a total/datagram length field smaller than the header or larger than the buffer
  bad_checksum,       ///< a checksum that does not verify (reported by Repr::parse; views do not check)
  bad_hardware_type,  ///< ARP hardware type/length is not Ethernet (1, 6)
  bad_protocol_type,  ///< ARP protocol type/length is not IPv4 (0x0800, 4)
  unsupported,        ///< well-formed, but not something this representation can express
};

/// "truncated", "bad_version", ... (the enumerator's name).
constexpr std::string_view to_string(WireError e) {
  switch (e) {
    case WireError::truncated: return "truncated";
    case WireError::bad_version: return "bad_version";
    case WireError::bad_header_len: return "bad_header_len";
    case WireError::bad_total_len: return "bad_total_len";
    case WireError::bad_checksum: return "bad_checksum";
    case WireError::bad_hardware_type: return "bad_hardware_type";
    case WireError::bad_protocol_type: return "bad_protocol_type";
    case WireError::unsupported: return "unsupported";
  }
  return "unknown";
}

/// Prints to_string(e), so test failures and logs show the name.
inline std::ostream& operator<<(std::ostream& os, WireError e) { return os << to_string(e); }

/// A T or the WireError that prevented one. Implicitly constructible from either, so parse() can
/// `return WireError::truncated;` or `return View(bytes);`.
template <class T>
class Parsed {
 public:
  Parsed(T value) : value_(std::move(value)) {}                   // NOLINT(google-explicit-constructor)
  Parsed(WireError error) : error_(error) {}                      // NOLINT(google-explicit-constructor)
  /// Builds the T in place: no copy of a struct just written field by field (a store-forwarding stall).
  /// An aggregate T is built with parentheses (C++20, P0960); a compiler without them (clang < 16,
  /// which the fuzz build uses) gets braces and one move instead.
  template <class... Args>
  explicit Parsed(std::in_place_t, Args&&... args)
#if defined(__cpp_aggregate_paren_init) && __cpp_aggregate_paren_init >= 201902L
      : value_(std::in_place, std::forward<Args>(args)...) {
  }
#else
      : value_(T{std::forward<Args>(args)...}) {
  }
#endif

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  /// Precondition: ok().
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  /// On a temporary (`View::parse(bytes).value()`), a copy: no reference into the dying Parsed.
  T value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// Precondition: !ok().
  WireError error() const {
    assert(!ok());
    return error_;
  }

 private:
  std::optional<T> value_;
  WireError error_ = WireError::truncated;
};

}  // namespace vpcsim::wire
