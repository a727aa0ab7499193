// TCP segments (libnet/wire/tcp.h), on captured packets.
#include "libnet/wire/tcp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"

namespace vpcsim::wire {
namespace {

// tcpdump-whois.pcap #1, the TCP segment: SYN 10.0.2.15:44188 -> 192.0.47.59:43 with MSS 1460,
// SACK permitted, timestamps, NOP, window scale 6. The guest's NIC offloaded the checksum, so the
// captured 0xfb78 is wrong (the correct value is 0xcc94), as in many captures of outgoing traffic.
constexpr std::array<std::uint8_t, 40> kSyn{
    0xac, 0x9c, 0x00, 0x2b, 0x85, 0x7b, 0x59, 0x02, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
    0x72, 0x10, 0xfb, 0x78, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0xaf, 0x6a, 0xd3, 0x61, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x06,
};

// tcpdump-whois.pcap #2, the whole frame: SYN-ACK 192.0.47.59:43 -> 10.0.2.15:44188, MSS 1460,
// then 2 bytes of Ethernet padding. Checksum correct.
constexpr std::array<std::uint8_t, 60> kSynAckFrame{
    0x08, 0x00, 0x27, 0x3e, 0xac, 0x31, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x2c, 0x48, 0x5d, 0x00, 0x00, 0x40, 0x06, 0x37, 0x25, 0xc0, 0x00, 0x2f, 0x3b, 0x0a, 0x00,
    0x02, 0x0f, 0x00, 0x2b, 0xac, 0x9c, 0x00, 0x97, 0x5e, 0x01, 0x85, 0x7b, 0x59, 0x03, 0x60, 0x12,
    0xff, 0xff, 0xb2, 0xed, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00, 0x00,
};

// tcpdump-whois.pcap #4, the whole frame: the query "example.com\r\n" with PSH|ACK (offloaded
// checksum 0xfb71; correct 0xe187).
constexpr std::array<std::uint8_t, 67> kQueryFrame{
    0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, 0x27, 0x3e, 0xac, 0x31, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x35, 0x7e, 0x8b, 0x40, 0x00, 0x40, 0x06, 0xc0, 0xed, 0x0a, 0x00, 0x02, 0x0f, 0xc0, 0x00,
    0x2f, 0x3b, 0xac, 0x9c, 0x00, 0x2b, 0x85, 0x7b, 0x59, 0x03, 0x00, 0x97, 0x5e, 0x02, 0x50, 0x18,
    0x72, 0x10, 0xfb, 0x71, 0x00, 0x00, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63, 0x6f,
    0x6d, 0x0d, 0x0a,
};

// tcpdump-whois.pcap #8, the whole frame: the server's FIN|ACK, padded to 60 bytes.
constexpr std::array<std::uint8_t, 60> kFinAckFrame{
    0x08, 0x00, 0x27, 0x3e, 0xac, 0x31, 0x52, 0x54, 0x00, 0x12, 0x35, 0x02, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x28, 0x48, 0x60, 0x00, 0x00, 0x40, 0x06, 0x37, 0x26, 0xc0, 0x00, 0x2f, 0x3b, 0x0a, 0x00,
    0x02, 0x0f, 0x00, 0x2b, 0xac, 0x9c, 0x00, 0x97, 0x5e, 0xeb, 0x85, 0x7b, 0x59, 0x10, 0x50, 0x11,
    0xff, 0xff, 0xc9, 0xb3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

constexpr Ipv4Address kClient = Ipv4Address::from_octets(10, 0, 2, 15);
constexpr Ipv4Address kServer = Ipv4Address::from_octets(192, 0, 47, 59);

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

std::span<const std::uint8_t> tcp_of(std::span<const std::uint8_t> frame) {
  return Ipv4View::parse(EthernetView::parse(frame)->payload())->payload();
}

std::uint16_t recomputed(std::span<const std::uint8_t> seg, Ipv4Address src, Ipv4Address dst) {
  std::vector<std::uint8_t> copy = bytes_of(seg);
  TcpViewMut::parse(copy)->fill_checksum(src, dst);
  return load_be16(copy.data() + 16);
}

TEST(TcpViewTest, DeconstructSynAck) {
  const auto seg = tcp_of(kSynAckFrame);
  ASSERT_EQ(seg.size(), 24u);  // the IPv4 total length leaves the padding out
  auto parsed = TcpView::parse(seg);
  ASSERT_TRUE(parsed.ok());
  const TcpView& t = *parsed;
  EXPECT_EQ(t.src_port(), 43);
  EXPECT_EQ(t.dst_port(), 44188);
  EXPECT_EQ(t.seq(), 0x00975e01u);
  EXPECT_EQ(t.ack(), 0x857b5903u);
  EXPECT_EQ(t.header_len(), 24u);
  EXPECT_EQ(t.flags(), kTcpSyn | kTcpAck);
  EXPECT_TRUE(t.has_flag(kTcpSyn));
  EXPECT_TRUE(t.has_flag(kTcpAck));
  EXPECT_TRUE(t.has_flag(kTcpSyn | kTcpAck));
  EXPECT_FALSE(t.has_flag(kTcpFin));
  EXPECT_FALSE(t.has_flag(kTcpSyn | kTcpFin));
  EXPECT_EQ(t.window(), 65535);
  EXPECT_EQ(t.checksum(), 0xb2ed);
  EXPECT_EQ(t.urgent_ptr(), 0);
  EXPECT_EQ(bytes_of(t.options()), (std::vector<std::uint8_t>{0x02, 0x04, 0x05, 0xb4}));
  EXPECT_EQ(t.mss(), 1460);
  EXPECT_TRUE(t.payload().empty());
  EXPECT_TRUE(t.verify_checksum(kServer, kClient));
}

TEST(TcpViewTest, DeconstructSynWithLinuxOptions) {
  auto t = TcpView::parse(kSyn);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header_len(), 40u);
  EXPECT_EQ(t->flags(), kTcpSyn);
  EXPECT_EQ(t->seq(), 0x857b5902u);
  EXPECT_EQ(t->window(), 29200);
  EXPECT_EQ(t->options().size(), 20u);
  EXPECT_EQ(t->mss(), 1460);  // found after walking no other option: it is first
  EXPECT_FALSE(t->verify_checksum(kClient, kServer));  // offloaded
  EXPECT_EQ(recomputed(kSyn, kClient, kServer), 0xcc94);
}

TEST(TcpViewTest, DeconstructDataAndFin) {
  auto q = TcpView::parse(tcp_of(kQueryFrame));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->flags(), kTcpPsh | kTcpAck);
  EXPECT_EQ(q->header_len(), 20u);
  EXPECT_TRUE(q->options().empty());
  EXPECT_EQ(q->mss(), std::nullopt);
  const auto payload = q->payload();
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), "example.com\r\n");
  EXPECT_EQ(recomputed(q->bytes(), kClient, kServer), 0xe187);

  auto f = TcpView::parse(tcp_of(kFinAckFrame));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->flags(), kTcpFin | kTcpAck);
  EXPECT_TRUE(f->payload().empty());
  EXPECT_TRUE(f->verify_checksum(kServer, kClient));
}

