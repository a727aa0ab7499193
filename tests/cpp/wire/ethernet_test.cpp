// Ethernet II with an optional 802.1Q tag (libnet/wire/ethernet.h), on captured frames.
#include "libnet/wire/ethernet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace vpcsim::wire {
namespace {

// zeek-arp-who-has.pcap #1: broadcast ARP request, 42 bytes (not padded to 60).
constexpr std::array<std::uint8_t, 42> kArpRequest{
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x0a, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
};

// zeek-arp-who-has.pcap #2: the unicast ARP reply, padded to 60 bytes.
constexpr std::array<std::uint8_t, 60> kArpReplyPadded{
    0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x08, 0x06, 0x00, 0x01,
    0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1, 0x0a, 0x00, 0x00, 0x01,
    0x78, 0x31, 0xc1, 0xc6, 0x3f, 0xc2, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x0b, 0x60, 0xce,
};

// zeek-icmp_dot1q.pcap #5: 802.1Q VLAN 123 (PCP 0) carrying an ICMP echo request, 118 bytes.
constexpr std::array<std::uint8_t, 118> kVlanEcho{
    0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x00, 0x18, 0x73, 0xde, 0x57, 0xc1, 0x81, 0x00, 0x00, 0x7b,
    0x08, 0x00, 0x45, 0x00, 0x00, 0x64, 0x00, 0x05, 0x00, 0x00, 0xff, 0x01, 0x44, 0x3f, 0xc0, 0xa8,
    0x7b, 0x02, 0xc0, 0xa8, 0x7b, 0x01, 0x08, 0x00, 0x94, 0x9a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0c, 0xe9, 0xa2, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
};

// zeek-icmp_dot1q.pcap #4: the header of a tagged ARP reply with TCI 0xe07b (PCP 7, DEI 0, VID 123).
constexpr std::array<std::uint8_t, 18> kVlanPcp7Header{
    0x00, 0x18, 0x73, 0xde, 0x57, 0xc1, 0x00, 0x19, 0x06, 0xea, 0xb8, 0xc1, 0x81, 0x00, 0xe0, 0x7b, 0x08, 0x06,
};

const MacAddress kBroadcast = MacAddress::broadcast();
const MacAddress kRequester = MacAddress::from_u64(0x7831c1c63fc2);
const MacAddress kResponder = MacAddress::from_u64(0xf8eda5c0a4f1);

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> s) { return {s.begin(), s.end()}; }

TEST(EthernetViewTest, DeconstructUntagged) {
  auto parsed = EthernetView::parse(kArpRequest);
  ASSERT_TRUE(parsed.ok());
  const EthernetView& f = *parsed;
  EXPECT_EQ(f.dst(), kBroadcast);
  EXPECT_EQ(f.src(), kRequester);
  EXPECT_EQ(f.ethertype(), kEthertypeArp);
  EXPECT_FALSE(f.has_vlan());
  EXPECT_EQ(f.vlan_id(), 0);
  EXPECT_EQ(f.vlan_pcp(), 0);
  EXPECT_FALSE(f.vlan_dei());
  EXPECT_EQ(f.header_len(), 14u);
  EXPECT_EQ(f.payload().size(), 28u);
  EXPECT_EQ(f.payload().data(), kArpRequest.data() + 14);
  EXPECT_EQ(f.bytes().size(), kArpRequest.size());
}

TEST(EthernetViewTest, PaddingStaysInThePayload) {
  auto f = EthernetView::parse(kArpReplyPadded);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->dst(), kRequester);
  EXPECT_EQ(f->src(), kResponder);
  EXPECT_EQ(f->payload().size(), 46u);
}

TEST(EthernetViewTest, DeconstructTagged) {
  auto f = EthernetView::parse(kVlanEcho);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->has_vlan());
  EXPECT_EQ(f->vlan_id(), 123);
  EXPECT_EQ(f->vlan_pcp(), 0);
  EXPECT_FALSE(f->vlan_dei());
  EXPECT_EQ(f->ethertype(), kEthertypeIpv4);
  EXPECT_EQ(f->header_len(), 18u);
  EXPECT_EQ(f->payload().size(), 100u);
  EXPECT_EQ(f->payload()[0], 0x45);

  auto g = EthernetView::parse(kVlanPcp7Header);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->vlan_pcp(), 7);
  EXPECT_EQ(g->vlan_id(), 123);
  EXPECT_EQ(g->ethertype(), kEthertypeArp);
  EXPECT_TRUE(g->payload().empty());
}

TEST(EthernetViewTest, ConstructThroughSetters) {
  std::vector<std::uint8_t> buf(kArpRequest.size(), 0);
  auto f = EthernetViewMut::parse(buf);
  ASSERT_TRUE(f.ok());
  f->set_dst(kBroadcast);
  f->set_src(kRequester);
  f->set_ethertype(kEthertypeArp);
  std::copy(kArpRequest.begin() + 14, kArpRequest.end(), f->payload().begin());
  EXPECT_EQ(buf, bytes_of(kArpRequest));
}

