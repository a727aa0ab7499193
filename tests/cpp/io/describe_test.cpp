// describe(): frames decoded for people, tcpdump-style one-liners, and no exception for any bytes.
#include "libnet/io/describe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <tins/tins.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "libnet/io/pcap_reader.h"
#include "support/sample_pcaps.h"

namespace vpcsim::io {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Bytes = std::vector<std::uint8_t>;

std::vector<std::string> names(const std::vector<Layer>& layers) {
  std::vector<std::string> out;
  for (const auto& layer : layers) out.push_back(layer.name);
  return out;
}

std::string field(const std::vector<Layer>& layers, const std::string& layer, const std::string& key) {
  for (const auto& l : layers)
    if (l.name == layer)
      if (const std::string* value = l.field(key)) return *value;
  return "<missing " + layer + "." + key + ">";
}

Bytes hex_bytes(const std::string& text) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

// An ARP request as Linux sends it, from literal bytes: who-has 10.0.1.20 tell 10.0.1.10, padded to 60.
const Bytes kArpRequest = hex_bytes(
    "ff ff ff ff ff ff 02 00 00 00 00 01 08 06"
    "00 01 08 00 06 04 00 01 02 00 00 00 00 01 0a 00 01 0a 00 00 00 00 00 00 0a 00 01 14"
    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");

Bytes build(Tins::PDU& pdu) { return pdu.serialize(); }

Bytes arp_reply() {
  auto eth = Tins::EthernetII("02:00:00:00:00:01", "02:00:00:00:00:02") /
             Tins::ARP("10.0.1.10", "10.0.1.20", "02:00:00:00:00:01", "02:00:00:00:00:02");
  eth.rfind_pdu<Tins::ARP>().opcode(Tins::ARP::REPLY);
  return build(eth);
}

Bytes echo_request() {
  Tins::ICMP icmp(Tins::ICMP::ECHO_REQUEST);
  icmp.id(4660);
  icmp.sequence(1);
  Tins::IP ip("10.0.1.20", "10.0.1.10");
  ip.ttl(64);
  ip.flags(Tins::IP::DONT_FRAGMENT);
  auto eth = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / ip / icmp / Tins::RawPDU(Bytes(56, 0x61));
  return build(eth);
}

Bytes udp_datagram() {
  auto eth = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::IP("10.0.2.20", "10.0.1.10") /
             Tins::UDP(9000, 5000) / Tins::RawPDU(std::string("hi"));
  return build(eth);
}

Bytes tcp_syn() {
  Tins::TCP tcp(80, 40000);
  tcp.seq(1000);
  tcp.window(64240);
  tcp.flags(Tins::TCP::SYN);
  auto eth = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::IP("10.0.2.20", "10.0.1.10") / tcp;
  return build(eth);
}

/// An ICMP error from `from` quoting the IPv4 datagram of `invoking` (a whole Ethernet frame): the
/// IPv4 header and the first 8 bytes of its payload.
Bytes icmp_error(Tins::ICMP::Flags type, std::uint8_t code, const std::string& from, const Bytes& invoking) {
  Tins::ICMP icmp(type);
  icmp.code(code);
  const Bytes quoted(invoking.begin() + 14, invoking.begin() + 14 + 20 + 8);
  auto eth = Tins::EthernetII("02:00:00:00:00:01", "02:00:00:00:00:02") / Tins::IP("10.0.1.10", from) / icmp /
             Tins::RawPDU(quoted);
  return build(eth);
}

TEST(DescribeLine, ArpLikeTcpdump) {
  EXPECT_EQ(describe_line(kArpRequest), "ARP, Request who-has 10.0.1.20 tell 10.0.1.10");
  EXPECT_EQ(describe_line(arp_reply()), "ARP, Reply 10.0.1.20 is-at 02:00:00:00:00:02");
}

TEST(DescribeLine, IcmpUdpTcpLikeTcpdump) {
  EXPECT_EQ(describe_line(echo_request()), "IP 10.0.1.10 > 10.0.1.20: ICMP echo request, id 4660, seq 1, length 64");
  EXPECT_EQ(describe_line(udp_datagram()), "IP 10.0.1.10.5000 > 10.0.2.20.9000: UDP, length 2");
  EXPECT_EQ(describe_line(tcp_syn()), "IP 10.0.1.10.40000 > 10.0.2.20.80: Flags [S], seq 1000, win 64240, length 0");
}

TEST(DescribeLine, IcmpErrorsNameWhatTheyQuote) {
  EXPECT_EQ(describe_line(icmp_error(Tins::ICMP::DEST_UNREACHABLE, 3, "10.0.2.20", udp_datagram())),
            "IP 10.0.2.20 > 10.0.1.10: ICMP 10.0.2.20 udp port 9000 unreachable, length 36");
  EXPECT_EQ(describe_line(icmp_error(Tins::ICMP::DEST_UNREACHABLE, 1, "10.0.1.1", udp_datagram())),
            "IP 10.0.1.1 > 10.0.1.10: ICMP host 10.0.2.20 unreachable, length 36");
  EXPECT_EQ(describe_line(icmp_error(Tins::ICMP::TIME_EXCEEDED, 0, "10.0.0.1", udp_datagram())),
            "IP 10.0.0.1 > 10.0.1.10: ICMP time exceeded in-transit, length 36");
}

TEST(DescribeLine, VlanIpv6AndUnknownEthertypes) {
  auto tagged = Tins::EthernetII("02:00:00:00:00:02", "02:00:00:00:00:01") / Tins::Dot1Q(10) /
                Tins::IP("10.0.2.20", "10.0.1.10") / Tins::UDP(9000, 5000) / Tins::RawPDU(std::string("hi"));
  tagged.rfind_pdu<Tins::Dot1Q>().priority(3);
  EXPECT_EQ(describe_line(build(tagged)), "vlan 10, p 3, IP 10.0.1.10.5000 > 10.0.2.20.9000: UDP, length 2");

  auto v6 = Tins::EthernetII("33:33:00:00:00:0c", "02:00:00:00:00:01") / Tins::IPv6("ff02::c", "fe80::1") /
            Tins::UDP(1900, 50000) / Tins::RawPDU(std::string("M-SEARCH"));
  EXPECT_EQ(describe_line(build(v6)), "IP6 fe80::1.50000 > ff02::c.1900: UDP, length 8");

  Bytes lldp(60, 0);
  lldp[12] = 0x88;
  lldp[13] = 0xcc;
  EXPECT_EQ(describe_line(lldp), "ethertype 0x88cc (LLDP), length 60");
}

TEST(Describe, LayersAndFieldsOfAnEchoRequest) {
  const auto layers = describe(echo_request());
  EXPECT_THAT(names(layers), ElementsAre("Ethernet", "IPv4", "ICMP", "Payload"));
  EXPECT_EQ(field(layers, "Ethernet", "dst"), "02:00:00:00:00:02");
  EXPECT_EQ(field(layers, "Ethernet", "type"), "0x0800 (IPv4)");
  EXPECT_EQ(field(layers, "IPv4", "src"), "10.0.1.10");
  EXPECT_EQ(field(layers, "IPv4", "ttl"), "64");
  EXPECT_EQ(field(layers, "IPv4", "flags"), "DF");
  EXPECT_EQ(field(layers, "IPv4", "protocol"), "1 (ICMP)");
  EXPECT_THAT(field(layers, "IPv4", "checksum"), HasSubstr("(correct)"));
  EXPECT_EQ(field(layers, "ICMP", "type"), "8 (echo request)");
  EXPECT_THAT(field(layers, "ICMP", "checksum"), HasSubstr("(correct)"));
  EXPECT_EQ(field(layers, "ICMP", "seq"), "1");
  EXPECT_EQ(field(layers, "Payload", "length"), "56");
  EXPECT_EQ(layers[0].field("no such field"), nullptr);
  EXPECT_THAT(format_layers(layers), StartsWith("Ethernet\n  dst: 02:00:00:00:00:02\n  src: 02:00:00:00:00:01\n"));
}

TEST(Describe, ArpPaddingAndIcmpErrorQuotes) {
  const auto arp = describe(kArpRequest);
  EXPECT_THAT(names(arp), ElementsAre("Ethernet", "ARP"));
  EXPECT_EQ(field(arp, "ARP", "operation"), "1 (request)");
  EXPECT_EQ(field(arp, "ARP", "target_ip"), "10.0.1.20");
  EXPECT_EQ(field(arp, "Ethernet", "padding"), "18 bytes");

  const auto error = describe(icmp_error(Tins::ICMP::DEST_UNREACHABLE, 3, "10.0.2.20", udp_datagram()));
  EXPECT_THAT(names(error), ElementsAre("Ethernet", "IPv4", "ICMP", "IPv4 (quoted)", "UDP (quoted)"));
  EXPECT_EQ(field(error, "ICMP", "code"), "3 (port unreachable)");
  EXPECT_EQ(field(error, "IPv4 (quoted)", "dst"), "10.0.2.20");
  EXPECT_EQ(field(error, "UDP (quoted)", "dst_port"), "9000");
}

TEST(Describe, ChecksumsAreVerified) {
  auto frame = udp_datagram();
  EXPECT_THAT(field(describe(frame), "UDP", "checksum"), HasSubstr("(correct)"));
  const std::string good_ip = field(describe(frame), "IPv4", "checksum");
  frame[14 + 10] ^= 0xff;
  frame[14 + 20 + 6] ^= 0x01;
  const auto layers = describe(frame);
  EXPECT_THAT(field(layers, "IPv4", "checksum"), HasSubstr("incorrect, should be " + good_ip.substr(0, 6)));
  EXPECT_THAT(field(layers, "UDP", "checksum"), HasSubstr("incorrect"));
  frame[14 + 20 + 6] = 0;
  frame[14 + 20 + 7] = 0;
  EXPECT_EQ(field(describe(frame), "UDP", "checksum"), "0x0000 (none)");
}

TEST(Describe, MalformedHeadersBecomeAMalformedLayerAfterTheGoodOnes) {
  auto bad_ihl = echo_request();
  bad_ihl[14] = 0x44;
  auto layers = describe(bad_ihl);
  EXPECT_THAT(names(layers), ElementsAre("Ethernet", "malformed"));
  EXPECT_EQ(field(layers, "malformed", "protocol"), "IPv4");
  EXPECT_EQ(field(layers, "malformed", "reason"), "header length 16 is below the minimum of 20");
  EXPECT_EQ(describe_line(bad_ihl), "IP malformed: header length 16 is below the minimum of 20");

  auto bad_tcp = tcp_syn();
  bad_tcp[14 + 20 + 12] = 0x20;  // data offset 2 words
  layers = describe(bad_tcp);
  EXPECT_THAT(names(layers), ElementsAre("Ethernet", "IPv4", "malformed"));
  EXPECT_EQ(field(layers, "malformed", "protocol"), "TCP");

  const Bytes short_arp(kArpRequest.begin(), kArpRequest.begin() + 30);
  EXPECT_EQ(describe_line(short_arp), "ARP malformed: truncated: 16 of 28 bytes");

  EXPECT_EQ(describe_line({}), "malformed: frame of 0 bytes is shorter than the 14-byte Ethernet header");
  EXPECT_THAT(names(describe(Bytes{1, 2, 3})), ElementsAre("malformed"));
}

TEST(Describe, NoInputBytesMakeItThrow) {
  // Every prefix of every frame, and many random corruptions of each (a fixed seed: reproducible).
  std::vector<Bytes> frames = {kArpRequest, arp_reply(), echo_request(), udp_datagram(), tcp_syn(),
                               icmp_error(Tins::ICMP::DEST_UNREACHABLE, 3, "10.0.2.20", udp_datagram())};
  std::mt19937 rng(12345);
  for (const Bytes& frame : frames) {
    const auto whole = describe(frame);
    EXPECT_THAT(names(whole), Not(Contains("malformed"))) << describe_line(frame);
    for (std::size_t len = 0; len < frame.size(); ++len) {
      const Bytes prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(len));
      std::vector<Layer> layers;
      EXPECT_NO_THROW(layers = describe(prefix));
      EXPECT_FALSE(describe_line(prefix).empty());
      // Cut inside the Ethernet header: nothing but the reason; cut later: the Ethernet layer first.
      if (len < 14)
        EXPECT_THAT(names(layers), ElementsAre("malformed")) << len;
      else
        EXPECT_EQ(names(layers).front(), "Ethernet") << len;
    }
    for (int round = 0; round < 500; ++round) {
      Bytes mutated = frame;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) mutated[rng() % mutated.size()] = static_cast<std::uint8_t>(rng());
      EXPECT_NO_THROW(describe(mutated));
      EXPECT_FALSE(describe_line(mutated).empty());
    }
  }
}

