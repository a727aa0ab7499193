// UDP datagrams (libnet/wire/udp.h), on captured packets.
#include "libnet/wire/udp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::wire {
namespace {

// tcpdump-dns_udp.pcap #1, the whole frame: DNS query 192.168.1.11:43966 -> 209.87.249.18:53.
constexpr std::array<std::uint8_t, 98> kDnsQueryFrame{
    0x00, 0x11, 0x22, 0x33, 0x44, 0x66, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x54, 0x59, 0xcd, 0x00, 0x00, 0x40, 0x11, 0x94, 0xae, 0xc0, 0xa8, 0x01, 0x0b, 0xd1, 0x57,
    0xf9, 0x12, 0xab, 0xbe, 0x00, 0x35, 0x00, 0x40, 0x78, 0x24, 0x59, 0x34, 0x01, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77, 0x07, 0x74, 0x63, 0x70, 0x64, 0x75,
    0x6d, 0x70, 0x03, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x42, 0xf5, 0xd0, 0x09, 0x96, 0xf9,
    0x0b, 0x13,
};
constexpr Ipv4Address kClient = Ipv4Address::from_octets(192, 168, 1, 11);
constexpr Ipv4Address kServer = Ipv4Address::from_octets(209, 87, 249, 18);

// zeek-ip4-bad-chksum.pcap, the UDP datagram 127.0.0.1:30000 -> 127.0.0.1:13000 with 4 bytes of
// data, followed by 2 bytes that are not part of it (its Length is 12). Its own checksum is correct.
constexpr std::array<std::uint8_t, 14> kLoopbackUdpPlus2{
    0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c, 0xa9, 0x2a, 0x58, 0x58, 0x58, 0x58, 0xee, 0xee,
};
constexpr Ipv4Address kLoopback = Ipv4Address::from_octets(127, 0, 0, 1);

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

std::span<const std::uint8_t> udp_of(std::span<const std::uint8_t> frame) {
  return Ipv4View::parse(EthernetView::parse(frame)->payload())->payload();
}

std::uint16_t recomputed(std::span<const std::uint8_t> dgram, Ipv4Address src, Ipv4Address dst) {
  std::vector<std::uint8_t> copy = bytes_of(dgram);
  UdpViewMut::parse(copy)->fill_checksum(src, dst);
  return load_be16(copy.data() + 6);
}

TEST(UdpViewTest, Deconstruct) {
  auto parsed = UdpView::parse(udp_of(kDnsQueryFrame));
  ASSERT_TRUE(parsed.ok());
  const UdpView& u = *parsed;
  EXPECT_EQ(u.src_port(), 43966);
  EXPECT_EQ(u.dst_port(), 53);
  EXPECT_EQ(u.len(), 64);
  EXPECT_EQ(u.checksum(), 0x7824);
  EXPECT_EQ(u.payload().size(), 56u);
  EXPECT_EQ(u.payload()[0], 0x59);  // DNS id 0x5934
  EXPECT_EQ(u.bytes().size(), 64u);
  EXPECT_TRUE(u.verify_checksum(kClient, kServer));
  // (Swapping src and dst would still verify: the sum is commutative.)
  EXPECT_FALSE(u.verify_checksum(kClient, Ipv4Address(0x01020304)));
}

TEST(UdpViewTest, LengthBoundsTheView) {
  auto u = UdpView::parse(kLoopbackUdpPlus2);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->len(), 12);
  EXPECT_EQ(u->bytes().size(), 12u);
  EXPECT_EQ(bytes_of(u->payload()), (std::vector<std::uint8_t>{0x58, 0x58, 0x58, 0x58}));
  EXPECT_TRUE(u->verify_checksum(kLoopback, kLoopback));
}

TEST(UdpViewTest, ZeroChecksumMeansNone) {
  std::vector<std::uint8_t> buf = bytes_of(udp_of(kDnsQueryFrame));
  auto u = UdpViewMut::parse(buf);
  ASSERT_TRUE(u.ok());
  u->set_checksum(0);
  EXPECT_TRUE(u->verify_checksum(kClient, kServer));
  EXPECT_TRUE(u->verify_checksum(kServer, kLoopback));
  // Setters and address updates leave an absent checksum absent.
  u->set_src_port(1024);
  u->update_checksum_for_address(kClient, kLoopback);
  EXPECT_EQ(u->checksum(), 0);
  EXPECT_TRUE(UdpRepr::parse(*u, kClient, kServer).ok());
}