TEST(TcpViewMutTest, FillChecksumRepairsAnOffloadedChecksum) {
  std::vector<std::uint8_t> frame = bytes_of(kQueryFrame);
  auto ip = Ipv4ViewMut::parse(EthernetViewMut::parse(frame)->payload()).value();
  auto t = TcpViewMut::parse(ip.payload()).value();
  t.fill_checksum(ip.src(), ip.dst());
  EXPECT_EQ(t.checksum(), 0xe187);
  EXPECT_TRUE(t.verify_checksum(ip.src(), ip.dst()));
}

TEST(TcpReprTest, ParseAndEmit) {
  const auto seg = tcp_of(kSynAckFrame);
  auto repr = TcpRepr::parse(TcpView::parse(seg).value(), kServer, kClient);
  ASSERT_TRUE(repr.ok());
  const std::array<std::uint8_t, 4> mss{0x02, 0x04, 0x05, 0xb4};
  EXPECT_EQ(*repr, (TcpRepr{43, 44188, 0x00975e01, 0x857b5903, kTcpSyn | kTcpAck, 65535, 0, mss, {}}));
  EXPECT_EQ(repr->header_len(), 24u);
  EXPECT_EQ(repr->wire_len(), 24u);
  std::vector<std::uint8_t> out(24, 0xee);
  repr->emit(out, kServer, kClient);
  EXPECT_EQ(out, bytes_of(seg));

  // Whole-stack: the captured frame, padding aside, from three reprs.
  std::vector<std::uint8_t> frame(58);
  EthernetRepr{MacAddress::from_u64(0x0800273eac31), MacAddress::from_u64(0x525400123502), kEthertypeIpv4, {}}.emit(frame);
  Ipv4Repr{kServer, kClient, kIpProtoTcp, 64, 0, 0x485d, false, 24}.emit(std::span(frame).subspan(14));
  repr->emit(std::span(frame).subspan(34), kServer, kClient);
  EXPECT_EQ(frame, bytes_of(std::span(kSynAckFrame).first(58)));
}

