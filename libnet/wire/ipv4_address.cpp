#include "libnet/wire/ipv4_address.h"

#include <array>
#include <ostream>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

constexpr std::string_view kKind = "IPv4 address";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Returns an empty string on success, else the reason.
std::string parse_ipv4(std::string_view text, std::uint32_t& out) {
  if (text.empty()) return "the text is empty; expected four decimal octets like 10.0.0.1";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_space(text[i])) return "whitespace at position " + std::to_string(i) + " is not allowed";
  }
  if (text.find('/') != std::string_view::npos) {
    return "an address has no '/': for a network or an interface address with its prefix length, use an IPv4 "
           "prefix or an IPv4 interface address";
  }
  if (text.find(':') != std::string_view::npos) return "contains ':' (IPv6 and ports are not accepted here)";

  std::array<std::string_view, 4> octets{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('.', start);
    const std::string_view part = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
    if (count < octets.size()) octets[count] = part;
    ++count;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (count != 4) {
    std::string why = "expected 4 octets separated by '.', found " + std::to_string(count);
    if (count < 4) why += " (shorthand forms like 10.1 are not accepted)";
    return why;
  }

  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string_view o = octets[i];
    const std::string label = "octet " + std::to_string(i + 1);
    if (o.empty()) return label + " is empty";
    for (char c : o) {
      if (!is_digit(c)) return label + " '" + std::string(o) + "' is not a decimal number";
    }
    if (o.size() > 1 && o[0] == '0') {
      std::size_t first = o.find_first_not_of('0');
      const std::string_view digits = first == std::string_view::npos ? std::string_view("0") : o.substr(first);
      return "octet '" + std::string(o) + "' has a leading zero, which is ambiguous (some parsers read it as octal); write " +
             std::string(digits) + " if decimal is meant";
    }
    if (o.size() > 3) return "octet " + std::string(o) + " is greater than 255";
    unsigned v = 0;
    for (char c : o) v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > 255) return "octet " + std::string(o) + " is greater than 255";
    value = (value << 8) | v;
  }
  out = value;
  return {};
}

}  // namespace

std::optional<Ipv4Address> Ipv4Address::try_parse(std::string_view text, std::string* reason) {
  std::uint32_t value = 0;
  std::string why = parse_ipv4(text, value);
  if (!why.empty()) {
    if (reason != nullptr) *reason = std::move(why);
    return std::nullopt;
  }
  return Ipv4Address(value);
}

Ipv4Address Ipv4Address::parse(std::string_view text) {
  std::uint32_t value = 0;
  const std::string why = parse_ipv4(text, value);
  if (!why.empty()) throw core::ParseError(kKind, text, why);
  return Ipv4Address(value);
}

std::string Ipv4Address::to_string() const {
  std::string s;
  s.reserve(15);
  for (int i = 0; i < 4; ++i) {
    if (i != 0) s += '.';
    s += std::to_string(octet(i));
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const Ipv4Address& address) { return os << address.to_string(); }

}  // namespace vpcsim::wire
