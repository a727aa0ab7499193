// ICMP echo and errors (libnet/wire/icmp.h), on captured packets.
#include "libnet/wire/icmp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/udp.h"

namespace vpcsim::wire {
namespace {

// zeek-icmp_dot1q.pcap #8: echo request id 1 seq 1, 192.168.123.2 -> .1, inside VLAN 123.
constexpr std::array<std::uint8_t, 118> kEchoRequestFrame{
    0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x00, 0x18, 0x73, 0xde, 0x57, 0xc1, 0x81, 0x00, 0x00, 0x7b,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x64, 0x00, 0x06, 0x00, 0x00, 0xff, 0x01, 0x44, 0x3e, 0xc0, 0xa8,
    0x7b, 0x02, 0xc0, 0xa8, 0x7b, 0x01, 0x08, 0x00, 0x8c, 0xc4, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0xf1, 0x77, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
};

// zeek-icmp_dot1q.pcap #9: its echo reply, 192.168.123.1 -> .2.
constexpr std::array<std::uint8_t, 118> kEchoReplyFrame{
    0x00, 0x18, 0x73, 0xde, 0x57, 0xc1, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x81, 0x00, 0x00, 0x7b,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x64, 0x00, 0x06, 0x00, 0x00, 0xff, 0x01, 0x44, 0x3e, 0xc0, 0xa8,
    0x7b, 0x01, 0xc0, 0xa8, 0x7b, 0x02, 0x00, 0x00, 0x94, 0xc4, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0xf1, 0x77, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
};

// zeek-icmp-timeexceeded.pcap: the ICMP message, TTL exceeded in transit, quoting a whole 32-byte
// IPv4/UDP datagram 10.0.0.2:30000 -> 10.0.0.1:13000.
constexpr std::array<std::uint8_t, 40> kTimeExceeded{
    0x0b, 0x00, 0x09, 0x20, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x01,
    0x00, 0x00, 0x40, 0x11, 0x66, 0xca, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01,
    0x75, 0x30, 0x32, 0xc8, 0x00, 0x0c, 0x93, 0x2a, 0x58, 0x58, 0x58, 0x58,
};

// zeek-icmp-destunreach-udp.pcap: port unreachable 192.168.1.102 -> 192.168.1.1, quoting a DNS
// response whose IPv4 total length (163) is longer than the 148 bytes quoted. The outer datagram is
// 176 bytes: the frame's last 4 bytes are not part of it (they look like a captured FCS).
constexpr std::array<std::uint8_t, 194> kPortUnreachableFrame{
    0x00, 0x19, 0xe3, 0xe7, 0x5d, 0x23, 0x00, 0x0b, 0xdb, 0x63, 0x58, 0xa6, 0x08, 0x00, 0x45, 0x00,
    0x00, 0xb0, 0x28, 0x1e, 0x00, 0x00, 0x80, 0x01, 0x8e, 0x77, 0xc0, 0xa8, 0x01, 0x66, 0xc0, 0xa8,
    0x01, 0x01, 0x03, 0x03, 0x03, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0xa3, 0x37, 0x11,
    0x00, 0x00, 0x40, 0x11, 0xbf, 0x81, 0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x66, 0x00, 0x35,
    0xe7, 0x47, 0x00, 0x8f, 0x76, 0xd2, 0x98, 0xa4, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x04,
    0x00, 0x00, 0x06, 0x73, 0x65, 0x63, 0x75, 0x72, 0x65, 0x03, 0x65, 0x64, 0x34, 0x03, 0x6e, 0x65,
    0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
    0x00, 0x04, 0xd0, 0x5e, 0x14, 0x0e, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
    0x00, 0x0f, 0x05, 0x64, 0x6e, 0x73, 0x30, 0x32, 0x06, 0x65, 0x78, 0x6f, 0x64, 0x75, 0x73, 0xc0,
    0x17, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x05, 0x64, 0x6e,
    0x73, 0x30, 0x31, 0xc0, 0x42, 0xc0, 0x13, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00,
    0x08, 0x05, 0x64, 0x6e, 0x73, 0x30, 0x34, 0xc0, 0x42, 0xc0, 0x13, 0x00, 0x02, 0x00, 0xc9, 0x14,
    0x6f, 0x2d,
};

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

// The ICMP message of a frame: Ethernet (tagged or not), then IPv4.
std::span<const std::uint8_t> icmp_of(std::span<const std::uint8_t> frame) {
  auto eth = EthernetView::parse(frame).value();
  return Ipv4View::parse(eth.payload()).value().payload();
}

TEST(IcmpViewTest, DeconstructEcho) {
  auto req = IcmpView::parse(icmp_of(kEchoRequestFrame));
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->type(), kIcmpEchoRequest);
  EXPECT_EQ(req->code(), 0);
  EXPECT_EQ(req->checksum(), 0x8cc4);
  EXPECT_EQ(req->echo_id(), 1);
  EXPECT_EQ(req->echo_seq(), 1);
  EXPECT_EQ(req->rest_of_header(), 0x00010001u);
  EXPECT_FALSE(req->is_error());
  EXPECT_EQ(req->data().size(), 72u);
  EXPECT_EQ(req->bytes().size(), 80u);
  EXPECT_TRUE(req->verify_checksum());

