// IPv4 datagrams (libnet/wire/ipv4.h), on captured packets.
#include "libnet/wire/ipv4.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "libnet/wire/ethernet.h"

namespace vpcsim::wire {
namespace {

// zeek-icmp-timeexceeded.pcap: the IPv4 datagram (10.0.0.1 -> 10.0.0.2, ICMP time exceeded).
constexpr std::array<std::uint8_t, 60> kTimeExceeded{
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xbe, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x0b, 0x00, 0x09, 0x20, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20,
    0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66, 0xca, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
    0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c, 0x93, 0x2a, 0x58, 0x58, 0x58, 0x58,
};

// tcpdump-whois.pcap #2, the whole frame: SYN-ACK 192.0.47.59 -> 10.0.2.15, a 44-byte datagram
// followed by 2 bytes of Ethernet padding.
constexpr std::array<std::uint8_t, 60> kSynAckFrame{
    0x08, 0x00, 0x27, 0x3e, 0xac, 0x31, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x2c, 0x48, 0x5d, 0x00, 0x00, 0x40, 0x06, 0x37, 0x25, 0xc0, 0x00, 0x2f, 0x3b, 0x0a, 0x00,
    0x02, 0x0f, 0x00, 0x2b, 0xac, 0x9c, 0x00, 0x97, 0x5e, 0x01, 0x85, 0x7b, 0x59, 0x03, 0x60, 0x12,
    0xff, 0xff, 0xb2, 0xed, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00, 0x00,
};

// tcpdump-whois.pcap #1, the IPv4 header of the SYN: DF set, id 0x7e89, 10.0.2.15 -> 192.0.47.59.
constexpr std::array<std::uint8_t, 20> kSynHeader{
    0x45, 0x00, 0x00, 0x3c, 0x7e, 0x89, 0x40, 0x00, 0x40, 0x06,
    0xc0, 0xe8, 0x0a, 0x00, 0x02, 0x0f, 0xc0, 0x00, 0x2f, 0x3b,
};

// tcpdump-IGMP_V2.pcap #2, the IPv4 datagram: IHL 6 with the Router Alert option (94 04 00 00).
constexpr std::array<std::uint8_t, 32> kIgmpWithOptions{
    0x46, 0x00, 0x00, 0x20, 0x8c, 0x62, 0x00, 0x00, 0x01, 0x02, 0xe6, 0x92, 0xc0, 0xa8, 0x01, 0x40,
    0xef, 0xff, 0xff, 0xfa, 0x94, 0x04, 0x00, 0x00, 0x16, 0x00, 0xfa, 0x04, 0xef, 0xff, 0xff, 0xfa,
};

// tcpdump-ipv4_invalid_hdr_length.pcap, the first 34 bytes of the datagram: IHL 4.
constexpr std::array<std::uint8_t, 34> kIhl4{
    0x44, 0x00, 0x00, 0x54, 0xf1, 0xa6, 0x00, 0x00, 0x40, 0x11, 0x45, 0x94, 0x8c, 0xd3, 0x09, 0xce, 0x2d,
    0x21, 0x7f, 0x9c, 0x98, 0xb7, 0x00, 0x35, 0x00, 0x40, 0x6e, 0xcb, 0x92, 0xaa, 0x01, 0x20, 0x00, 0x01,
};

// tcpdump-ipv4_invalid_total_length.pcap, the whole frame: total length 85, only 84 IPv4 bytes.
constexpr std::array<std::uint8_t, 98> kTotalLenTooLongFrame{
    0xc0, 0xd6, 0x82, 0x36, 0x03, 0x2b, 0xf0, 0x4d, 0xa2, 0x3d, 0x5d, 0xa3, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x55, 0xf1, 0xa6, 0x00, 0x00, 0x40, 0x11, 0x45, 0x93, 0x8c, 0xd3, 0x09, 0xce, 0x2d, 0x21,
    0x7f, 0x9c, 0x98, 0xb7, 0x00, 0x35, 0x00, 0x40, 0x6e, 0xcb, 0x92, 0xaa, 0x01, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x07, 0x74, 0x63, 0x70, 0x64, 0x75,
    0x6d, 0x70, 0x03, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x8b, 0xc0, 0xe5, 0xf5, 0x3e, 0x71,
    0x3b, 0xbd,
};

// zeek-ip4-trunc.pcap: snaplen cut the frame 6 bytes into the IPv4 header.
constexpr std::array<std::uint8_t, 20> kTruncFrame{
    0x00, 0x10, 0xdb, 0x88, 0xd2, 0xef, 0xc8, 0xbc, 0xc8, 0x96,
    0xd2, 0xa0, 0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x01,
};

// zeek-ip4-bad-chksum.pcap, the datagram: header checksum 0x0001 (should be 0x7cca).
constexpr std::array<std::uint8_t, 32> kBadChecksum{
    0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
    0x7f, 0x00, 0x00, 0x01, 0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c, 0xa9, 0x2a, 0x58, 0x58, 0x58, 0x58,
};

// tcpdump-tcp_rst_data-trunc.pcap, the datagram: total length 98 but snaplen kept 97 bytes.
constexpr std::array<std::uint8_t, 97> kRstCutShort{
    0x45, 0x20, 0x00, 0x62, 0x20, 0x33, 0x40, 0x00, 0xf3, 0x06, 0x4e, 0xe3, 0xc7, 0xcc, 0x1f, 0x59,
    0xac, 0x10, 0x85, 0x29, 0x00, 0x50, 0xce, 0x8b, 0x60, 0x63, 0xe7, 0x21, 0x73, 0x6f, 0x19, 0x89,
    0x50, 0x14, 0x16, 0x99, 0x84, 0x71, 0x00, 0x00, 0x42, 0x49, 0x47, 0x2d, 0x49, 0x50, 0x3a, 0x20,
    0x5b, 0x30, 0x78, 0x31, 0x31, 0x63, 0x35, 0x36, 0x37, 0x32, 0x3a, 0x33, 0x30, 0x34, 0x35, 0x5d,
    0x20, 0x7b, 0x70, 0x65, 0x65, 0x72, 0x7d, 0x20, 0x54, 0x43, 0x50, 0x20, 0x52, 0x53, 0x54, 0x20,
    0x66, 0x72, 0x6f, 0x6d, 0x20, 0x72, 0x65, 0x6d, 0x6f, 0x74, 0x65, 0x20, 0x73, 0x79, 0x73, 0x74,
    0x65,
};

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// The checksum a full recomputation gives for the view's header.
std::uint16_t recomputed(const Ipv4View& v) {
  std::vector<std::uint8_t> h = bytes_of(v.header());
  h[10] = h[11] = 0;
  return internet_checksum(h);
}

TEST(Ipv4ViewTest, Deconstruct) {
  auto parsed = Ipv4View::parse(kTimeExceeded);
  ASSERT_TRUE(parsed.ok());
  const Ipv4View& ip = *parsed;
  EXPECT_EQ(ip.version(), 4);
  EXPECT_EQ(ip.header_len(), 20u);
  EXPECT_EQ(ip.tos(), 0);
  EXPECT_EQ(ip.dscp(), 0);
  EXPECT_EQ(ip.ecn(), 0);
  EXPECT_EQ(ip.total_len(), 60);
  EXPECT_EQ(ip.id(), 1);
  EXPECT_FALSE(ip.dont_fragment());
  EXPECT_FALSE(ip.more_fragments());
  EXPECT_EQ(ip.frag_offset(), 0);
  EXPECT_FALSE(ip.is_fragment());
  EXPECT_EQ(ip.ttl(), 64);
  EXPECT_EQ(ip.protocol(), kIpProtoIcmp);
  EXPECT_EQ(ip.checksum(), 0x66be);
  EXPECT_EQ(ip.src(), Ipv4Address::from_octets(10, 0, 0, 1));
  EXPECT_EQ(ip.dst(), Ipv4Address::from_octets(10, 0, 0, 2));
  EXPECT_TRUE(ip.options().empty());
  EXPECT_EQ(ip.payload().size(), 40u);
  EXPECT_EQ(ip.payload()[0], 11);  // ICMP type: time exceeded
  EXPECT_EQ(ip.bytes().size(), 60u);
  EXPECT_TRUE(ip.verify_checksum());
}

TEST(Ipv4ViewTest, DontFragmentAndTos) {
  auto ip = Ipv4View::parse(kSynHeader);
  ASSERT_FALSE(ip.ok());  // only the header: total length 60 > 20 bytes
  EXPECT_EQ(ip.error(), WireError::bad_total_len);
  auto q = Ipv4View::parse_quoted(kSynHeader);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->dont_fragment());
  EXPECT_FALSE(q->is_fragment());
  EXPECT_EQ(q->id(), 0x7e89);
  EXPECT_EQ(q->protocol(), kIpProtoTcp);
  EXPECT_TRUE(q->payload().empty());
  EXPECT_TRUE(q->verify_checksum());