TEST(EthernetViewTest, TagSettersRewriteOnlyTheirBits) {
  std::vector<std::uint8_t> buf = bytes_of(kVlanEcho);
  auto f = EthernetViewMut::parse(buf);
  ASSERT_TRUE(f.ok());
  f->set_vlan_pcp(7);
  std::vector<std::uint8_t> expected = bytes_of(kVlanEcho);
  expected[14] = 0xe0;  // TCI 0x007b -> 0xe07b, as in kVlanPcp7Header
  EXPECT_EQ(buf, expected);
  EXPECT_EQ(f->vlan_pcp(), 7);
  EXPECT_EQ(f->vlan_id(), 123);
  EXPECT_FALSE(f->vlan_dei());
  f->set_vlan_dei(true);
  f->set_vlan_id(4094);
  EXPECT_EQ(f->vlan_pcp(), 7);
  EXPECT_TRUE(f->vlan_dei());
  EXPECT_EQ(f->vlan_id(), 4094);
  EXPECT_EQ(buf[14], 0xff);
  EXPECT_EQ(buf[15], 0xfe);
  f->set_ethertype(kEthertypeArp);
  EXPECT_EQ(buf[16], 0x08);
  EXPECT_EQ(buf[17], 0x06);
  EXPECT_EQ(buf[12], 0x81);  // the TPID is untouched
  // A mutable view converts to a read-only one.
  const EthernetView ro = *f;
  EXPECT_EQ(ro.vlan_id(), 4094);
}

TEST(EthernetReprTest, ParseAndEmitUntagged) {
  auto f = EthernetView::parse(kArpRequest);
  ASSERT_TRUE(f.ok());
  auto repr = EthernetRepr::parse(*f);
  ASSERT_TRUE(repr.ok());
  EXPECT_EQ(*repr, (EthernetRepr{kBroadcast, kRequester, kEthertypeArp, std::nullopt}));
  EXPECT_EQ(repr->header_len(), 14u);
  EXPECT_EQ(repr->wire_len(), 14u);
  std::vector<std::uint8_t> out(14, 0xee);
  repr->emit(out);
  EXPECT_EQ(out, bytes_of(std::span(kArpRequest).first(14)));
}

TEST(EthernetReprTest, ParseAndEmitTagged) {
  for (std::span<const std::uint8_t> frame : {std::span<const std::uint8_t>(kVlanEcho),
                                              std::span<const std::uint8_t>(kVlanPcp7Header)}) {
    auto f = EthernetView::parse(frame);
    ASSERT_TRUE(f.ok());
    auto repr = EthernetRepr::parse(*f);
    ASSERT_TRUE(repr.ok());
    ASSERT_TRUE(repr->vlan.has_value());
    EXPECT_EQ(repr->vlan->vid, 123);
    EXPECT_EQ(repr->header_len(), 18u);
    std::vector<std::uint8_t> out(18, 0xee);
    repr->emit(out);
    EXPECT_EQ(out, bytes_of(frame.first(18)));
  }
  const EthernetRepr tagged{kResponder, kRequester, kEthertypeIpv4, VlanTag{5, true, 0xabc}};
  std::vector<std::uint8_t> out(18);
  tagged.emit(out);
  auto back = EthernetView::parse(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EthernetRepr::parse(*back).value(), tagged);
}

TEST(EthernetViewTest, OtherTagTypesAreReportedAsTheEthertype) {
  // 802.1ad (TPID 0x88a8, tcpdump-802.1ad_QinQ.pcap) is not parsed as a tag.
  std::vector<std::uint8_t> buf = bytes_of(kVlanPcp7Header);
  buf[12] = 0x88;
  buf[13] = 0xa8;
  auto f = EthernetView::parse(buf);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_vlan());
  EXPECT_EQ(f->ethertype(), 0x88a8);
  EXPECT_EQ(f->header_len(), 14u);
}

TEST(EthernetViewTest, EveryTruncationIsAnErrorOrAValidView) {
  for (std::span<const std::uint8_t> frame : {std::span<const std::uint8_t>(kArpRequest),
                                              std::span<const std::uint8_t>(kVlanEcho)}) {
    const bool tagged = frame[12] == 0x81;
    for (std::size_t n = 0; n <= frame.size(); ++n) {
      // An exactly-sized heap copy, so a sanitizer build catches any over-read.
      std::vector<std::uint8_t> cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      auto f = EthernetView::parse(cut);
      const std::size_t need = tagged ? 18 : 14;
      if (n < need) {
        ASSERT_FALSE(f.ok()) << n;
        EXPECT_EQ(f.error(), WireError::truncated) << n;
      } else {
        ASSERT_TRUE(f.ok()) << n;
        EXPECT_EQ(f->header_len() + f->payload().size(), n);
        EXPECT_EQ(f->ethertype(), tagged ? kEthertypeIpv4 : kEthertypeArp);
      }
    }
  }
}

}  // namespace
}  // namespace vpcsim::wire
