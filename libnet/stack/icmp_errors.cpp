#include "libnet/stack/icmp_errors.h"

#include <algorithm>

namespace vpcsim::stack {
namespace {

constexpr std::size_t kIcmpErrorMaxLen = 576;                  // RFC 1812 4.3.2.3; Linux icmp_send
constexpr std::uint8_t kTosMask = 0x1e;                        // IPTOS_TOS_MASK
constexpr std::uint8_t kTosInternetControl = 0xc0;             // IPTOS_PREC_INTERNETCONTROL
constexpr core::Time kRateInterval = core::kSecond;            // net.ipv4.icmp_ratelimit = 1000 ms
constexpr core::Time kRateBurst = 6 * kRateInterval;           // XRLIM_BURST_FACTOR
constexpr std::uint8_t kIcmpMaxKnownType = 18;                 // NR_ICMP_TYPES

}  // namespace

std::optional<IcmpErrorPlan> plan_icmp_error(std::span<const std::uint8_t> offending, std::uint8_t type,
                                             std::uint8_t code, std::uint16_t next_hop_mtu, bool local_destination) {
  const auto original = wire::Ipv4View::parse_quoted(offending);
  if (!original) return std::nullopt;
  const wire::Ipv4Address to = original->src();
  if (to.is_unspecified() || to.is_multicast() || to.is_limited_broadcast() || to.is_loopback()) return std::nullopt;
  if (original->frag_offset() != 0) return std::nullopt;
  if (original->protocol() == wire::kIpProtoIcmp) {
    // Never an error about an error, nor about an unknown type (icmp_send reads the type only, so a
    // quote too short for a whole ICMP header counts as unknown too).
    const auto icmp = wire::IcmpView::parse(original->payload());
    if (!icmp || icmp->type() > kIcmpMaxKnownType || icmp->is_error()) return std::nullopt;
  }
  const std::size_t quote_len =
      std::min(offending.size(), kIcmpErrorMaxLen - wire::kIpv4MinHeaderLen - wire::kIcmpHeaderLen);
  const auto quote = offending.first(quote_len);
  IcmpErrorPlan plan;
  plan.icmp = type == wire::kIcmpTimeExceeded ? wire::IcmpRepr::time_exceeded(code, quote)
                                              : wire::IcmpRepr::dest_unreachable(code, quote, next_hop_mtu);
  plan.ip = wire::Ipv4Repr{local_destination ? original->dst() : wire::Ipv4Address(), to, wire::kIpProtoIcmp, 64,
                           static_cast<std::uint8_t>((original->tos() & kTosMask) | kTosInternetControl), 0, false,
                           static_cast<std::uint16_t>(plan.icmp.wire_len())};
  return plan;
}

bool is_rate_limited_icmp(std::uint8_t type, std::uint8_t code) {
  if (type == wire::kIcmpDestUnreachable && code == wire::kIcmpCodeFragNeeded) return false;
  return type == wire::kIcmpDestUnreachable || type == wire::kIcmpSourceQuench || type == wire::kIcmpTimeExceeded ||
         type == wire::kIcmpParameterProblem;
}

std::string describe_icmp_error(std::uint8_t type, std::uint8_t code) {
  if (type == wire::kIcmpTimeExceeded) return "time exceeded";
  if (type != wire::kIcmpDestUnreachable) return "ICMP type " + std::to_string(type);
  switch (code) {
    case wire::kIcmpCodeNetUnreachable: return "net unreachable";
    case wire::kIcmpCodeHostUnreachable: return "host unreachable";
    case wire::kIcmpCodeProtocolUnreachable: return "protocol unreachable";
    case wire::kIcmpCodePortUnreachable: return "port unreachable";
    case wire::kIcmpCodeFragNeeded: return "fragmentation needed";
    case wire::kIcmpCodeAdminProhibited: return "administratively prohibited";
  }
  return "destination unreachable code " + std::to_string(code);
}

bool IcmpRateLimiter::allow(wire::Ipv4Address destination, core::Time now) {
  auto [found, created] = buckets_.try_emplace(destination.to_u32());
  Bucket& bucket = *found;
  if (created) {
    bucket = Bucket{kRateBurst, now};
  } else {
    bucket.tokens = std::min(kRateBurst, bucket.tokens + (now - bucket.last));
    bucket.last = now;
  }
  if (bucket.tokens < kRateInterval) return false;
  bucket.tokens -= kRateInterval;
  return true;
}

}  // namespace vpcsim::stack
