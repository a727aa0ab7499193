// craft: frames built by libtins read back through the simulator's own wire:: views (every field as
// asked, every checksum correct), through describe(), and through tshark with checksum validation.
#include "libnet/io/craft.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/io/describe.h"
#include "libnet/io/pcap_writer.h"
#include "libnet/wire/arp.h"
#include "libnet/wire/checksum.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/icmp.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"
#include "libnet/wire/udp.h"
#include "support/tshark.h"

namespace vpcsim::io {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using wire::Ipv4Address;
using wire::MacAddress;

using Bytes = std::vector<std::uint8_t>;

const MacAddress kMac1 = MacAddress::parse("02:00:00:00:00:01");
const MacAddress kMac2 = MacAddress::parse("02:00:00:00:00:02");
const Ipv4Address kIp1 = Ipv4Address::parse("10.0.1.10");
const Ipv4Address kIp2 = Ipv4Address::parse("10.0.1.20");

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

/// The IPv4 datagram inside an Ethernet frame (checked: untagged, EtherType IPv4, header valid).
wire::Ipv4View ipv4_of(const Bytes& frame) {
  auto eth = wire::EthernetView::parse(frame);
  EXPECT_TRUE(eth.ok());
  EXPECT_EQ(eth->ethertype(), wire::kEthertypeIpv4);
  auto ip = wire::Ipv4View::parse(eth->payload());
  EXPECT_TRUE(ip.ok()) << (ip.ok() ? "" : wire::to_string(ip.error()));
  return *ip;
}

/// Every "checksum" field describe() shows, which must all say "(correct)".
std::vector<std::string> checksum_fields(const Bytes& frame) {
  std::vector<std::string> out;
  for (const Layer& layer : describe(frame))
    if (const std::string* value = layer.field("checksum")) out.push_back(layer.name + ": " + *value);
  return out;
}

std::vector<std::string> layer_names(const Bytes& frame) {
  std::vector<std::string> out;
  for (const Layer& layer : describe(frame)) out.push_back(layer.name);
  return out;
}

TEST(CraftArp, RequestIsBroadcastWithZeroTargetMacAndPadded) {
  const Bytes frame = craft_arp_request({.src = kMac1}, kIp1, kIp2);
  ASSERT_EQ(frame.size(), 60u);
  auto eth = wire::EthernetView::parse(frame);
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst(), MacAddress::broadcast());
  EXPECT_EQ(eth->src(), kMac1);
  EXPECT_EQ(eth->ethertype(), wire::kEthertypeArp);
  auto arp = wire::ArpView::parse(eth->payload());
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->operation(), wire::ArpOperation::request);
  EXPECT_EQ(arp->sender_mac(), kMac1);
  EXPECT_EQ(arp->sender_ip(), kIp1);
  EXPECT_EQ(arp->target_mac(), MacAddress());
  EXPECT_EQ(arp->target_ip(), kIp2);
  EXPECT_EQ(describe_line(frame), "ARP, Request who-has 10.0.1.20 tell 10.0.1.10");
  // Padding is zeros.
  for (std::size_t i = 42; i < frame.size(); ++i) EXPECT_EQ(frame[i], 0) << i;
}

TEST(CraftArp, ReplyNamesBothEnds) {
  const Bytes frame = craft_arp_reply({.src = kMac2, .dst = kMac1}, kIp2, kIp1);
  auto eth = wire::EthernetView::parse(frame);
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->dst(), kMac1);
  auto arp = wire::ArpView::parse(eth->payload());
  ASSERT_TRUE(arp.ok());
  EXPECT_EQ(arp->operation(), wire::ArpOperation::reply);
  EXPECT_EQ(arp->sender_mac(), kMac2);
  EXPECT_EQ(arp->sender_ip(), kIp2);
  EXPECT_EQ(arp->target_mac(), kMac1);
  EXPECT_EQ(arp->target_ip(), kIp1);
  EXPECT_EQ(describe_line(frame), "ARP, Reply 10.0.1.20 is-at 02:00:00:00:00:02");
}

TEST(CraftArp, UnpaddedIsHeadersOnly) {
  EXPECT_EQ(craft_arp_request({.src = kMac1, .pad = false}, kIp1, kIp2).size(), 42u);
  EXPECT_EQ(craft_arp_reply({.src = kMac2, .dst = kMac1, .pad = false}, kIp2, kIp1).size(), 42u);
}

