#include "libnet/cloud/packet_summary.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "libnet/io/craft.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::cloud {
namespace {

using wire::Ipv4Address;

const Ipv4Address kClient = Ipv4Address::parse("10.0.1.10");
const Ipv4Address kServer = Ipv4Address::parse("10.0.2.10");

// The IPv4 datagram inside a frame crafted by libtins (an implementation independent of wire::).
std::span<const std::uint8_t> datagram(const std::vector<std::uint8_t>& frame) {
  return std::span<const std::uint8_t>(frame).subspan(wire::kEthernetHeaderLen);
}

std::optional<PacketSummary> summary_of(std::span<const std::uint8_t> bytes) {
  auto ip = wire::Ipv4View::parse(bytes);
  EXPECT_TRUE(ip.ok());
  if (!ip) return std::nullopt;
  return PacketSummary::of(*ip);
}

// A datagram built with the wire reprs: a header for `protocol` and `payload` after it.
std::vector<std::uint8_t> datagram_with(std::uint8_t protocol, const std::vector<std::uint8_t>& payload) {
  wire::Ipv4Repr ip{.src = kClient, .dst = kServer, .protocol = protocol,
                    .payload_len = static_cast<std::uint16_t>(payload.size())};
  std::vector<std::uint8_t> bytes(ip.wire_len());
  ip.emit(bytes);
  std::copy(payload.begin(), payload.end(), bytes.begin() + static_cast<std::ptrdiff_t>(ip.header_len()));
  return bytes;
}

TEST(PacketSummary, ReadsTcpPortsAndFlags) {
  const auto frame = io::craft_tcp({}, {.src = kClient, .dst = kServer},
                                   {.src_port = 40000, .dst_port = 5432, .flags = wire::kTcpSyn});
  const auto s = summary_of(datagram(frame));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->protocol, 6);
  EXPECT_EQ(s->source, kClient);
  EXPECT_EQ(s->destination, kServer);
  EXPECT_EQ(s->source_port, 40000);
  EXPECT_EQ(s->destination_port, 5432);
  EXPECT_EQ(s->tcp_flags, wire::kTcpSyn);
  EXPECT_EQ(s->to_string(), "tcp 10.0.1.10:40000 -> 10.0.2.10:5432");
}

TEST(PacketSummary, ReadsUdpPorts) {
  const auto frame = io::craft_udp({}, {.src = kClient, .dst = kServer},
                                   {.src_port = 53000, .dst_port = 53, .payload = {1, 2, 3}});
  const auto s = summary_of(datagram(frame));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->protocol, 17);
  EXPECT_EQ(s->source_port, 53000);
  EXPECT_EQ(s->destination_port, 53);
  EXPECT_EQ(s->tcp_flags, 0);
  EXPECT_EQ(s->to_string(), "udp 10.0.1.10:53000 -> 10.0.2.10:53");
}

TEST(PacketSummary, ReadsIcmpTypeAndCodeNotPorts) {
  const auto frame = io::craft_icmp_echo({}, {.src = kClient, .dst = Ipv4Address::parse("8.8.8.8")},
                                         {.id = 0x1234, .seq = 1});
  const auto s = summary_of(datagram(frame));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->protocol, 1);
  EXPECT_EQ(s->icmp_type, 8);
  EXPECT_EQ(s->icmp_code, 0);
  EXPECT_EQ(s->source_port, 0);  // the echo id is not a port
  EXPECT_EQ(s->destination_port, 0);
  EXPECT_EQ(s->to_string(), "icmp 10.0.1.10 -> 8.8.8.8 type 8");
}

TEST(PacketSummary, IcmpErrorShowsItsCode) {
  std::vector<std::uint8_t> message(wire::kIcmpHeaderLen + 28);
  wire::IcmpRepr::dest_unreachable(wire::kIcmpCodePortUnreachable, std::span(message).subspan(8)).emit(message);
  const auto bytes = datagram_with(wire::kIpProtoIcmp, message);
  const auto s = summary_of(bytes);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->icmp_type, 3);
  EXPECT_EQ(s->icmp_code, 3);
  EXPECT_EQ(s->to_string(), "icmp 10.0.1.10 -> 10.0.2.10 type 3 code 3");
}

TEST(PacketSummary, OtherProtocolsHaveAddressesOnly) {
  const auto bytes = datagram_with(47, {0, 0, 0x08, 0x00});  // GRE
  const auto s = summary_of(bytes);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->protocol, 47);
  EXPECT_EQ(s->source_port, 0);
  EXPECT_EQ(s->destination_port, 0);
  EXPECT_EQ(s->to_string(), "47 10.0.1.10 -> 10.0.2.10");
}

TEST(PacketSummary, TruncatedTransportHeadersGiveNothing) {
  EXPECT_FALSE(summary_of(datagram_with(wire::kIpProtoTcp, std::vector<std::uint8_t>(19))));
  EXPECT_FALSE(summary_of(datagram_with(wire::kIpProtoUdp, std::vector<std::uint8_t>(7))));
  EXPECT_FALSE(summary_of(datagram_with(wire::kIpProtoIcmp, std::vector<std::uint8_t>(7))));
}

TEST(PacketSummary, NonFirstFragmentGivesNothingFirstFragmentItsPorts) {
  auto frame = io::craft_udp({}, {.src = kClient, .dst = kServer, .dont_fragment = false},
                             {.src_port = 5000, .dst_port = 9000, .payload = std::vector<std::uint8_t>(64)});
  std::vector<std::uint8_t> bytes(frame.begin() + wire::kEthernetHeaderLen, frame.end());
  auto ip = wire::Ipv4ViewMut::parse(std::span<std::uint8_t>(bytes)).value();

  // The first fragment: MF set, the UDP Length counting bytes that follow in later fragments.
  ip.set_more_fragments(true);
  const auto first = summary_of(ip.bytes());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->source_port, 5000);
  EXPECT_EQ(first->destination_port, 9000);

  ip.set_frag_offset(64);
  EXPECT_FALSE(summary_of(ip.bytes()));
}

}  // namespace
}  // namespace vpcsim::cloud
