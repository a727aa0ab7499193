// NatRouter end to end: masquerade (ping, UDP, port clash), replies and ICMP errors translated back
// (port unreachable from the server, time exceeded from a router beyond the NAT), port forwarding,
// 1:1 NAT both ways, unmapped inbound packets, port exhaustion, expiry, and configuration errors.
//
//   h1 10.0.0.10 ─┐                                          ┌─ srv 203.0.113.10
//   h2 10.0.0.20 ─┴ sw_in ─ eth0 10.0.0.1 [nat1] eth1 203.0.113.1 ─ sw_out ─┤
//                                                                          └─ r2 203.0.113.2 ── 198.51.100.1 | far 198.51.100.9
#include "libnet/node/nat_router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/udp_apps.h"
#include "support/frame_log.h"

namespace vpcsim::node {
namespace {

using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines)
    if (line.find(text) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& line : lines) all += line + "\n";
  return all;
}

struct NatTest : ::testing::Test {
  Network net{1};
  Host& h1 = net.add_host("h1");
  Host& h2 = net.add_host("h2");
  NatRouter& nat = net.add_nat("nat1");
  Host& srv = net.add_host("srv");
  Router& r2 = net.add_router("r2");
  Host& far = net.add_host("far");

  NatTest() {
    net.add_switch("sw_in");
    net.add_switch("sw_out");
    h1.add_interface("eth0", "10.0.0.10/24");
    h1.set_default_gateway(ip("10.0.0.1"));
    h2.add_interface("eth0", "10.0.0.20/24");
    h2.set_default_gateway(ip("10.0.0.1"));
    nat.add_interface("eth0", "10.0.0.1/24");
    nat.add_interface("eth1", "203.0.113.1/24");
    nat.add_route(wire::Ipv4Prefix::parse("198.51.100.0/24"), ip("203.0.113.2"));
    srv.add_interface("eth0", "203.0.113.10/24");  // no route to 10.0.0.0/24: only NAT makes replies possible
    r2.add_interface("eth0", "203.0.113.2/24");
    r2.add_interface("eth1", "198.51.100.1/24");
    far.add_interface("eth0", "198.51.100.9/24");
    far.set_default_gateway(ip("198.51.100.1"));
    net.connect("h1.eth0", "sw_in");
    net.connect("h2.eth0", "sw_in");
    net.connect("nat1.eth0", "sw_in");
    net.connect("nat1.eth1", "sw_out");
    net.connect("srv.eth0", "sw_out");
    net.connect("r2.eth0", "sw_out");
    net.connect("r2.eth1", "far.eth0");
  }
  void masquerade(stack::PortRange ports = {}) {
    nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth1", {}, ports});
  }
};

TEST_F(NatTest, PingThroughMasqueradeKeepsTheIdAndComesBack) {
  masquerade();
  testing::FrameLog outside(nat.interface("eth1"));
  auto& ping = h1.add_application<Ping>(PingConfig{ip("203.0.113.10")});
  net.run_for(2 * kSecond);
  EXPECT_EQ(ping.outcome(), Outcome::reply);
  EXPECT_TRUE(contains(outside.lines(), "IPv4 203.0.113.1>203.0.113.10 ttl=63")) << joined(outside.lines());
  EXPECT_TRUE(contains(outside.lines(), "IPv4 203.0.113.10>203.0.113.1 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply"));
  EXPECT_FALSE(contains(outside.lines(), "BADSUM"));
  EXPECT_FALSE(contains(outside.lines(), "10.0.0.10"));
  const auto table = nat.translations();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].original.src, ip("10.0.0.10"));
  EXPECT_EQ(table[0].reply.dst, ip("203.0.113.1"));
  EXPECT_EQ(table[0].reply.dst_port, ping.identifier());  // free, so kept
  EXPECT_EQ(table[0].state, stack::ConnState::established);
  EXPECT_TRUE(table[0].source_translated);
  EXPECT_GT(table[0].expires_in, 27 * kSecond);
}

TEST_F(NatTest, TwoInsideHostsOnTheSamePortGetDifferentOutsidePorts) {
  masquerade();
  srv.add_application<UdpResponder>({9000, "pong"});
  auto& a = h1.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "a", 0});
  auto& b = h2.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "b", core::kMillisecond});
  testing::FrameLog outside(nat.interface("eth1"));
  net.run_for(2 * kSecond);
  EXPECT_EQ(a.outcome(), Outcome::reply);
  EXPECT_EQ(b.outcome(), Outcome::reply);
  const auto table = nat.translations();
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].reply.dst_port, 5000);
  EXPECT_NE(table[1].reply.dst_port, 5000);
  EXPECT_GE(table[1].reply.dst_port, 1024);
  EXPECT_EQ(nat.nat_counters().flows_translated, 2u);
  EXPECT_FALSE(contains(outside.lines(), "BADSUM")) << joined(outside.lines());
}