  auto rst = Ipv4View::parse_quoted(kRstCutShort);
  ASSERT_TRUE(rst.ok());
  EXPECT_EQ(rst->tos(), 0x20);
  EXPECT_EQ(rst->dscp(), 8);  // CS1
  EXPECT_EQ(rst->ttl(), 0xf3);
}

TEST(Ipv4ViewTest, EthernetPaddingIsNotPayload) {
  auto eth = EthernetView::parse(kSynAckFrame);
  ASSERT_TRUE(eth.ok());
  EXPECT_EQ(eth->payload().size(), 46u);
  auto ip = Ipv4View::parse(eth->payload());
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->total_len(), 44);
  EXPECT_EQ(ip->bytes().size(), 44u);
  EXPECT_EQ(ip->payload().size(), 24u);
  EXPECT_EQ(ip->src(), Ipv4Address::from_octets(192, 0, 47, 59));
  EXPECT_EQ(ip->dst(), Ipv4Address::from_octets(10, 0, 2, 15));
  EXPECT_TRUE(ip->verify_checksum());
}

TEST(Ipv4ViewTest, OptionsAreKeptAndExposed) {
  auto ip = Ipv4View::parse(kIgmpWithOptions);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->header_len(), 24u);
  EXPECT_EQ(bytes_of(ip->options()), (std::vector<std::uint8_t>{0x94, 0x04, 0x00, 0x00}));
  EXPECT_EQ(ip->payload().size(), 8u);
  EXPECT_EQ(ip->payload()[0], 0x16);  // IGMPv2 membership report
  EXPECT_EQ(ip->ttl(), 1);
  EXPECT_EQ(ip->protocol(), 2);
  EXPECT_EQ(ip->dst(), Ipv4Address::from_octets(239, 255, 255, 250));
  EXPECT_TRUE(ip->verify_checksum());
}