TEST(UdpViewTest, MalformedDatagrams) {
  struct Case {
    const char* what;
    std::size_t size;
    std::uint16_t length_field;
    WireError error;
  };
  const Case cases[] = {
      {"7 bytes", 7, 7, WireError::truncated},
      {"empty", 0, 0, WireError::truncated},
      {"Length 7", 12, 7, WireError::bad_total_len},
      {"Length 0", 12, 0, WireError::bad_total_len},
      {"Length 13 > 12 bytes", 12, 13, WireError::bad_total_len},
      {"Length 0xffff", 12, 0xffff, WireError::bad_total_len},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> buf(kLoopbackUdpPlus2.begin(), kLoopbackUdpPlus2.begin() + static_cast<std::ptrdiff_t>(c.size));
    if (buf.size() >= 6) store_be16(buf.data() + 4, c.length_field);
    auto u = UdpView::parse(buf);
    ASSERT_FALSE(u.ok()) << c.what;
    EXPECT_EQ(u.error(), c.error) << c.what;
  }
  std::vector<std::uint8_t> header_only(8);
  store_be16(header_only.data() + 4, 8);
  ASSERT_TRUE(UdpView::parse(header_only).ok());
  EXPECT_TRUE(UdpView::parse(header_only)->payload().empty());
}

TEST(UdpViewTest, EveryTruncationIsAnErrorOrAValidView) {
  const auto dgram = udp_of(kDnsQueryFrame);
  for (std::size_t n = 0; n <= dgram.size(); ++n) {
    std::vector<std::uint8_t> cut(dgram.begin(), dgram.begin() + static_cast<std::ptrdiff_t>(n));
    auto u = UdpView::parse(cut);
    if (n < 8) {
      EXPECT_EQ(u.error(), WireError::truncated) << n;
    } else if (n < 64) {
      EXPECT_EQ(u.error(), WireError::bad_total_len) << n;
    } else {
      ASSERT_TRUE(u.ok());
      EXPECT_TRUE(u->verify_checksum(kClient, kServer));
    }
  }
}

TEST(UdpReprTest, ParseAndEmit) {
  const auto dgram = udp_of(kDnsQueryFrame);
  auto repr = UdpRepr::parse(UdpView::parse(dgram).value(), kClient, kServer);
  ASSERT_TRUE(repr.ok());
  EXPECT_EQ(*repr, (UdpRepr{43966, 53, dgram.subspan(8)}));
  EXPECT_EQ(repr->header_len(), 8u);
  EXPECT_EQ(repr->wire_len(), 64u);
  std::vector<std::uint8_t> out(64, 0xee);
  repr->emit(out, kClient, kServer);
  EXPECT_EQ(out, bytes_of(dgram));

  // Whole-stack construction: Ethernet, IPv4 and UDP reprs emit the captured frame byte for byte.
  std::vector<std::uint8_t> frame(kDnsQueryFrame.size());
  EthernetRepr{MacAddress::from_u64(0x001122334466), MacAddress::from_u64(0x001122334455), kEthertypeIpv4, {}}.emit(frame);
  Ipv4Repr{kClient, kServer, kIpProtoUdp, 64, 0, 0x59cd, false, 64}.emit(std::span(frame).subspan(14));
  repr->emit(std::span(frame).subspan(34), kClient, kServer);
  EXPECT_EQ(frame, bytes_of(kDnsQueryFrame));
}

TEST(UdpReprTest, BadChecksumIsRejected) {
  std::vector<std::uint8_t> buf = bytes_of(udp_of(kDnsQueryFrame));
  buf[20] ^= 0x40;  // a flipped bit in the DNS name, as zeek's dns-corrupt.pcap has
  auto u = UdpView::parse(buf);
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->verify_checksum(kClient, kServer));
  EXPECT_EQ(UdpRepr::parse(*u, kClient, kServer).error(), WireError::bad_checksum);
}

TEST(UdpReprTest, ComputedZeroIsSentAsAllOnes) {
  // Choose two payload bytes so that the checksum computes to 0 (RFC 768: then send 0xffff).
  std::vector<std::uint8_t> payload = {0x12, 0x34, 0x00, 0x00};
  std::vector<std::uint8_t> out(12);
  UdpRepr{1000, 2000, payload}.emit(out, kLoopback, kServer);
  store_be16(out.data() + 6, 0);
  const std::uint16_t fix = checksum_finish(checksum_add(out, pseudo_header_sum(kLoopback, kServer, kIpProtoUdp, 12)));
  store_be16(payload.data() + 2, fix);
  UdpRepr{1000, 2000, payload}.emit(out, kLoopback, kServer);
  EXPECT_EQ(load_be16(out.data() + 6), 0xffff);
  EXPECT_TRUE(UdpView::parse(out)->verify_checksum(kLoopback, kServer));
  auto v = UdpViewMut::parse(out).value();
  v.fill_checksum(kLoopback, kServer);
  EXPECT_EQ(v.checksum(), 0xffff);
}

TEST(UdpViewMutTest, IncrementalZeroBecomesAllOnes) {
  std::vector<std::uint8_t> buf = bytes_of(udp_of(kDnsQueryFrame));
  auto u = UdpViewMut::parse(buf).value();
  // The source port that makes the updated checksum compute to 0.
  const std::uint16_t c = u.checksum();
  const std::uint16_t p = u.src_port();
  const auto zeroing_port = static_cast<std::uint16_t>(
      ~checksum_fold(std::uint32_t{static_cast<std::uint16_t>(~c)} + std::uint32_t{static_cast<std::uint16_t>(~p)}));
  u.set_src_port(zeroing_port);
  EXPECT_EQ(u.checksum(), 0xffff);
  EXPECT_TRUE(u.verify_checksum(kClient, kServer));
  EXPECT_EQ(recomputed(u.bytes(), kClient, kServer), 0xffff);
}

