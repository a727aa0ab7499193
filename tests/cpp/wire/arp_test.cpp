// ARP for Ethernet/IPv4 (libnet/wire/arp.h), on captured packets.
#include "libnet/wire/arp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "libnet/wire/ethernet.h"

namespace vpcsim::wire {
namespace {

// zeek-arp-who-has.pcap #1, the ARP packet after the 14-byte Ethernet header:
// who has 10.0.0.1? tell 10.0.0.2 (78:31:c1:c6:3f:c2).
constexpr std::array<std::uint8_t, 28> kRequest{
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2,
    0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
};

// zeek-arp-who-has.pcap #2, the whole 60-byte frame: 10.0.0.1 is at f8:ed:a5:c0:a4:f1 (padded).
constexpr std::array<std::uint8_t, 60> kReplyFrame{
    0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x0a, 0x00, 0x00, 0x01,
    0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x0b, 0x60, 0xce,
};

// zeek-icmp_dot1q.pcap #1: a gratuitous ARP reply for 192.168.123.1 inside an 802.1Q tag, padded.
constexpr std::array<std::uint8_t, 64> kVlanGratuitousFrame{
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x81, 0x00, 0x00, 0x7b,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1,
    0xc0, 0xa8, 0x7b, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc0, 0xa8, 0x7b, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

const MacAddress kRequesterMac = MacAddress::from_u64(0x7831c1c63fc2);
const MacAddress kResponderMac = MacAddress::from_u64(0xf8eda5c0a4f1);
constexpr Ipv4Address kRequesterIp = Ipv4Address::from_octets(10, 0, 0, 2);
constexpr Ipv4Address kResponderIp = Ipv4Address::from_octets(10, 0, 0, 1);

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

TEST(ArpViewTest, DeconstructRequest) {
  auto parsed = ArpView::parse(kRequest);
  ASSERT_TRUE(parsed.ok());
  const ArpView& a = *parsed;
  EXPECT_EQ(a.hardware_type(), 1);
  EXPECT_EQ(a.protocol_type(), 0x0800);
  EXPECT_EQ(a.hardware_len(), 6);
  EXPECT_EQ(a.protocol_len(), 4);
  EXPECT_EQ(a.operation(), ArpOperation::request);
  EXPECT_EQ(a.sender_mac(), kRequesterMac);
  EXPECT_EQ(a.sender_ip(), kRequesterIp);
  EXPECT_EQ(a.target_mac(), MacAddress());
  EXPECT_EQ(a.target_ip(), kResponderIp);
  EXPECT_EQ(a.bytes().size(), 28u);
}

TEST(ArpViewTest, DeconstructPaddedReplyInsideEthernet) {
  auto eth = EthernetView::parse(kReplyFrame);
  ASSERT_TRUE(eth.ok());
  ASSERT_EQ(eth->ethertype(), kEthertypeArp);
  auto a = ArpView::parse(eth->payload());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->operation(), ArpOperation::reply);
  EXPECT_EQ(a->sender_mac(), kResponderMac);
  EXPECT_EQ(a->sender_ip(), kResponderIp);
  EXPECT_EQ(a->target_mac(), kRequesterMac);
  EXPECT_EQ(a->target_ip(), kRequesterIp);
  EXPECT_EQ(a->bytes().size(), 28u);  // the 18 bytes of padding are not part of the packet
}

TEST(ArpViewTest, GratuitousReplyInsideVlan) {
  auto eth = EthernetView::parse(kVlanGratuitousFrame);
  ASSERT_TRUE(eth.ok());
  ASSERT_EQ(eth->ethertype(), kEthertypeArp);
  auto a = ArpView::parse(eth->payload());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->operation(), ArpOperation::reply);
  EXPECT_EQ(a->sender_ip(), a->target_ip());
  EXPECT_EQ(a->sender_ip(), Ipv4Address::from_octets(192, 168, 123, 1));
  EXPECT_EQ(a->target_mac(), MacAddress::broadcast());
}

TEST(ArpViewTest, ConstructReplyFromRequestInPlace) {
  // What a host does with a request for its address: turn it around in the same buffer.
  std::vector<std::uint8_t> buf = bytes_of(kRequest);
  auto a = ArpViewMut::parse(buf);
  ASSERT_TRUE(a.ok());
  a->set_operation(ArpOperation::reply);
  a->set_target_mac(a->sender_mac());
  a->set_target_ip(a->sender_ip());
  a->set_sender_mac(kResponderMac);
  a->set_sender_ip(kResponderIp);
  EXPECT_EQ(buf, bytes_of(std::span(kReplyFrame).subspan(14, 28)));
  const ArpView ro = *a;
  EXPECT_EQ(ro.operation(), ArpOperation::reply);
}

TEST(ArpReprTest, ParseAndEmit) {
  auto repr = ArpRepr::parse(ArpView::parse(kRequest).value());
  ASSERT_TRUE(repr.ok());
  const ArpRepr expected{ArpOperation::request, kRequesterMac, kRequesterIp, MacAddress(), kResponderIp};
  EXPECT_EQ(*repr, expected);
  EXPECT_EQ(repr->wire_len(), 28u);
  EXPECT_EQ(repr->header_len(), 28u);

  std::vector<std::uint8_t> out(40, 0xee);
  expected.emit(out);
  EXPECT_EQ(bytes_of(std::span(out).first(28)), bytes_of(kRequest));
  EXPECT_EQ(out[28], 0xee);  // exactly 28 bytes written

  const ArpRepr reply{ArpOperation::reply, kResponderMac, kResponderIp, kRequesterMac, kRequesterIp};
  std::vector<std::uint8_t> out2(28);
  reply.emit(out2);
  EXPECT_EQ(out2, bytes_of(std::span(kReplyFrame).subspan(14, 28)));
}

TEST(ArpReprTest, RarpIsUnsupported) {
  std::vector<std::uint8_t> buf = bytes_of(kRequest);
  buf[7] = 3;  // RARP request
  auto a = ArpView::parse(buf);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(to_string(a->operation()), "unknown");
  auto repr = ArpRepr::parse(*a);
  ASSERT_FALSE(repr.ok());
  EXPECT_EQ(repr.error(), WireError::unsupported);
  EXPECT_EQ(to_string(ArpOperation::request), "request");
  EXPECT_EQ(to_string(ArpOperation::reply), "reply");
}

TEST(ArpViewTest, MalformedPackets) {
  struct Case {
    const char* what;
    std::size_t offset;
    std::uint8_t value;
    WireError error;
  };
  const Case cases[] = {
      {"htype 6 (IEEE 802)", 1, 6, WireError::bad_hardware_type},
      {"htype 0x0101", 0, 1, WireError::bad_hardware_type},
      {"hlen 8", 4, 8, WireError::bad_hardware_type},
      {"ptype 0x86dd", 2, 0x86, WireError::bad_protocol_type},
      {"ptype 0x0801", 3, 0x01, WireError::bad_protocol_type},
      {"plen 16", 5, 16, WireError::bad_protocol_type},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> buf = bytes_of(kRequest);
    buf[c.offset] = c.value;
    auto a = ArpView::parse(buf);
    ASSERT_FALSE(a.ok()) << c.what;
    EXPECT_EQ(a.error(), c.error) << c.what;
  }
}

TEST(ArpViewTest, EveryTruncationIsAnErrorOrAValidView) {
  for (std::size_t n = 0; n <= kRequest.size(); ++n) {
    std::vector<std::uint8_t> cut(kRequest.begin(), kRequest.begin() + static_cast<std::ptrdiff_t>(n));
    auto a = ArpView::parse(cut);
    if (n < 28) {
      ASSERT_FALSE(a.ok()) << n;
      EXPECT_EQ(a.error(), WireError::truncated) << n;
    } else {
      ASSERT_TRUE(a.ok());
      EXPECT_EQ(a->target_ip(), kResponderIp);
    }
  }
}

}  // namespace
}  // namespace vpcsim::wire