TEST(CraftIcmp, EchoRequestCarriesEveryFieldAsked) {
  const Bytes payload = bytes_of("abcdefgh");
  const Bytes frame = craft_icmp_echo({.src = kMac1, .dst = kMac2},
                                      {.src = kIp1, .dst = kIp2, .ttl = 17, .tos = 0xb8, .dont_fragment = true, .id = 4242},
                                      {.id = 0x1234, .seq = 7, .payload = payload});
  auto eth = wire::EthernetView::parse(frame);
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->src(), kMac1);
  EXPECT_EQ(eth->dst(), kMac2);
  const wire::Ipv4View ip = ipv4_of(frame);
  EXPECT_EQ(ip.src(), kIp1);
  EXPECT_EQ(ip.dst(), kIp2);
  EXPECT_EQ(ip.ttl(), 17);
  EXPECT_EQ(ip.tos(), 0xb8);
  EXPECT_TRUE(ip.dont_fragment());
  EXPECT_FALSE(ip.more_fragments());
  EXPECT_EQ(ip.id(), 4242);
  EXPECT_EQ(ip.protocol(), 1);
  EXPECT_EQ(ip.header_len(), 20u);
  EXPECT_EQ(ip.total_len(), 20 + 8 + 8);
  EXPECT_TRUE(ip.verify_checksum());
  auto icmp = wire::IcmpView::parse(ip.payload());
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), wire::kIcmpEchoRequest);
  EXPECT_EQ(icmp->code(), 0);
  EXPECT_EQ(icmp->echo_id(), 0x1234);
  EXPECT_EQ(icmp->echo_seq(), 7);
  EXPECT_TRUE(icmp->verify_checksum());
  EXPECT_THAT(icmp->data(), ElementsAreArray(payload));
  EXPECT_EQ(describe_line(frame), "IP 10.0.1.10 > 10.0.1.20: ICMP echo request, id 4660, seq 7, length 16");
}

TEST(CraftIcmp, EchoReplyAndDefaults) {
  const Bytes frame = craft_icmp_echo({.src = kMac2, .dst = kMac1}, {.src = kIp2, .dst = kIp1}, {.reply = true, .seq = 1});
  const wire::Ipv4View ip = ipv4_of(frame);
  EXPECT_EQ(ip.ttl(), 64);
  EXPECT_EQ(ip.tos(), 0);
  EXPECT_TRUE(ip.dont_fragment());
  EXPECT_EQ(ip.id(), 0);
  auto icmp = wire::IcmpView::parse(ip.payload());
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), wire::kIcmpEchoReply);
  EXPECT_TRUE(icmp->verify_checksum());
  EXPECT_THAT(layer_names(frame), ElementsAre("Ethernet", "IPv4", "ICMP"));
}

TEST(CraftIcmp, WithoutDfTheFlagIsClear) {
  const Bytes frame = craft_icmp_echo({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2, .dont_fragment = false}, {});
  EXPECT_FALSE(ipv4_of(frame).dont_fragment());
}

TEST(CraftIcmp, PaddingIsOutsideTheDatagramAndOptional) {
  const Bytes padded = craft_icmp_echo({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {});
  EXPECT_EQ(padded.size(), 60u);
  EXPECT_EQ(ipv4_of(padded).total_len(), 28);
  const Bytes tight = craft_icmp_echo({.src = kMac1, .dst = kMac2, .pad = false}, {.src = kIp1, .dst = kIp2}, {});
  EXPECT_EQ(tight.size(), 14u + 28u);
  EXPECT_TRUE(std::equal(tight.begin(), tight.end(), padded.begin()));
  // A frame already over 60 bytes is the same either way.
  const Bytes big(100, 0x61);
  EXPECT_EQ(craft_icmp_echo({.src = kMac1, .dst = kMac2, .pad = false}, {.src = kIp1, .dst = kIp2}, {.payload = big}),
            craft_icmp_echo({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.payload = big}));
}

TEST(CraftUdp, DatagramCarriesPortsPayloadAndChecksum) {
  const Bytes frame = craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = Ipv4Address::parse("10.0.2.20")},
                                {.src_port = 5000, .dst_port = 9000, .payload = bytes_of("hi")});
  const wire::Ipv4View ip = ipv4_of(frame);
  EXPECT_EQ(ip.protocol(), 17);
  EXPECT_TRUE(ip.verify_checksum());
  auto udp = wire::UdpView::parse(ip.payload());
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->src_port(), 5000);
  EXPECT_EQ(udp->dst_port(), 9000);
  EXPECT_EQ(udp->len(), 10);
  EXPECT_NE(udp->checksum(), 0);
  EXPECT_TRUE(udp->verify_checksum(ip.src(), ip.dst()));
  EXPECT_THAT(udp->payload(), ElementsAre('h', 'i'));
  EXPECT_EQ(describe_line(frame), "IP 10.0.1.10.5000 > 10.0.2.20.9000: UDP, length 2");
}