TEST(Describe, EveryFrameOfTheSampleCapturesDecodesWithoutThrowing) {
  VPCSIM_REQUIRE_SAMPLE_PCAPS();
  std::uint64_t frames = 0, ethernet_records = 0;  // the manifest's count of whole records, files that open
  for (const auto& entry : testing::sample_manifest()) {
    const std::string& name = entry.file;
    try {
      PcapReader reader(entry.path);
      if (!reader.is_ethernet()) continue;
      ethernet_records += entry.packets;
      reader.for_each([&](const PcapRecord& record) {
        EXPECT_NO_THROW(describe(record.bytes)) << name;
        EXPECT_FALSE(describe_line(record.bytes).empty()) << name;
        ++frames;
      });
    } catch (const std::exception&) {
      // Unopenable files are the reader's business (pcap_reader_test).
    }
  }
  EXPECT_EQ(frames, ethernet_records);
  EXPECT_GT(frames, 150u);
}

TEST(Describe, SampleCapturesDecodeAsTsharkDoes) {
  VPCSIM_REQUIRE_SAMPLE_PCAPS();
  auto first = [&](const std::string& file) { return *PcapReader(testing::sample_pcap(file)).next(); };

  const auto bad_sum = describe(first("zeek-ip4-bad-chksum.pcap").bytes);
  EXPECT_EQ(field(bad_sum, "IPv4", "checksum"), "0x0001 (incorrect, should be 0x7cca)");

  EXPECT_EQ(describe_line(first("zeek-icmp-destunreach-udp.pcap").bytes),
            "IP 192.168.1.102 > 192.168.1.1: ICMP 192.168.1.102 udp port 59207 unreachable, length 156");
  EXPECT_EQ(describe_line(first("zeek-icmp-timeexceeded.pcap").bytes),
            "IP 10.0.0.1 > 10.0.0.2: ICMP time exceeded in-transit, length 40");
  EXPECT_EQ(describe_line(first("tcpdump-802.1ad_QinQ.pcap").bytes),
            "vlan 200, p 0, vlan 2001, p 0, ARP, Request who-has 172.21.79.100 tell 172.21.79.97");
  EXPECT_EQ(describe_line(first("tcpdump-ipv4_invalid_hdr_length.pcap").bytes),
            "IP malformed: header length 16 is below the minimum of 20");

  const auto trunc = describe(first("zeek-ip4-trunc.pcap").bytes);
  EXPECT_EQ(field(trunc, "malformed", "reason"), "header truncated: 6 of 20 bytes");

  // A snaplen-cut TCP segment: the checksum cannot be checked, the length is what IPv4 announces.
  const auto rst = first("tcpdump-tcp_rst_data-trunc.pcap").bytes;
  EXPECT_THAT(describe_line(rst), HasSubstr("Flags [R.]"));
  EXPECT_THAT(describe_line(rst), HasSubstr("length 58"));
  EXPECT_THAT(field(describe(rst), "TCP", "checksum"), HasSubstr("unverified"));
}

}  // namespace
}  // namespace vpcsim::io
