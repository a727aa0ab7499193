// The 8-byte TCP/UDP header prefix an ICMP error quotes (libnet/wire/transport_prefix.h).
#include "libnet/wire/transport_prefix.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>

namespace vpcsim::wire {
namespace {

// The first 8 bytes of a TCP SYN 10.0.1.10:40000 -> 10.0.2.20:80, seq 0x01020304 (as quoted by a
// port unreachable that stopped there), and of a UDP datagram 43966 -> 53, length 64, checksum 0x7824.
constexpr std::array<std::uint8_t, 8> kTcpQuote{0x9c, 0x40, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04};
constexpr std::array<std::uint8_t, 8> kUdpQuote{0xab, 0xbe, 0x00, 0x35, 0x00, 0x40, 0x78, 0x24};

TEST(TransportPrefixViewTest, ReadsPortsAndSequence) {
  const auto tcp = TransportPrefixView::parse(kTcpQuote);
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->src_port(), 40000);
  EXPECT_EQ(tcp->dst_port(), 80);
  EXPECT_EQ(tcp->tcp_seq(), 0x01020304u);
  const auto udp = TransportPrefixView::parse(kUdpQuote);
  ASSERT_TRUE(udp.ok());
  EXPECT_EQ(udp->src_port(), 43966);
  EXPECT_EQ(udp->dst_port(), 53);
}

TEST(TransportPrefixViewTest, ShorterThanEightBytesIsTruncated) {
  for (std::size_t n = 0; n < kTransportPrefixLen; ++n)
    EXPECT_EQ(TransportPrefixView::parse(std::span(kTcpQuote).first(n)).error(), WireError::truncated) << n;
}

TEST(TransportPrefixViewMutTest, SettersChangeThePortsOnly) {
  std::array<std::uint8_t, 8> bytes = kTcpQuote;
  const auto v = TransportPrefixViewMut::parse(bytes).value();
  v.set_src_port(61000);
  v.set_dst_port(8080);
  EXPECT_EQ(v.src_port(), 61000);
  EXPECT_EQ(v.dst_port(), 8080);
  EXPECT_EQ(v.tcp_seq(), 0x01020304u);
  EXPECT_EQ(bytes[0], 0xee);
  EXPECT_EQ(bytes[1], 0x48);
}

}  // namespace
}  // namespace vpcsim::wire
