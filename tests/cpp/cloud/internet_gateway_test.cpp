// The internet gateway's 1:1 NAT is static and stateless, as AWS describes it: every packet is
// translated by its address alone, so segments of a flow the gateway never saw open (or saw long ago)
// get through like the first.
#include <gtest/gtest.h>

#include <vector>

#include "classic_vpc.h"
#include "libnet/node/ping.h"
#include "libnet/wire/ethernet.h"
#include "libnet/wire/ipv4.h"
#include "libnet/wire/tcp.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;

/// The IPv4 packets an interface sent and received: source, destination, TCP flags (0 if not TCP).
struct Seen final : link::CaptureTap {
  struct Packet {
    wire::Ipv4Address src, dst;
    std::uint8_t flags;
  };
  std::vector<Packet> packets;
  void capture(const link::Interface&, link::Direction, core::Time, std::span<const std::uint8_t> frame) override {
    const auto eth = wire::EthernetView::parse(frame);
    if (!eth || eth->ethertype() != wire::kEthertypeIpv4) return;
    const auto ip = wire::Ipv4View::parse(eth->payload());
    if (!ip) return;
    std::uint8_t flags = 0;
    if (ip->protocol() == wire::kIpProtoTcp)
      if (const auto tcp = wire::TcpView::parse(ip->payload())) flags = tcp->flags();
    packets.push_back({ip->src(), ip->dst(), flags});
  }
};

TEST(InternetGateway, WebPingsTheInternetAsItsPublicAddress) {
  ClassicVpc c;
  Seen at_ext;
  c.ext->interfaces()[0]->add_tap(at_ext);
  node::PingConfig ping;
  ping.destination = A("203.0.113.10");
  ping.count = 1;
  node::Ping& p = c.web->add_application<node::Ping>(ping);
  c.net.run_for(2 * core::kSecond);
  ASSERT_EQ(p.replies().size(), 1u);
  ASSERT_FALSE(at_ext.packets.empty());
  for (const auto& packet : at_ext.packets) {  // the internet only ever sees the public address
    EXPECT_NE(packet.src, A("10.0.1.10"));
    EXPECT_NE(packet.dst, A("10.0.1.10"));
  }
  EXPECT_TRUE(c.igw.translations().empty());  // no connection tracking
}

TEST(InternetGateway, TranslatesASegmentOfAFlowItNeverSawOpen) {
  // A TCP ACK mid-stream (no SYN through the gateway, as after a long idle or a replayed capture's
  // late segments): translated to web, whose stack answers RST, translated back to the public address.
  ClassicVpc c;
  Seen at_web, at_ext;
  c.web->interfaces()[0]->add_tap(at_web);
  c.ext->interfaces()[0]->add_tap(at_ext);
  wire::TcpRepr segment;
  segment.src_port = 40000;
  segment.dst_port = 80;
  segment.seq = 1000;
  segment.ack = 2000;
  segment.flags = wire::kTcpAck;
  segment.window = 1000;
  c.net.run_for(core::kSecond);
  c.ext->send_tcp(A("203.0.113.10"), A("198.51.100.10"), segment);
  c.net.run_for(core::kSecond);
  bool reached_web = false;
  for (const auto& p : at_web.packets)
    reached_web = reached_web || (p.src == A("203.0.113.10") && p.dst == A("10.0.1.10") && p.flags == wire::kTcpAck);
  EXPECT_TRUE(reached_web);
  bool rst_from_public = false;
  for (const auto& p : at_ext.packets)
    rst_from_public = rst_from_public || (p.src == A("198.51.100.10") && (p.flags & wire::kTcpRst) != 0);
  EXPECT_TRUE(rst_from_public);
}

}  // namespace
}  // namespace vpcsim::cloud