TEST(Ipv4ViewTest, QuotedDatagramMayBeCutShort) {
  auto full = Ipv4View::parse(kRstCutShort);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error(), WireError::bad_total_len);
  auto q = Ipv4View::parse_quoted(kRstCutShort);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->total_len(), 98);
  EXPECT_EQ(q->bytes().size(), 97u);
  EXPECT_EQ(q->payload().size(), 77u);
  EXPECT_TRUE(q->verify_checksum());
  // parse_quoted still bounds the view by total_len when the buffer is longer.
  auto eth = EthernetView::parse(kSynAckFrame);
  auto q2 = Ipv4View::parse_quoted(eth->payload());
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(q2->bytes().size(), 44u);
}

TEST(Ipv4ViewTest, MalformedDatagrams) {
  struct Case {
    const char* what;
    std::vector<std::uint8_t> bytes;
    WireError error;
  };
  auto with = [](std::span<const std::uint8_t> base, std::size_t offset, std::uint8_t value) {
    std::vector<std::uint8_t> v = bytes_of(base);
    v[offset] = value;
    return v;
  };
  auto eth_payload = [](std::span<const std::uint8_t> frame) { return bytes_of(frame.subspan(14)); };
  const std::vector<Case> cases = {
      {"IHL 4 (tcpdump ipv4_invalid_hdr_length)", bytes_of(kIhl4), WireError::bad_header_len},
      {"IHL 0", with(kTimeExceeded, 0, 0x40), WireError::bad_header_len},
      {"total 85 > 84 present (tcpdump ipv4_invalid_total_length)", eth_payload(kTotalLenTooLongFrame),
       WireError::bad_total_len},
      {"6 bytes of header (zeek ip4-trunc)", eth_payload(kTruncFrame), WireError::truncated},
      {"version 6", with(kTimeExceeded, 0, 0x65), WireError::bad_version},
      {"version 0", with(kTimeExceeded, 0, 0x05), WireError::bad_version},
      {"IHL 15 in a 32-byte buffer", with(kIgmpWithOptions, 0, 0x4f), WireError::truncated},
      {"total length 19 < header", with(kTimeExceeded, 3, 19), WireError::bad_total_len},
      {"total length 0", with(with(kTimeExceeded, 3, 0), 2, 0), WireError::bad_total_len},
      {"total length 61 > 60 present", with(kTimeExceeded, 3, 61), WireError::bad_total_len},
      {"empty", {}, WireError::truncated},
  };
  for (const Case& c : cases) {
    auto ip = Ipv4View::parse(c.bytes);
    ASSERT_FALSE(ip.ok()) << c.what;
    EXPECT_EQ(ip.error(), c.error) << c.what;
  }
  // IHL 15 on a 60-byte datagram with total 60 is well-formed: 40 bytes of options, empty payload.
  std::vector<std::uint8_t> big = bytes_of(kTimeExceeded);
  big[0] = 0x4f;
  big.resize(64);
  big[3] = 64;
  auto ok15 = Ipv4View::parse(big);
  ASSERT_TRUE(ok15.ok());
  EXPECT_EQ(ok15->options().size(), 40u);
  EXPECT_EQ(ok15->payload().size(), 4u);
}