TEST(CraftUdp, ChecksumThatComputesToZeroIsSentAsFfff) {
  // Find a two-byte payload whose checksum computes to 0 (RFC 768: then sent as 0xffff).
  const Bytes base = craft_udp({.src = kMac1, .dst = kMac2, .pad = false}, {.src = kIp1, .dst = kIp2},
                               {.src_port = 1, .dst_port = 2, .payload = {0, 0}});
  const wire::Ipv4View ip = ipv4_of(base);
  Bytes datagram(ip.payload().begin(), ip.payload().end());
  datagram[6] = datagram[7] = 0;
  const std::uint32_t sum = wire::checksum_add(datagram, wire::pseudo_header_sum(kIp1, kIp2, 17, 10));
  // Choose the payload word w so that the folded sum is 0xffff, i.e. the checksum ~sum is 0.
  const std::uint16_t folded = wire::checksum_fold(sum);
  const std::uint16_t w = static_cast<std::uint16_t>(0xffff - folded);
  const Bytes payload = {static_cast<std::uint8_t>(w >> 8), static_cast<std::uint8_t>(w)};
  const Bytes frame = craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2},
                                {.src_port = 1, .dst_port = 2, .payload = payload});
  auto udp = wire::UdpView::parse(ipv4_of(frame).payload());
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->checksum(), 0xffff);
  EXPECT_TRUE(udp->verify_checksum(kIp1, kIp2));
}

TEST(CraftTcp, SegmentCarriesFlagsSequenceNumbersAndPayload) {
  const Bytes frame =
      craft_tcp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2, .ttl = 63},
                {.src_port = 40000, .dst_port = 80, .seq = 1000, .ack = 4000000000u,
                 .flags = wire::kTcpPsh | wire::kTcpAck, .window = 512, .payload = bytes_of("GET /")});
  const wire::Ipv4View ip = ipv4_of(frame);
  EXPECT_EQ(ip.protocol(), 6);
  EXPECT_EQ(ip.ttl(), 63);
  EXPECT_TRUE(ip.verify_checksum());
  auto tcp = wire::TcpView::parse(ip.payload());
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->src_port(), 40000);
  EXPECT_EQ(tcp->dst_port(), 80);
  EXPECT_EQ(tcp->seq(), 1000u);
  EXPECT_EQ(tcp->ack(), 4000000000u);
  EXPECT_EQ(tcp->flags(), wire::kTcpPsh | wire::kTcpAck);
  EXPECT_EQ(tcp->window(), 512);
  EXPECT_EQ(tcp->header_len(), 20u);
  EXPECT_EQ(tcp->urgent_ptr(), 0);
  EXPECT_TRUE(tcp->verify_checksum(ip.src(), ip.dst()));
  EXPECT_THAT(tcp->payload(), ElementsAre('G', 'E', 'T', ' ', '/'));
  EXPECT_EQ(describe_line(frame), "IP 10.0.1.10.40000 > 10.0.1.20.80: Flags [P.], seq 1000, ack 4000000000, win 512, length 5");
}

TEST(CraftTcp, SynWithoutPayload) {
  const Bytes frame = craft_tcp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2},
                                {.src_port = 1234, .dst_port = 22, .seq = 1, .flags = parse_tcp_flags("S")});
  auto tcp = wire::TcpView::parse(ipv4_of(frame).payload());
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->flags(), wire::kTcpSyn);
  EXPECT_EQ(tcp->window(), 64240);
  EXPECT_TRUE(tcp->payload().empty());
  EXPECT_THAT(layer_names(frame), ElementsAre("Ethernet", "IPv4", "TCP"));
}

TEST(Craft, EveryChecksumDescribeFindsIsCorrect) {
  const std::vector<Bytes> frames = {
      craft_icmp_echo({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.id = 1, .seq = 1, .payload = Bytes(56, 7)}),
      craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.src_port = 53, .dst_port = 53, .payload = Bytes(3, 1)}),
      craft_tcp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.src_port = 1, .dst_port = 2, .flags = 0x12}),
  };
  for (const Bytes& frame : frames) {
    const std::vector<std::string> sums = checksum_fields(frame);
    EXPECT_EQ(sums.size(), 2u);
    for (const std::string& s : sums) EXPECT_THAT(s, HasSubstr("(correct)"));
  }
}