  auto rep = IcmpView::parse(icmp_of(kEchoReplyFrame));
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->type(), kIcmpEchoReply);
  EXPECT_EQ(rep->echo_id(), 1);
  EXPECT_EQ(rep->echo_seq(), 1);
  EXPECT_TRUE(std::ranges::equal(rep->data(), req->data()));
  EXPECT_TRUE(rep->verify_checksum());
}

TEST(IcmpViewTest, DeconstructTimeExceeded) {
  auto icmp = IcmpView::parse(kTimeExceeded);
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), kIcmpTimeExceeded);
  EXPECT_EQ(icmp->code(), kIcmpCodeTtlExceeded);
  EXPECT_TRUE(icmp->is_error());
  EXPECT_TRUE(icmp->verify_checksum());
  EXPECT_EQ(icmp->rest_of_header(), 0u);
  auto inner = Ipv4View::parse(icmp->invoking_packet());
  ASSERT_TRUE(inner.ok());  // quoted whole here
  EXPECT_EQ(inner->src(), Ipv4Address::from_octets(10, 0, 0, 2));
  EXPECT_EQ(inner->dst(), Ipv4Address::from_octets(10, 0, 0, 1));
  EXPECT_EQ(inner->protocol(), kIpProtoUdp);
  auto udp = UdpView::parse(inner->payload());
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->src_port(), 30000);
  EXPECT_EQ(udp->dst_port(), 13000);
}

TEST(IcmpViewTest, DeconstructPortUnreachableQuotingAShortenedDatagram) {
  auto icmp = IcmpView::parse(icmp_of(kPortUnreachableFrame));
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->type(), kIcmpDestUnreachable);
  EXPECT_EQ(icmp->code(), kIcmpCodePortUnreachable);
  EXPECT_TRUE(icmp->verify_checksum());
  EXPECT_EQ(icmp->invoking_packet().size(), 148u);
  // The quoted datagram claims 163 bytes: a plain parse refuses, parse_quoted takes what is there.
  EXPECT_EQ(Ipv4View::parse(icmp->invoking_packet()).error(), WireError::bad_total_len);
  auto inner = Ipv4View::parse_quoted(icmp->invoking_packet());
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->total_len(), 163);
  EXPECT_EQ(inner->payload().size(), 128u);
  EXPECT_EQ(inner->src(), Ipv4Address::from_octets(192, 168, 1, 1));
  EXPECT_EQ(inner->dst(), Ipv4Address::from_octets(192, 168, 1, 102));
  EXPECT_TRUE(inner->verify_checksum());
  // The quoted UDP header names the flow (53 -> 59207) even though its datagram is cut short.
  EXPECT_EQ(load_be16(inner->payload().data()), 53);
  EXPECT_EQ(load_be16(inner->payload().data() + 2), 59207);
  EXPECT_EQ(UdpView::parse(inner->payload()).error(), WireError::bad_total_len);
}