TEST_F(NatTest, PortUnreachableFromTheServerIsTranslatedBackIntoTheQuote) {
  masquerade();
  auto& client = h1.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9999, 5000, "x", 0});
  testing::FrameLog inside(h1.interface("eth0"));
  net.run_for(2 * kSecond);
  EXPECT_EQ(client.outcome(), Outcome::unreachable);
  EXPECT_TRUE(contains(inside.lines(),
                       "IPv4 203.0.113.10>10.0.0.10 ttl=63 tos=0xc0 df=0 len=57 ICMP dest-unreachable code=3 "
                       "quoting[IPv4 10.0.0.10>203.0.113.10 ttl=63"))
      << joined(inside.lines());
  EXPECT_FALSE(contains(inside.lines(), "BADSUM"));
}

TEST_F(NatTest, TracerouteThroughTheNatSeesEveryHop) {
  masquerade();
  auto& trace = h1.add_application<Traceroute>(TracerouteConfig{ip("198.51.100.9"), 0, 1, 5, 1, kSecond});
  net.run_for(20 * kSecond);
  ASSERT_TRUE(trace.reached());
  ASSERT_EQ(trace.hops().size(), 3u);
  EXPECT_EQ(trace.hops()[0].probes[0].from, ip("10.0.0.1"));
  EXPECT_EQ(trace.hops()[1].probes[0].from, ip("203.0.113.2"));  // time exceeded, translated back
  EXPECT_EQ(trace.hops()[2].probes[0].from, ip("198.51.100.9"));
}

TEST_F(NatTest, PortForwardingReachesTheInsideServerAndRepliesLookLikeTheNat) {
  nat.add_dnat(stack::DnatRule{wire::kIpProtoUdp, 8080, "eth1", ip("10.0.0.10"), 80});
  h1.add_application<UdpResponder>({80, "inside"});
  auto& client = srv.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.1"), 8080, 4000, "hello", 0});
  testing::FrameLog inside(h1.interface("eth0"));
  net.run_for(2 * kSecond);
  ASSERT_EQ(client.outcome(), Outcome::reply);
  EXPECT_EQ(client.replies().at(0), "inside");
  EXPECT_TRUE(contains(inside.lines(), "IPv4 203.0.113.10>10.0.0.10 ttl=63 tos=0x00 df=1 len=33 UDP 4000>80"))
      << joined(inside.lines());
  const auto table = nat.translations();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_TRUE(table[0].destination_translated);
  EXPECT_FALSE(table[0].source_translated);
}

TEST_F(NatTest, HairpinIsRefusedWithAReason) {
  nat.add_dnat(stack::DnatRule{wire::kIpProtoUdp, 8080, "eth1", ip("10.0.0.10"), 80});
  h1.add_application<UdpResponder>({80, "inside"});
  auto& client = h2.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.1"), 8080, 4000, "hi", 0});
  net.run_for(2 * kSecond);
  EXPECT_EQ(client.outcome(), Outcome::unreachable);  // nat1's own closed port answers, as on Linux
  bool noted = false;
  for (const auto& e : net.trace().events())
    noted |= e.kind == trace::TraceKind::nat_unmapped && e.detail.find("hairpin") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST_F(NatTest, UnsolicitedInboundIsAnsweredByTheNatItselfAndTraced) {
  masquerade();
  auto& probe = srv.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.1"), 40000, 4000, "?", 0});
  net.run_for(2 * kSecond);
  EXPECT_EQ(probe.outcome(), Outcome::unreachable);
  EXPECT_EQ(nat.nat_counters().unmapped_inbound, 1u);
  EXPECT_EQ(nat.translations().size(), 0u);
}

TEST_F(NatTest, OneToOneTranslatesBothWaysAndAnswersArpForThePublicAddress) {
  nat.add_one_to_one(stack::OneToOneRule{ip("10.0.0.20"), ip("203.0.113.50")});
  auto& in = srv.add_application<Ping>(PingConfig{ip("203.0.113.50")});
  srv.add_application<UdpResponder>({9000, "pong"});
  auto& out = h2.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "x", 2 * kSecond});
  testing::FrameLog outside(nat.interface("eth1"));
  net.run_for(4 * kSecond);
  EXPECT_EQ(in.outcome(), Outcome::reply);
  EXPECT_EQ(out.outcome(), Outcome::reply);
  EXPECT_TRUE(contains(outside.lines(), "IPv4 203.0.113.50>203.0.113.10 ttl=63 tos=0x00 df=1 len=29 UDP 5000>9000"))
      << joined(outside.lines());
}