TEST(Craft, OversizedPayloadIsAConfigErrorNamingTheField) {
  const Bytes too_big(65535 - 20 - 8 + 1, 0);
  try {
    craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.payload = too_big});
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), "craft_udp");
    EXPECT_EQ(e.field(), "payload");
    EXPECT_THAT(e.what(), HasSubstr("at most 65507"));
  }
  EXPECT_THROW(craft_icmp_echo({.src = kMac1}, {.src = kIp1, .dst = kIp2}, {.payload = too_big}), core::ConfigError);
  EXPECT_THROW(craft_tcp({.src = kMac1}, {.src = kIp1, .dst = kIp2}, {.payload = too_big}), core::ConfigError);
  // The largest that fits is fine.
  const Bytes largest(65535 - 20 - 8, 0);
  EXPECT_EQ(craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.payload = largest}).size(), 14u + 65535u);
}

TEST(TcpFlags, LettersNamesAndErrors) {
  EXPECT_EQ(parse_tcp_flags(""), 0);
  EXPECT_EQ(parse_tcp_flags("none"), 0);
  EXPECT_EQ(parse_tcp_flags("S"), wire::kTcpSyn);
  EXPECT_EQ(parse_tcp_flags("SA"), wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(parse_tcp_flags("S."), wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(parse_tcp_flags("pa"), wire::kTcpPsh | wire::kTcpAck);
  EXPECT_EQ(parse_tcp_flags("FPU"), wire::kTcpFin | wire::kTcpPsh | wire::kTcpUrg);
  EXPECT_EQ(parse_tcp_flags("EW"), wire::kTcpEce | wire::kTcpCwr);
  EXPECT_EQ(parse_tcp_flags("SYN"), wire::kTcpSyn);
  EXPECT_EQ(parse_tcp_flags("syn, ack"), wire::kTcpSyn | wire::kTcpAck);
  EXPECT_EQ(parse_tcp_flags("FIN,PSH,URG"), wire::kTcpFin | wire::kTcpPsh | wire::kTcpUrg);
  EXPECT_EQ(parse_tcp_flags("RST"), wire::kTcpRst);
  try {
    parse_tcp_flags("SX");
    FAIL() << "expected ParseError";
  } catch (const core::ParseError& e) {
    EXPECT_EQ(e.text(), "SX");
    EXPECT_THAT(e.what(), HasSubstr("'X' is not a flag letter"));
  }
  EXPECT_THROW(parse_tcp_flags("SYN,BOGUS"), core::ParseError);
  EXPECT_EQ(tcp_flags_to_string(0), "none");
  EXPECT_EQ(tcp_flags_to_string(0x12), "SYN, ACK");
  EXPECT_EQ(tcp_flags_to_string(0xff), "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR");
}

TEST(Craft, TsharkDecodesEveryCraftedFrameWithoutComplaint) {
  if (!testing::tshark_available()) GTEST_SKIP() << "tshark not installed";
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vpcsim-craft-" + std::to_string(::getpid()) + ".pcap")).string();
  {
    PcapWriter writer(path);
    core::Time t = 0;
    auto put = [&](const Bytes& frame) { writer.write(t += 1000, frame); };
    put(craft_arp_request({.src = kMac1}, kIp1, kIp2));
    put(craft_arp_reply({.src = kMac2, .dst = kMac1}, kIp2, kIp1));
    put(craft_icmp_echo({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2, .id = 9}, {.id = 1, .seq = 1, .payload = Bytes(56, 0x61)}));
    put(craft_icmp_echo({.src = kMac2, .dst = kMac1, .pad = false}, {.src = kIp2, .dst = kIp1}, {.reply = true, .id = 1, .seq = 1}));
    put(craft_udp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2, .tos = 0x10}, {.src_port = 5000, .dst_port = 9000, .payload = bytes_of("hello")}));
    put(craft_tcp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.src_port = 40000, .dst_port = 80, .seq = 1, .flags = parse_tcp_flags("S")}));
    put(craft_tcp({.src = kMac2, .dst = kMac1}, {.src = kIp2, .dst = kIp1}, {.src_port = 80, .dst_port = 40000, .seq = 7, .ack = 2, .flags = parse_tcp_flags("SA")}));
    put(craft_tcp({.src = kMac1, .dst = kMac2}, {.src = kIp1, .dst = kIp2}, {.src_port = 40000, .dst_port = 80, .seq = 2, .ack = 8, .flags = parse_tcp_flags("PA"), .payload = bytes_of("GET / HTTP/1.0\r\n\r\n")}));
  }
  EXPECT_THAT(testing::tshark_problems(path), IsEmpty());
  EXPECT_THAT(testing::tshark_field(path, "frame.protocols"),
              ElementsAre("eth:ethertype:arp", "eth:ethertype:arp", "eth:ethertype:ip:icmp:data", "eth:ethertype:ip:icmp",
                          "eth:ethertype:ip:udp:data", "eth:ethertype:ip:tcp", "eth:ethertype:ip:tcp",
                          HasSubstr("eth:ethertype:ip:tcp")));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vpcsim::io