TEST(Ipv4ViewTest, EveryTruncationIsAnErrorOrAValidView) {
  for (std::span<const std::uint8_t> dgram : {std::span<const std::uint8_t>(kTimeExceeded),
                                              std::span<const std::uint8_t>(kIgmpWithOptions),
                                              std::span<const std::uint8_t>(kRstCutShort)}) {
    for (std::size_t n = 0; n <= dgram.size(); ++n) {
      std::vector<std::uint8_t> cut(dgram.begin(), dgram.begin() + static_cast<std::ptrdiff_t>(n));
      for (bool quoted : {false, true}) {
        auto ip = quoted ? Ipv4View::parse_quoted(cut) : Ipv4View::parse(cut);
        if (!ip.ok()) {
          EXPECT_TRUE(ip.error() == WireError::truncated || ip.error() == WireError::bad_total_len) << n;
          continue;
        }
        EXPECT_LE(ip->bytes().size(), n);
        EXPECT_EQ(ip->header_len() + ip->payload().size(), ip->bytes().size());
        EXPECT_EQ(ip->options().size(), ip->header_len() - 20);
        EXPECT_TRUE(ip->verify_checksum());
      }
      // A quoted datagram parses as soon as its whole header is present.
      EXPECT_EQ(Ipv4View::parse_quoted(cut).ok(), n >= std::size_t{dgram[0] & 0x0fu} * 4);
    }
  }
}

TEST(Ipv4ReprTest, ParseAndEmit) {
  auto repr = Ipv4Repr::parse(Ipv4View::parse(kTimeExceeded).value());
  ASSERT_TRUE(repr.ok());
  const Ipv4Repr expected{Ipv4Address::from_octets(10, 0, 0, 1), Ipv4Address::from_octets(10, 0, 0, 2),
                          kIpProtoIcmp, 64, 0, 1, false, 40};
  EXPECT_EQ(*repr, expected);
  EXPECT_EQ(repr->header_len(), 20u);
  EXPECT_EQ(repr->wire_len(), 60u);
  std::vector<std::uint8_t> out(20, 0xee);
  expected.emit(out);
  EXPECT_EQ(out, bytes_of(std::span(kTimeExceeded).first(20)));

  // The SYN's header: DF, id 0x7e89, 40 bytes of TCP.
  const Ipv4Repr syn{.src = Ipv4Address::from_octets(10, 0, 2, 15),
                     .dst = Ipv4Address::from_octets(192, 0, 47, 59),
                     .protocol = kIpProtoTcp,
                     .ttl = 64,
                     .tos = 0,
                     .id = 0x7e89,
                     .dont_fragment = true,
                     .payload_len = 40};
  syn.emit(out);
  EXPECT_EQ(out, bytes_of(kSynHeader));
  EXPECT_EQ(Ipv4Repr::parse(Ipv4View::parse_quoted(kSynHeader).value()).value(), syn);
}