TEST_F(NatTest, ExhaustedPortsDropTheNewFlowWithAReason) {
  masquerade(stack::PortRange{2000, 2000});
  srv.add_application<UdpResponder>({9000, "pong"});
  auto& a = h1.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "a", 0});
  auto& b = h2.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "b", core::kMillisecond});
  net.run_for(2 * kSecond);
  EXPECT_EQ(a.outcome(), Outcome::reply);
  EXPECT_EQ(b.outcome(), Outcome::timeout);
  EXPECT_EQ(nat.nat_counters().port_exhausted, 1u);
  EXPECT_EQ(net.trace().drop_count(nat.id(), trace::DropReason::nat_port_exhausted), 1u);
}

TEST_F(NatTest, MappingsExpireAndTheNextFlowStartsAfresh) {
  masquerade();
  srv.add_application<UdpResponder>({9000, "pong"});
  h1.add_application<UdpClient>(UdpClientConfig{ip("203.0.113.10"), 9000, 5000, "a", 0});
  net.run_for(29 * kSecond);
  EXPECT_EQ(nat.translations().size(), 1u);
  net.run_for(2 * kSecond);
  EXPECT_EQ(nat.translations().size(), 0u);
  EXPECT_EQ(nat.conntrack().expired_count(), 1u);
}

TEST_F(NatTest, ForwardedFlowsWithoutRulesAreTrackedButNotTranslated) {
  r2.add_route(wire::Ipv4Prefix::parse("10.0.0.0/24"), ip("203.0.113.1"));
  auto& ping = far.add_application<Ping>(PingConfig{ip("10.0.0.10")});
  net.run_for(2 * kSecond);
  EXPECT_EQ(ping.outcome(), Outcome::reply);
  const auto table = nat.translations();
  ASSERT_EQ(table.size(), 1u);
  EXPECT_FALSE(table[0].source_translated || table[0].destination_translated);
  EXPECT_EQ(nat.nat_counters().flows_translated, 0u);
}

TEST_F(NatTest, AnAckAfterAnUnansweredSynIsInvalidAndLeavesUntranslated) {
  // Linux's tcp_conntracks: in SYN_SENT an ACK from the client is sIV ("we haven't seen a SYN/ACK
  // yet"): the segment loses its conntrack and MASQUERADE leaves it as it is. 198.51.100.77 is routed
  // via r2, which has no route there: the SYN goes unanswered.
  masquerade();
  testing::FrameLog out(nat.interface("eth1"));
  net.run_for(kSecond);
  wire::TcpRepr syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.seq = 1000;
  syn.flags = wire::kTcpSyn;
  syn.window = 1000;
  h1.send_tcp(ip("10.0.0.10"), ip("198.51.100.77"), syn);
  net.run_for(kSecond);
  wire::TcpRepr ack = syn;
  ack.seq = 1001;
  ack.ack = 5000;
  ack.flags = wire::kTcpAck;
  h1.send_tcp(ip("10.0.0.10"), ip("198.51.100.77"), ack);
  net.run_for(kSecond);
  EXPECT_TRUE(contains(out.lines(), "IPv4 203.0.113.1>198.51.100.77")) << joined(out.lines());  // the SYN
  EXPECT_TRUE(contains(out.lines(), "IPv4 10.0.0.10>198.51.100.77")) << joined(out.lines());   // the ACK
  EXPECT_EQ(nat.nat_counters().invalid, 1u);
}

TEST_F(NatTest, BadRulesAreConfigErrorsNamingTheField) {
  EXPECT_THROW(nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth9", {}, {}}), core::ConfigError);
  EXPECT_THROW(nat.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth1", {}, {3000, 2000}}),
               core::ConfigError);
  nat.add_dnat(stack::DnatRule{wire::kIpProtoTcp, 80, "eth1", ip("10.0.0.10"), 0});
  try {
    nat.add_dnat(stack::DnatRule{wire::kIpProtoTcp, 80, "eth1", ip("10.0.0.20"), 0});
    FAIL() << "a second forward of tcp 80 on eth1 was accepted";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("dnat[1]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(nat.add_dnat(stack::DnatRule{wire::kIpProtoIcmp, 1, "eth1", ip("10.0.0.10"), 0}), core::ConfigError);
  EXPECT_THROW(nat.add_one_to_one(stack::OneToOneRule{ip("10.0.0.20"), ip("203.0.113.1")}), core::ConfigError);
}

}  // namespace
}  // namespace vpcsim::node
