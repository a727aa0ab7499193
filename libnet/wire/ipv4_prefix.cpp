#include "libnet/wire/ipv4_prefix.h"

#include <ostream>

#include "libnet/core/error.h"
#include "libnet/wire/ipv4_interface_address.h"

namespace vpcsim::wire {
namespace {

constexpr std::string_view kKind = "IPv4 prefix";

std::string host_bits_reason(Ipv4Address network, int length) {
  return "host bits are set (the network is " + Ipv4Prefix::containing(network, length).to_string() + ")";
}

}  // namespace

std::optional<Ipv4Prefix> Ipv4Prefix::try_parse(std::string_view text, std::string* reason) {
  std::string why;
  const auto parsed = Ipv4InterfaceAddress::try_parse(text, &why);
  if (!parsed) {
    if (reason != nullptr) *reason = std::move(why);
    return std::nullopt;
  }
  const Ipv4Address address = parsed->address();
  const int length = parsed->prefix_length();
  if ((address.to_u32() & ~mask_of(length)) != 0) {
    if (reason != nullptr) *reason = host_bits_reason(address, length);
    return std::nullopt;
  }
  return Ipv4Prefix(Unchecked{}, address, length);
}

Ipv4Prefix Ipv4Prefix::parse(std::string_view text) {
  std::string why;
  auto parsed = try_parse(text, &why);
  if (!parsed) throw core::ParseError(kKind, text, why);
  return *parsed;
}

void Ipv4Prefix::throw_invalid(Ipv4Address network, int length) {
  const std::string text = network.to_string() + "/" + std::to_string(length);
  if (length < 0) throw core::ParseError(kKind, text, "prefix length " + std::to_string(length) + " is negative");
  if (length > kMaxLength) {
    throw core::ParseError(kKind, text, "prefix length " + std::to_string(length) + " is greater than 32");
  }
  throw core::ParseError(kKind, text, host_bits_reason(network, length));
}

void Ipv4Prefix::throw_index_out_of_range(std::uint64_t index) const {
  throw core::ConfigError(to_string(), "address_at",
                          "index " + std::to_string(index) + " is out of range (the prefix has " +
                              std::to_string(num_addresses()) + " addresses)");
}

std::vector<Ipv4Prefix> Ipv4Prefix::split(int new_length) const {
  if (new_length < length_) {
    throw core::ConfigError(to_string(), "split",
                            "new length " + std::to_string(new_length) + " is shorter than the prefix length " +
                                std::to_string(length_));
  }
  if (new_length > kMaxLength) {
    throw core::ConfigError(to_string(), "split", "new length " + std::to_string(new_length) + " is greater than 32");
  }
  static_assert(kMaxSplitPieces == (std::uint64_t{1} << 16));
  const int extra_bits = new_length - length_;
  if (extra_bits > 16) {  // 2^extra_bits > kMaxSplitPieces
    throw core::ConfigError(to_string(), "split",
                            "splitting into /" + std::to_string(new_length) + "s would make " +
                                std::to_string(std::uint64_t{1} << extra_bits) + " pieces (more than " +
                                std::to_string(kMaxSplitPieces) + ")");
  }
  const std::uint64_t count = std::uint64_t{1} << extra_bits;
  const std::uint64_t step = std::uint64_t{1} << (kMaxLength - new_length);
  std::vector<Ipv4Prefix> pieces;
  pieces.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    pieces.push_back(Ipv4Prefix(Unchecked{}, Ipv4Address(static_cast<std::uint32_t>(network_.to_u32() + i * step)),
                                new_length));
  }
  return pieces;
}

std::string Ipv4Prefix::to_string() const { return network_.to_string() + "/" + std::to_string(length_); }

std::ostream& operator<<(std::ostream& os, const Ipv4Prefix& prefix) { return os << prefix.to_string(); }

}  // namespace vpcsim::wire