TEST(Ipv4ReprTest, OptionsAreDropped) {
  auto repr = Ipv4Repr::parse(Ipv4View::parse(kIgmpWithOptions).value());
  ASSERT_TRUE(repr.ok());
  EXPECT_EQ(repr->payload_len, 8);
  EXPECT_EQ(repr->wire_len(), 28u);
}

TEST(Ipv4ReprTest, BadChecksumAndFragmentsAreRejected) {
  auto bad = Ipv4View::parse(kBadChecksum);
  ASSERT_TRUE(bad.ok());  // the view does not check
  EXPECT_FALSE(bad->verify_checksum());
  EXPECT_EQ(recomputed(*bad), 0x7cca);
  EXPECT_EQ(Ipv4Repr::parse(*bad).error(), WireError::bad_checksum);

  std::vector<std::uint8_t> buf = bytes_of(kTimeExceeded);
  auto mf = Ipv4ViewMut::parse(buf);
  ASSERT_TRUE(mf.ok());
  mf->set_more_fragments(true);
  EXPECT_TRUE(mf->is_fragment());
  EXPECT_EQ(Ipv4Repr::parse(*mf).error(), WireError::unsupported);
  mf->set_more_fragments(false);
  mf->set_frag_offset(1480);
  EXPECT_EQ(mf->frag_offset(), 1480);
  EXPECT_FALSE(mf->more_fragments());
  EXPECT_TRUE(mf->is_fragment());
  EXPECT_EQ(Ipv4Repr::parse(*mf).error(), WireError::unsupported);
}

TEST(Ipv4ViewMutTest, RouterHopKeepsTheChecksumCorrect) {
  std::vector<std::uint8_t> buf = bytes_of(kTimeExceeded);
  auto ip = Ipv4ViewMut::parse(buf);
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(ip->decrement_ttl(), 63);
  EXPECT_EQ(ip->ttl(), 63);
  EXPECT_TRUE(ip->verify_checksum());
  EXPECT_EQ(ip->checksum(), recomputed(*ip));
  // 0x66be + 0x0100, as Linux's ip_decrease_ttl computes it.
  EXPECT_EQ(ip->checksum(), 0x67be);

  ip->set_ttl(1);
  EXPECT_EQ(ip->decrement_ttl(), 0);
  EXPECT_EQ(ip->decrement_ttl(), 0);  // a TTL of 0 is left alone
  EXPECT_TRUE(ip->verify_checksum());
}

TEST(Ipv4ViewMutTest, NatRewriteKeepsTheChecksumCorrect) {
  auto eth = EthernetView::parse(kSynAckFrame);
  std::vector<std::uint8_t> buf = bytes_of(eth->payload());
  auto ip = Ipv4ViewMut::parse(buf);
  ASSERT_TRUE(ip.ok());
  ip->set_dst(Ipv4Address::from_octets(203, 0, 113, 9));
  ip->set_src(Ipv4Address::from_octets(198, 51, 100, 200));
  EXPECT_EQ(ip->dst(), Ipv4Address::from_octets(203, 0, 113, 9));
  EXPECT_EQ(ip->src(), Ipv4Address::from_octets(198, 51, 100, 200));
  EXPECT_TRUE(ip->verify_checksum());
  EXPECT_EQ(ip->checksum(), recomputed(*ip));
}