TEST(IcmpReprTest, ParseAndEmitEcho) {
  const auto msg = icmp_of(kEchoRequestFrame);
  auto repr = IcmpRepr::parse(IcmpView::parse(msg).value());
  ASSERT_TRUE(repr.ok());
  EXPECT_EQ(*repr, IcmpRepr::echo_request(1, 1, msg.subspan(8)));
  EXPECT_EQ(repr->header_len(), 8u);
  EXPECT_EQ(repr->wire_len(), 80u);
  std::vector<std::uint8_t> out(80, 0xee);
  repr->emit(out);
  EXPECT_EQ(out, bytes_of(msg));
}

TEST(IcmpReprTest, ReplyToARequestMatchesTheCapturedReply) {
  auto req = IcmpView::parse(icmp_of(kEchoRequestFrame)).value();
  const IcmpRepr reply = IcmpRepr::echo_reply(req.echo_id(), req.echo_seq(), req.data());
  std::vector<std::uint8_t> out(reply.wire_len());
  reply.emit(out);
  EXPECT_EQ(out, bytes_of(icmp_of(kEchoReplyFrame)));

  // In place, as a host answering a ping does: the data is already where emit would copy it.
  std::vector<std::uint8_t> buf = bytes_of(icmp_of(kEchoRequestFrame));
  auto view = IcmpView::parse(buf).value();
  IcmpRepr::echo_reply(view.echo_id(), view.echo_seq(), view.data()).emit(buf);
  EXPECT_EQ(buf, bytes_of(icmp_of(kEchoReplyFrame)));
}

TEST(IcmpReprTest, ParseAndEmitErrors) {
  auto te = IcmpRepr::parse(IcmpView::parse(kTimeExceeded).value());
  ASSERT_TRUE(te.ok());
  EXPECT_EQ(*te, IcmpRepr::time_exceeded(kIcmpCodeTtlExceeded, std::span(kTimeExceeded).subspan(8)));
  std::vector<std::uint8_t> out(te->wire_len());
  te->emit(out);
  EXPECT_EQ(out, bytes_of(kTimeExceeded));

  const auto msg = icmp_of(kPortUnreachableFrame);
  auto du = IcmpRepr::parse(IcmpView::parse(msg).value());
  ASSERT_TRUE(du.ok());
  EXPECT_EQ(*du, IcmpRepr::dest_unreachable(kIcmpCodePortUnreachable, msg.subspan(8)));
  std::vector<std::uint8_t> out2(du->wire_len());
  du->emit(out2);
  EXPECT_EQ(out2, bytes_of(msg));
}

TEST(IcmpReprTest, FragmentationNeededCarriesTheNextHopMtu) {
  const std::span<const std::uint8_t> quoted = std::span(kTimeExceeded).subspan(8, 28);
  const IcmpRepr repr = IcmpRepr::dest_unreachable(kIcmpCodeFragNeeded, quoted, 1400);
  std::vector<std::uint8_t> out(repr.wire_len());
  repr.emit(out);
  EXPECT_EQ(bytes_of(std::span(out).first(8)),
            (std::vector<std::uint8_t>{3, 4, out[2], out[3], 0x00, 0x00, 0x05, 0x78}));
  auto view = IcmpView::parse(out);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->verify_checksum());
  EXPECT_EQ(view->next_hop_mtu(), 1400);
  EXPECT_EQ(IcmpRepr::parse(*view).value(), repr);
  // The MTU is only meaningful (and only emitted) for code 4.
  const IcmpRepr admin = IcmpRepr::dest_unreachable(kIcmpCodeAdminProhibited, quoted, 1400);
  admin.emit(out);
  EXPECT_EQ(IcmpView::parse(out)->rest_of_header(), 0u);
  EXPECT_EQ(IcmpView::parse(out)->code(), 13);
}

TEST(IcmpReprTest, BadChecksumAndUnsupportedTypes) {
  std::vector<std::uint8_t> buf = bytes_of(kTimeExceeded);
  buf[3] ^= 1;
  EXPECT_EQ(IcmpRepr::parse(IcmpView::parse(buf).value()).error(), WireError::bad_checksum);

  // Timestamp request (type 13) and parameter problem (12) parse as views but have no repr.
  for (std::uint8_t type : {std::uint8_t{13}, kIcmpParameterProblem, kIcmpRedirect}) {
    std::vector<std::uint8_t> b = bytes_of(kTimeExceeded);
    auto v = IcmpViewMut::parse(b).value();
    v.set_type(type);
    EXPECT_TRUE(v.verify_checksum());
    EXPECT_EQ(IcmpRepr::parse(v).error(), WireError::unsupported) << int{type};
  }
  EXPECT_TRUE(is_icmp_error(kIcmpParameterProblem));
  EXPECT_FALSE(is_icmp_error(kIcmpEchoReply));
}