TEST(UdpViewTest, ParseQuotedAcceptsADatagramCutShort) {
  const auto udp = udp_of(kDnsQueryFrame);
  // An ICMP error quotes the 8-byte header and maybe a little more.
  const auto quoted = UdpView::parse_quoted(udp.first(12));
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->src_port(), 43966);
  EXPECT_EQ(quoted->dst_port(), 53);
  EXPECT_EQ(quoted->len(), udp.size());
  EXPECT_EQ(quoted->payload().size(), 4u);
  EXPECT_FALSE(UdpView::parse(udp.first(12)).ok());
  EXPECT_EQ(UdpView::parse_quoted(udp.first(7)).error(), WireError::truncated);
  // A whole datagram with trailing bytes: the view stops at Length, as parse's does.
  std::vector<std::uint8_t> padded = bytes_of(udp);
  padded.resize(padded.size() + 6, 0xee);
  EXPECT_EQ(UdpView::parse_quoted(std::span<const std::uint8_t>(padded))->bytes().size(), udp.size());
  std::vector<std::uint8_t> bad = bytes_of(udp.first(8));
  store_be16(bad.data() + 4, 7);
  EXPECT_EQ(UdpView::parse_quoted(std::span<const std::uint8_t>(bad)).error(), WireError::bad_total_len);
}

// A NAT rewriting a quoted datagram's port patches its checksum as if the whole datagram were there.
TEST(UdpViewMutTest, QuotedRewriteKeepsTheWholeDatagramsChecksum) {
  std::vector<std::uint8_t> whole = bytes_of(udp_of(kDnsQueryFrame));
  std::vector<std::uint8_t> quote(whole.begin(), whole.begin() + 8);
  UdpViewMut::parse_quoted(quote)->set_dst_port(5353);
  UdpViewMut::parse(whole)->set_dst_port(5353);
  EXPECT_EQ(UdpView::parse_quoted(std::span<const std::uint8_t>(quote))->checksum(),
            UdpView::parse(std::span<const std::uint8_t>(whole))->checksum());
  EXPECT_TRUE(UdpView::parse(std::span<const std::uint8_t>(whole))->verify_checksum(kClient, kServer));
}

TEST(UdpViewMutTest, NatRewriteKeepsBothChecksumsCorrect) {
  std::vector<std::uint8_t> frame = bytes_of(kDnsQueryFrame);
  auto ip = Ipv4ViewMut::parse(EthernetViewMut::parse(frame)->payload()).value();
  auto udp = UdpViewMut::parse(ip.payload()).value();
  const Ipv4Address public_ip = Ipv4Address::from_octets(203, 0, 113, 5);
  // SNAT 192.168.1.11:43966 -> 203.0.113.5:61000, then one router hop.
  const Ipv4Address old_src = ip.src();
  ip.set_src(public_ip);
  udp.update_checksum_for_address(old_src, public_ip);
  udp.set_src_port(61000);
  ip.decrement_ttl();
  EXPECT_TRUE(ip.verify_checksum());
  EXPECT_TRUE(udp.verify_checksum(public_ip, kServer));
  EXPECT_EQ(udp.checksum(), recomputed(udp.bytes(), public_ip, kServer));
  EXPECT_EQ(UdpRepr::parse(udp, public_ip, kServer)->src_port, 61000);
}

TEST(UdpViewMutTest, SettersMatchRecomputationOnRandomDatagrams) {
  std::mt19937 rng(768);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<std::uint8_t> buf(8 + rng() % 64);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    store_be16(buf.data() + 4, static_cast<std::uint16_t>(buf.size()));
    Ipv4Address src(static_cast<std::uint32_t>(rng()));  // mt19937 draws 32 bits into a uint_fast32_t
    const Ipv4Address dst(static_cast<std::uint32_t>(rng()));
    auto u = UdpViewMut::parse(buf).value();
    u.fill_checksum(src, dst);
    for (int step = 0; step < 6; ++step) {
      const auto r = static_cast<std::uint32_t>(rng());
      switch (rng() % 3) {
        case 0: u.set_src_port(static_cast<std::uint16_t>(r)); break;
        case 1: u.set_dst_port(static_cast<std::uint16_t>(r)); break;
        case 2:
          u.update_checksum_for_address(src, Ipv4Address(r));
          src = Ipv4Address(r);
          break;
      }
      ASSERT_TRUE(u.verify_checksum(src, dst)) << iter;
      ASSERT_EQ(u.checksum(), recomputed(u.bytes(), src, dst)) << iter;
    }
  }
}

}  // namespace
}  // namespace vpcsim::wire