TEST(Ipv4ViewMutTest, FillChecksumRepairs) {
  std::vector<std::uint8_t> buf = bytes_of(kBadChecksum);
  auto ip = Ipv4ViewMut::parse(buf);
  ASSERT_TRUE(ip.ok());
  ip->fill_checksum();
  EXPECT_EQ(ip->checksum(), 0x7cca);
  EXPECT_TRUE(ip->verify_checksum());
}

// Thousands of random headers (fixed seed), options included: after any sequence of setters the
// incrementally maintained checksum equals a full recomputation.
TEST(Ipv4ViewMutTest, SettersMatchRecomputationOnRandomHeaders) {
  std::mt19937 rng(1624);
  std::uniform_int_distribution<std::uint32_t> u32;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::size_t ihl = 5 + u32(rng) % 11;
    const std::size_t payload = u32(rng) % 32;
    std::vector<std::uint8_t> buf(ihl * 4 + payload);
    for (auto& b : buf) b = static_cast<std::uint8_t>(u32(rng));
    buf[0] = static_cast<std::uint8_t>(0x40 | ihl);
    store_be16(buf.data() + 2, static_cast<std::uint16_t>(buf.size()));
    auto ip = Ipv4ViewMut::parse(buf);
    ASSERT_TRUE(ip.ok());
    ip->fill_checksum();
    ASSERT_TRUE(ip->verify_checksum());
    for (int step = 0; step < 8; ++step) {
      const std::uint32_t r = u32(rng);
      switch (u32(rng) % 11) {
        case 0: ip->set_ttl(static_cast<std::uint8_t>(r)); break;
        case 1: ip->decrement_ttl(); break;
        case 2: ip->set_src(Ipv4Address(r)); break;
        case 3: ip->set_dst(Ipv4Address(r)); break;
        case 4: ip->set_tos(static_cast<std::uint8_t>(r)); break;
        case 5: ip->set_id(static_cast<std::uint16_t>(r)); break;
        case 6: ip->set_dont_fragment((r & 1) != 0); break;
        case 7: ip->set_more_fragments((r & 1) != 0); break;
        case 8: ip->set_frag_offset(static_cast<std::uint16_t>((r % 8192) * 8)); break;
        case 9: ip->set_protocol(static_cast<std::uint8_t>(r)); break;
        case 10: ip->set_dscp(static_cast<std::uint8_t>(r & 0x3f)); ip->set_ecn(static_cast<std::uint8_t>(r >> 6)); break;
      }
      ASSERT_TRUE(ip->verify_checksum()) << "iteration " << iter << " step " << step;
      ASSERT_EQ(ip->checksum(), recomputed(*ip)) << "iteration " << iter << " step " << step;
    }
  }
}

TEST(Ipv4ViewMutTest, FieldSettersRoundTrip) {
  std::vector<std::uint8_t> buf = bytes_of(kTimeExceeded);
  auto ip = Ipv4ViewMut::parse(buf);
  ASSERT_TRUE(ip.ok());
  ip->set_dscp(46);  // EF
  ip->set_ecn(2);
  EXPECT_EQ(ip->dscp(), 46);
  EXPECT_EQ(ip->ecn(), 2);
  EXPECT_EQ(ip->tos(), 0xba);
  ip->set_id(0xbeef);
  ip->set_dont_fragment(true);
  ip->set_protocol(kIpProtoUdp);
  EXPECT_EQ(ip->id(), 0xbeef);
  EXPECT_TRUE(ip->dont_fragment());
  EXPECT_EQ(ip->protocol(), kIpProtoUdp);
  ip->set_checksum(0x1234);
  EXPECT_EQ(ip->checksum(), 0x1234);
  EXPECT_FALSE(ip->verify_checksum());
  ip->fill_checksum();
  EXPECT_TRUE(ip->verify_checksum());
  // The payload is writable through the mutable view and bounded by total_len.
  EXPECT_EQ(ip->payload().size(), 40u);
  ip->payload()[0] = 0;
  EXPECT_EQ(buf[20], 0);
}

}  // namespace
}  // namespace vpcsim::wire