TEST(IcmpViewMutTest, SettersKeepTheChecksumCorrect) {
  std::vector<std::uint8_t> buf = bytes_of(icmp_of(kEchoRequestFrame));
  auto v = IcmpViewMut::parse(buf);
  ASSERT_TRUE(v.ok());
  std::mt19937 rng(792);  // 32-bit draws in a uint_fast32_t, hence the casts
  for (int i = 0; i < 2000; ++i) {
    const auto r = static_cast<std::uint32_t>(rng());
    switch (rng() % 6) {
      case 0: v->set_echo_id(static_cast<std::uint16_t>(r)); break;
      case 1: v->set_echo_seq(static_cast<std::uint16_t>(r)); break;
      case 2: v->set_type(static_cast<std::uint8_t>(r)); break;
      case 3: v->set_code(static_cast<std::uint8_t>(r)); break;
      case 4: v->set_rest_of_header(r); break;
      case 5: v->set_next_hop_mtu(static_cast<std::uint16_t>(r)); break;
    }
    ASSERT_TRUE(v->verify_checksum()) << i;
    std::vector<std::uint8_t> copy = buf;
    auto c = IcmpViewMut::parse(copy).value();
    c.fill_checksum();
    ASSERT_EQ(c.checksum(), v->checksum()) << i;
  }
  v->data()[0] ^= 0xff;  // writes through data() are not tracked ...
  EXPECT_FALSE(v->verify_checksum());
  v->fill_checksum();  // ... until fill_checksum
  EXPECT_TRUE(v->verify_checksum());
  v->set_checksum(0);
  EXPECT_EQ(v->checksum(), 0);
}

// Issue 20's fuzz finding: an echo reply with id 0, seq 0 and no data sums to zero, so its only
// correct checksum is 0xffff; setters must keep it (eqn. 3 alone turned it into 0x0000).
TEST(IcmpViewMutTest, AllZeroEchoKeepsItsChecksumThroughSetters) {
  std::array<std::uint8_t, 8> msg{0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00};  // the fuzzer's input
  auto v = IcmpViewMut::parse(msg).value();
  ASSERT_TRUE(v.verify_checksum());
  v.set_echo_id(0);  // now all zero but the checksum
  EXPECT_EQ(v.checksum(), 0xffff);
  EXPECT_TRUE(v.verify_checksum());
  v.set_echo_seq(0);  // no-op updates
  v.set_code(0);
  v.set_echo_id(0);
  EXPECT_EQ(v.checksum(), 0xffff);
  EXPECT_TRUE(v.verify_checksum());
  v.set_echo_seq(1);
  EXPECT_TRUE(v.verify_checksum());
  v.set_echo_seq(0);
  EXPECT_EQ(v.checksum(), 0xffff);
  // The emitted form agrees.
  std::array<std::uint8_t, 8> emitted{};
  IcmpRepr::echo_reply(0, 0, {}).emit(emitted);
  EXPECT_EQ(emitted, msg);
}

TEST(IcmpViewTest, EveryTruncationIsAnErrorOrAValidView) {
  const auto msg = icmp_of(kPortUnreachableFrame);
  for (std::size_t n = 0; n <= msg.size(); ++n) {
    std::vector<std::uint8_t> cut(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
    auto v = IcmpView::parse(cut);
    if (n < 8) {
      ASSERT_FALSE(v.ok());
      EXPECT_EQ(v.error(), WireError::truncated);
      continue;
    }
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->invoking_packet().size(), n - 8);
    if (n == msg.size()) {
      EXPECT_TRUE(v->verify_checksum());
    }
    auto inner = Ipv4View::parse_quoted(v->invoking_packet());
    EXPECT_EQ(inner.ok(), n >= 28u);
  }
}

}  // namespace
}  // namespace vpcsim::wire
