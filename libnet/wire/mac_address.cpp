#include "libnet/wire/mac_address.h"

#include <ostream>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

constexpr std::string_view kKind = "MAC address";
constexpr std::string_view kExpected = "expected six groups of two hex digits separated by ':', like 02:00:5e:10:00:01";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Returns an empty string on success, else the reason.
std::string parse_mac(std::string_view text, std::array<std::uint8_t, 6>& out) {
  if (text.empty()) return "the text is empty; " + std::string(kExpected);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_space(text[i])) return "whitespace at position " + std::to_string(i) + " is not allowed";
  }
  const bool has_colon = text.find(':') != std::string_view::npos;
  const bool has_dash = text.find('-') != std::string_view::npos;
  if (has_colon && has_dash) return "mixes ':' and '-' separators; use one of them throughout";
  if (!has_colon && !has_dash) {
    if (text.find('.') != std::string_view::npos) {
      return "dotted forms like 0200.5e10.0001 are not accepted; " + std::string(kExpected);
    }
    return "no ':' separators; " + std::string(kExpected);
  }
  const char sep = has_colon ? ':' : '-';

  std::array<std::string_view, 7> groups{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    const std::string_view group = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
    if (count < groups.size()) groups[count] = group;
    ++count;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (count != 6) {
    return "expected 6 groups of two hex digits, found " + std::to_string(count);
  }
  for (std::size_t i = 0; i < 6; ++i) {
    const std::string_view g = groups[i];
    const std::string label = "group " + std::to_string(i + 1);
    if (g.empty()) return label + " is empty";
    for (char c : g) {
      if (hex_value(c) < 0) return label + " '" + std::string(g) + "' is not hexadecimal";
    }
    if (g.size() != 2) return label + " '" + std::string(g) + "' must be exactly two hex digits";
    out[i] = static_cast<std::uint8_t>(hex_value(g[0]) * 16 + hex_value(g[1]));
  }
  return {};
}

}  // namespace

std::optional<MacAddress> MacAddress::try_parse(std::string_view text, std::string* reason) {
  std::array<std::uint8_t, 6> octets{};
  std::string why = parse_mac(text, octets);
  if (!why.empty()) {
    if (reason != nullptr) *reason = std::move(why);
    return std::nullopt;
  }
  return MacAddress(octets);
}

MacAddress MacAddress::parse(std::string_view text) {
  std::array<std::uint8_t, 6> octets{};
  const std::string why = parse_mac(text, octets);
  if (!why.empty()) throw core::ParseError(kKind, text, why);
  return MacAddress(octets);
}

std::string MacAddress::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (std::size_t i = 0; i < kLen; ++i) {
    s[3 * i] = kHex[octets_[i] >> 4];
    s[3 * i + 1] = kHex[octets_[i] & 0x0f];
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const MacAddress& mac) { return os << mac.to_string(); }

}  // namespace vpcsim::wire
