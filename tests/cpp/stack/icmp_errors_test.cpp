// icmp_send()'s policy (libnet/stack/icmp_errors.h): what may be answered, what the error carries,
// and the per-destination rate limit.
#include "libnet/stack/icmp_errors.h"

#include <gtest/gtest.h>

#include <vector>

#include "libnet/wire/udp.h"

namespace vpcsim::stack {
namespace {

using core::kMillisecond;
using core::kSecond;
using wire::Ipv4Address;

const Ipv4Address kSender = Ipv4Address::parse("10.0.1.10");
const Ipv4Address kTarget = Ipv4Address::parse("10.0.2.20");

/// An IPv4 datagram from `src` carrying `payload_len` bytes of protocol `protocol` (a UDP header when
/// protocol is UDP, an ICMP header of type `icmp_type` when ICMP).
std::vector<std::uint8_t> datagram(Ipv4Address src, std::uint8_t protocol, std::size_t payload_len,
                                   std::uint8_t tos = 0x10, std::uint8_t icmp_type = wire::kIcmpEchoRequest) {
  std::vector<std::uint8_t> bytes(wire::kIpv4MinHeaderLen + payload_len);
  wire::Ipv4Repr{src, kTarget, protocol, 63, tos, 7, true, static_cast<std::uint16_t>(payload_len)}.emit(bytes);
  const auto l4 = std::span(bytes).subspan(wire::kIpv4MinHeaderLen);
  if (protocol == wire::kIpProtoUdp) wire::UdpRepr{5000, 9999, l4.subspan(wire::kUdpHeaderLen)}.emit(l4, src, kTarget);
  if (protocol == wire::kIpProtoIcmp) l4[0] = icmp_type;
  return bytes;
}

TEST(IcmpErrors, PortUnreachableQuotesTheWholeSmallDatagramWithInternetControlTos) {
  const auto offending = datagram(kSender, wire::kIpProtoUdp, 18);
  const auto plan = plan_icmp_error(offending, wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable, 0, true);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->ip.dst, kSender);
  EXPECT_EQ(plan->ip.src, kTarget) << "sent to one of our addresses: the error comes from it";
  EXPECT_EQ(plan->ip.tos, 0xc0 | 0x10);
  EXPECT_FALSE(plan->ip.dont_fragment);
  EXPECT_EQ(plan->ip.ttl, 64);
  EXPECT_EQ(plan->icmp.type, wire::kIcmpDestUnreachable);
  EXPECT_EQ(plan->icmp.code, wire::kIcmpCodePortUnreachable);
  EXPECT_EQ(plan->icmp.data.size(), offending.size());
  EXPECT_EQ(plan->ip.payload_len, wire::kIcmpHeaderLen + offending.size());
}

TEST(IcmpErrors, AForwardedPacketsErrorLeavesTheSourceToTheRouteAndQuotesAtMost548Bytes) {
  const auto offending = datagram(kSender, wire::kIpProtoUdp, 1400);
  const auto plan = plan_icmp_error(offending, wire::kIcmpTimeExceeded, wire::kIcmpCodeTtlExceeded, 0, false);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->ip.src.is_unspecified());
  EXPECT_EQ(plan->icmp.type, wire::kIcmpTimeExceeded);
  EXPECT_EQ(plan->icmp.data.size(), 576u - 20 - 8);  // RFC 1812 4.3.2.3: 576 bytes in all
}

TEST(IcmpErrors, FragmentationNeededCarriesTheNextHopMtu) {
  const auto plan = plan_icmp_error(datagram(kSender, wire::kIpProtoUdp, 18), wire::kIcmpDestUnreachable,
                                    wire::kIcmpCodeFragNeeded, 1400, false);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->icmp.next_hop_mtu, 1400);
}

TEST(IcmpErrors, NeverAboutAnErrorAnUnknownTypeAFragmentOrFromANonUnicastSource) {
  const auto refuse = [](const std::vector<std::uint8_t>& offending) {
    return !plan_icmp_error(offending, wire::kIcmpDestUnreachable, wire::kIcmpCodeHostUnreachable, 0, false);
  };
  EXPECT_FALSE(refuse(datagram(kSender, wire::kIpProtoIcmp, 8, 0, wire::kIcmpEchoRequest)));
  EXPECT_TRUE(refuse(datagram(kSender, wire::kIpProtoIcmp, 36, 0, wire::kIcmpDestUnreachable)));
  EXPECT_TRUE(refuse(datagram(kSender, wire::kIpProtoIcmp, 8, 0, 19))) << "above NR_ICMP_TYPES";
  EXPECT_TRUE(refuse(datagram(kSender, wire::kIpProtoIcmp, 4))) << "too short to tell its type";
  auto fragment = datagram(kSender, wire::kIpProtoUdp, 18);
  wire::Ipv4ViewMut::parse(fragment)->set_frag_offset(8);
  EXPECT_TRUE(refuse(fragment));
  for (const char* src : {"0.0.0.0", "224.0.0.1", "255.255.255.255", "127.0.0.1"})
    EXPECT_TRUE(refuse(datagram(Ipv4Address::parse(src), wire::kIpProtoUdp, 18))) << src;
  EXPECT_TRUE(refuse({0x45, 0x00})) << "not an IPv4 datagram";
}

TEST(IcmpErrors, RateMaskSparesFragmentationNeeded) {
  EXPECT_TRUE(is_rate_limited_icmp(wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable));
  EXPECT_TRUE(is_rate_limited_icmp(wire::kIcmpTimeExceeded, 0));
  EXPECT_FALSE(is_rate_limited_icmp(wire::kIcmpDestUnreachable, wire::kIcmpCodeFragNeeded));
  EXPECT_FALSE(is_rate_limited_icmp(wire::kIcmpEchoReply, 0));
}

TEST(IcmpErrors, RateLimiterAllowsABurstOfSixThenOnePerSecondPerDestination) {
  IcmpRateLimiter limiter;
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(limiter.allow(kSender, 0)) << i;
  EXPECT_FALSE(limiter.allow(kSender, 0));
  EXPECT_TRUE(limiter.allow(kTarget, 0)) << "another destination has its own bucket";
  EXPECT_FALSE(limiter.allow(kSender, 999 * kMillisecond));
  EXPECT_TRUE(limiter.allow(kSender, kSecond + 999 * kMillisecond));
}

TEST(IcmpErrors, DescriptionsForTraces) {
  EXPECT_EQ(describe_icmp_error(wire::kIcmpDestUnreachable, wire::kIcmpCodePortUnreachable), "port unreachable");
  EXPECT_EQ(describe_icmp_error(wire::kIcmpTimeExceeded, 0), "time exceeded");
  EXPECT_EQ(describe_icmp_error(wire::kIcmpDestUnreachable, 9), "destination unreachable code 9");
}

}  // namespace
}  // namespace vpcsim::stack
