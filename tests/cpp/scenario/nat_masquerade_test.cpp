// A home network behind a masquerading NAT, as tests/oracle/topologies.py NAT_MASQUERADE builds it from
// namespaces with `iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE`:
//
//   h1 10.0.0.10 ─┐
//   h2 10.0.0.20 ─┴ sw1 ─ eth0 10.0.0.1 [nat1] eth1 203.0.113.1 ─ 203.0.113.2 [r2] 198.51.100.1 ─ srv 198.51.100.10
//
// srv has no route to 10.0.0.0/24, so every reply that reaches h1 or h2 was translated back.
#include <gtest/gtest.h>

#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/traceroute.h"
#include "libnet/node/udp_apps.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using core::kMillisecond;
using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

TEST(OracleNatMasquerade, PingUdpErrorsTracerouteAndAPortClash) {
  node::Network net(1);
  auto& h1 = net.add_host("h1");
  auto& h2 = net.add_host("h2");
  net.add_switch("sw1");
  auto& nat1 = net.add_nat("nat1");
  auto& r2 = net.add_router("r2");
  auto& srv = net.add_host("srv");
  h1.add_interface("eth0", "10.0.0.10/24");
  h1.set_default_gateway(ip("10.0.0.1"));
  h2.add_interface("eth0", "10.0.0.20/24");
  h2.set_default_gateway(ip("10.0.0.1"));
  nat1.add_interface("eth0", "10.0.0.1/24");
  nat1.add_interface("eth1", "203.0.113.1/24");
  nat1.add_route(wire::Ipv4Prefix::parse("198.51.100.0/24"), ip("203.0.113.2"));
  nat1.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("10.0.0.0/24"), "eth1", {}, {}});
  r2.add_interface("eth0", "203.0.113.2/24");
  r2.add_interface("eth1", "198.51.100.1/24");
  srv.add_interface("eth0", "198.51.100.10/24");
  srv.set_default_gateway(ip("198.51.100.1"));
  net.connect("h1.eth0", "sw1");
  net.connect("h2.eth0", "sw1");
  net.connect("nat1.eth0", "sw1");
  net.connect("nat1.eth1", "r2.eth0");
  net.connect("r2.eth1", "srv.eth0");
  testing::ScenarioCapture pcaps(net);

  const Ipv4Address server = ip("198.51.100.10");
  auto& echo = srv.add_application<node::UdpResponder>({9000, "pong"});
  auto& ping = h1.add_application<node::Ping>({server, 1, kSecond, 0, 56, 64});
  auto& open = h1.add_application<node::UdpClient>({server, 9000, 5000, "hi", 500 * kMillisecond, 1, kSecond});
  auto& closed = h1.add_application<node::UdpClient>({server, 9999, 5001, "hi", 1000 * kMillisecond, 1, kSecond});
  node::TracerouteConfig trace;
  trace.destination = server;
  trace.start = 1500 * kMillisecond;
  trace.max_hops = 8;
  trace.queries = 1;
  trace.wait = kSecond;
  auto& tr = h1.add_application<node::Traceroute>(trace);
  auto& clash = h2.add_application<node::UdpClient>({server, 9000, 5000, "two", 2500 * kMillisecond, 1, kSecond});
  net.run_until(4 * kSecond);

  EXPECT_EQ(ping.outcome(), node::Outcome::reply);
  EXPECT_EQ(open.outcome(), node::Outcome::reply);
  EXPECT_EQ(clash.outcome(), node::Outcome::reply);
  EXPECT_EQ(echo.received(), 2u);
  ASSERT_EQ(closed.errors().size(), 1u);
  EXPECT_EQ(closed.errors()[0].from, server);  // the port unreachable, translated back to h1
  ASSERT_EQ(tr.hops().size(), 3u) << tr.summary();
  EXPECT_EQ(tr.hops()[0].probes[0].from, ip("10.0.0.1"));
  EXPECT_EQ(tr.hops()[1].probes[0].from, ip("203.0.113.2"));  // time exceeded from beyond the NAT
  EXPECT_TRUE(tr.reached());

  // h1's 5000 keeps its port; h2's 5000 to the same server port gets another outside port.
  bool h1_kept = false, h2_moved = false;
  for (const auto& t : nat1.translations()) {
    if (t.original.protocol != wire::kIpProtoUdp || t.original.dst_port != 9000) continue;
    EXPECT_EQ(t.reply.dst, ip("203.0.113.1"));
    if (t.original.src == ip("10.0.0.10")) h1_kept = t.reply.dst_port == 5000;
    if (t.original.src == ip("10.0.0.20")) h2_moved = t.reply.dst_port != 5000;
  }
  EXPECT_TRUE(h1_kept);
  EXPECT_TRUE(h2_moved);
}

}  // namespace
}  // namespace vpcsim
