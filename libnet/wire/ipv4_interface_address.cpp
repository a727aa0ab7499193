#include "libnet/wire/ipv4_interface_address.h"

#include <bit>
#include <ostream>

#include "libnet/core/error.h"

namespace vpcsim::wire {
namespace {

constexpr std::string_view kKind = "IPv4 interface address";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The length after '/': decimal 0..32, no leading zeros, and not a netmask.
std::string parse_length(std::string_view t, int& length) {
  if (t.empty()) return "the prefix length after '/' is empty";
  if (t.find('.') != std::string_view::npos) {
    if (auto mask = Ipv4Address::try_parse(t)) {
      const std::uint32_t m = mask->to_u32();
      const std::uint32_t inverted = ~m;
      if ((inverted & (inverted + 1)) == 0) {  // contiguous ones then zeros
        return "expected a prefix length after '/', not a netmask: write /" + std::to_string(std::popcount(m));
      }
      return "expected a prefix length after '/', not a netmask (and " + std::string(t) +
             " is not a contiguous netmask anyway)";
    }
    return "prefix length '" + std::string(t) + "' is not a decimal number";
  }
  for (char c : t) {
    if (!is_digit(c)) return "prefix length '" + std::string(t) + "' is not a decimal number";
  }
  if (t.size() > 1 && t[0] == '0') {
    const std::size_t first = t.find_first_not_of('0');
    return "prefix length '" + std::string(t) + "' has a leading zero; write " +
           std::string(first == std::string_view::npos ? std::string_view("0") : t.substr(first));
  }
  if (t.size() > 2) return "prefix length " + std::string(t) + " is greater than 32";
  int v = 0;
  for (char c : t) v = v * 10 + (c - '0');
  if (v > 32) return "prefix length " + std::string(t) + " is greater than 32";
  length = v;
  return {};
}

// "<address>/<length>"; returns an empty string on success, else the reason.
std::string parse_address_and_length(std::string_view text, Ipv4Address& address, int& length) {
  if (text.empty()) return "the text is empty; expected an address and a prefix length like 10.0.0.0/24";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_space(text[i])) return "whitespace at position " + std::to_string(i) + " is not allowed";
  }
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return "the prefix length is missing: write it as " + std::string(text) + "/N";
  }
  if (text.find('/', slash + 1) != std::string_view::npos) return "contains more than one '/'";
  const std::string_view addr_text = text.substr(0, slash);
  if (addr_text.empty()) return "the address before '/' is empty";
  std::string why;
  const auto a = Ipv4Address::try_parse(addr_text, &why);
  if (!a) return why;
  why = parse_length(text.substr(slash + 1), length);
  if (!why.empty()) return why;
  address = *a;
  return {};
}

std::string length_reason(int length) {
  return length < 0 ? "prefix length " + std::to_string(length) + " is negative"
                    : "prefix length " + std::to_string(length) + " is greater than 32";
}

}  // namespace

std::optional<Ipv4InterfaceAddress> Ipv4InterfaceAddress::try_parse(std::string_view text, std::string* reason) {
  Ipv4Address address;
  int length = 0;
  std::string why = parse_address_and_length(text, address, length);
  if (!why.empty()) {
    if (reason != nullptr) *reason = std::move(why);
    return std::nullopt;
  }
  return Ipv4InterfaceAddress(address, length);
}

Ipv4InterfaceAddress Ipv4InterfaceAddress::parse(std::string_view text) {
  std::string why;
  auto parsed = try_parse(text, &why);
  if (!parsed) throw core::ParseError(kKind, text, why);
  return *parsed;
}

void Ipv4InterfaceAddress::throw_invalid(Ipv4Address address, int prefix_length) {
  throw core::ParseError(kKind, address.to_string() + "/" + std::to_string(prefix_length),
                         length_reason(prefix_length));
}

std::string Ipv4InterfaceAddress::to_string() const {
  return address_.to_string() + "/" + std::to_string(prefix_length_);
}

std::ostream& operator<<(std::ostream& os, const Ipv4InterfaceAddress& address) {
  return os << address.to_string();
}

}  // namespace vpcsim::wire