TEST(TcpReprTest, EmitWithPayloadAndCorrectedChecksum) {
  const auto seg = tcp_of(kQueryFrame);
  const auto view = TcpView::parse(seg).value();
  EXPECT_EQ(TcpRepr::parse(view, kClient, kServer).error(), WireError::bad_checksum);
  const TcpRepr repr{44188, 43, 0x857b5903, 0x00975e02, kTcpPsh | kTcpAck, 29200, 0, {}, view.payload()};
  std::vector<std::uint8_t> out(repr.wire_len());
  repr.emit(out, kClient, kServer);
  std::vector<std::uint8_t> expected = bytes_of(seg);
  store_be16(expected.data() + 16, 0xe187);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(TcpRepr::parse(TcpView::parse(out).value(), kClient, kServer).value(), repr);
}

TEST(TcpReprTest, OptionsArePaddedToFourBytes) {
  const std::array<std::uint8_t, 3> wscale{0x03, 0x03, 0x07};
  const TcpRepr repr{.src_port = 1, .dst_port = 2, .seq = 3, .flags = kTcpSyn, .window = 1024, .options = wscale};
  EXPECT_EQ(repr.header_len(), 24u);
  std::vector<std::uint8_t> out(24, 0xee);
  repr.emit(out, kClient, kServer);
  EXPECT_EQ(out[12], 0x60);  // data offset 6
  EXPECT_EQ(bytes_of(std::span(out).subspan(20)), (std::vector<std::uint8_t>{0x03, 0x03, 0x07, 0x00}));
  auto v = TcpView::parse(out);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->verify_checksum(kClient, kServer));
  EXPECT_EQ(v->mss(), std::nullopt);
}

TEST(TcpViewTest, MssOptionWalk) {
  using V = std::vector<std::uint8_t>;
  EXPECT_EQ(tcp_mss_option(V{}), std::nullopt);
  EXPECT_EQ(tcp_mss_option(V{1, 1, 2, 4, 0x05, 0xb4}), 1460);
  EXPECT_EQ(tcp_mss_option(V{4, 2, 2, 4, 0x02, 0x18}), 536);             // after SACK-permitted
  EXPECT_EQ(tcp_mss_option(V{0, 0, 2, 4, 0x05, 0xb4}), std::nullopt);    // after End of Option List
  EXPECT_EQ(tcp_mss_option(V{2, 4, 0x05}), std::nullopt);                // runs past the end
  EXPECT_EQ(tcp_mss_option(V{2, 3, 0x05, 0}), std::nullopt);             // wrong length
  EXPECT_EQ(tcp_mss_option(V{8, 0, 2, 4, 0x05, 0xb4}), std::nullopt);    // length 0 would loop
  EXPECT_EQ(tcp_mss_option(V{8, 1, 2, 4, 0x05, 0xb4}), std::nullopt);    // length 1 is malformed
  EXPECT_EQ(tcp_mss_option(V{8, 40}), std::nullopt);                     // longer than the list
  EXPECT_EQ(tcp_mss_option(V{1}), std::nullopt);
  EXPECT_EQ(tcp_mss_option(V{8}), std::nullopt);                         // kind without a length
}

TEST(TcpViewTest, MalformedSegments) {
  struct Case {
    const char* what;
    std::size_t size;
    std::uint8_t offset_byte;
    WireError error;
  };
  const Case cases[] = {
      {"19 bytes", 19, 0x50, WireError::truncated},
      {"empty", 0, 0, WireError::truncated},
      {"data offset 4", 40, 0x40, WireError::bad_header_len},
      {"data offset 0", 40, 0x00, WireError::bad_header_len},
      {"data offset 11 in 40 bytes", 40, 0xb0, WireError::truncated},
      {"data offset 15 in 40 bytes", 40, 0xf0, WireError::truncated},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> buf(kSyn.begin(), kSyn.begin() + static_cast<std::ptrdiff_t>(c.size));
    if (buf.size() > 12) buf[12] = c.offset_byte;
    auto t = TcpView::parse(buf);
    ASSERT_FALSE(t.ok()) << c.what;
    EXPECT_EQ(t.error(), c.error) << c.what;
  }
}

TEST(TcpViewTest, EveryTruncationIsAnErrorOrAValidView) {
  for (std::span<const std::uint8_t> seg : {std::span<const std::uint8_t>(kSyn), tcp_of(kQueryFrame)}) {
    for (std::size_t n = 0; n <= seg.size(); ++n) {
      std::vector<std::uint8_t> cut(seg.begin(), seg.begin() + static_cast<std::ptrdiff_t>(n));
      auto t = TcpView::parse(cut);
      const std::size_t hlen = (std::size_t{seg[12]} >> 4) * 4;
      if (n < hlen) {
        ASSERT_FALSE(t.ok()) << n;
        EXPECT_EQ(t.error(), WireError::truncated) << n;
      } else {
        ASSERT_TRUE(t.ok()) << n;
        EXPECT_EQ(t->payload().size(), n - hlen);
        (void)t->mss();
        (void)t->verify_checksum(kClient, kServer);
      }
    }
  }
}

TEST(TcpViewMutTest, NatRewriteKeepsBothChecksumsCorrect) {
  std::vector<std::uint8_t> frame = bytes_of(kSynAckFrame);
  auto ip = Ipv4ViewMut::parse(EthernetViewMut::parse(frame)->payload()).value();
  auto tcp = TcpViewMut::parse(ip.payload()).value();
  // DNAT on the way back in: 192.0.47.59:43 -> 10.0.2.15:44188 becomes -> 172.16.0.9:5555.
  const Ipv4Address inside = Ipv4Address::from_octets(172, 16, 0, 9);
  const Ipv4Address old_dst = ip.dst();
  ip.set_dst(inside);
  tcp.update_checksum_for_address(old_dst, inside);
  tcp.set_dst_port(5555);
  EXPECT_TRUE(ip.verify_checksum());
  EXPECT_TRUE(tcp.verify_checksum(kServer, inside));
  EXPECT_EQ(tcp.checksum(), recomputed(tcp.bytes(), kServer, inside));
}

TEST(TcpViewMutTest, SettersMatchRecomputationOnRandomSegments) {
  std::mt19937 rng(9293);  // 32-bit draws in a uint_fast32_t, hence the casts
  for (int iter = 0; iter < 2000; ++iter) {
    const std::size_t hlen = 20 + 4 * (rng() % 11);
    std::vector<std::uint8_t> buf(hlen + rng() % 64);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    buf[12] = static_cast<std::uint8_t>((hlen / 4) << 4 | (buf[12] & 0x0f));
    Ipv4Address src(static_cast<std::uint32_t>(rng()));
    const Ipv4Address dst(static_cast<std::uint32_t>(rng()));
    auto t = TcpViewMut::parse(buf).value();
    t.fill_checksum(src, dst);
    for (int step = 0; step < 8; ++step) {
      const auto r = static_cast<std::uint32_t>(rng());
      switch (rng() % 8) {
        case 0: t.set_src_port(static_cast<std::uint16_t>(r)); break;
        case 1: t.set_dst_port(static_cast<std::uint16_t>(r)); break;
        case 2: t.set_seq(r); break;
        case 3: t.set_ack(r); break;
        case 4: t.set_flags(static_cast<std::uint8_t>(r)); break;
        case 5: t.set_window(static_cast<std::uint16_t>(r)); break;
        case 6: t.set_urgent_ptr(static_cast<std::uint16_t>(r)); break;
        case 7:
          t.update_checksum_for_address(src, Ipv4Address(r));
          src = Ipv4Address(r);
          break;
      }
      ASSERT_EQ(t.header_len(), hlen);  // set_flags leaves the data offset alone
      ASSERT_TRUE(t.verify_checksum(src, dst)) << iter;
      ASSERT_EQ(t.checksum(), recomputed(t.bytes(), src, dst)) << iter;
    }
  }
}

}  // namespace
}  // namespace vpcsim::wire
