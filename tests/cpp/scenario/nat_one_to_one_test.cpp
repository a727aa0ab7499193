// 1:1 NAT (what an AWS internet gateway does for an instance with a public IP), as
// tests/oracle/topologies.py NAT_ONE_TO_ONE builds it from namespaces with a DNAT/SNAT pair and
// 203.0.113.5 added to nat1's eth1:
//
//   vm 10.0.0.10 ─ eth0 10.0.0.1 [nat1] eth1 203.0.113.1 (+ 203.0.113.5) ─ ext 203.0.113.50
//
// Pings both ways, UDP out, and a traceroute from ext to 203.0.113.5: nat1's own time exceeded is
// related to the flow, so Linux sends it from 203.0.113.5 with the quote translated back, as vm's port
// unreachable is. ext only ever sees 203.0.113.5.
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

TEST(OracleNatOneToOne, PingsBothWaysUdpOutAndTracerouteIn) {
  node::Network net(1);
  auto& vm = net.add_host("vm");
  auto& nat1 = net.add_nat("nat1");
  auto& ext = net.add_host("ext");
  vm.add_interface("eth0", "10.0.0.10/24");
  vm.set_default_gateway(ip("10.0.0.1"));
  nat1.add_interface("eth0", "10.0.0.1/24");
  nat1.add_interface("eth1", "203.0.113.1/24");
  nat1.add_one_to_one(stack::OneToOneRule{ip("10.0.0.10"), ip("203.0.113.5")});
  ext.add_interface("eth0", "203.0.113.50/24");
  net.connect("vm.eth0", "nat1.eth0");
  net.connect("nat1.eth1", "ext.eth0");
  testing::ScenarioCapture pcaps(net);

  auto& echo = ext.add_application<node::UdpResponder>({9000, "pong"});
  auto& out = vm.add_application<node::Ping>({ip("203.0.113.50"), 1, kSecond, 0, 56, 64});
  auto& in = ext.add_application<node::Ping>({ip("203.0.113.5"), 1, kSecond, 500 * kMillisecond, 56, 64});
  auto& udp = vm.add_application<node::UdpClient>({ip("203.0.113.50"), 9000, 5000, "hi", kSecond, 1, kSecond});
  node::TracerouteConfig trace;
  trace.destination = ip("203.0.113.5");
  trace.start = 1500 * kMillisecond;
  trace.max_hops = 4;
  trace.queries = 1;
  trace.wait = kSecond;
  auto& tr = ext.add_application<node::Traceroute>(trace);
  net.run_until(3500 * kMillisecond);

  EXPECT_EQ(out.outcome(), node::Outcome::reply);
  EXPECT_EQ(in.outcome(), node::Outcome::reply);
  EXPECT_EQ(udp.outcome(), node::Outcome::reply);
  EXPECT_EQ(echo.received(), 1u);
  ASSERT_EQ(in.replies().size(), 1u);
  ASSERT_EQ(tr.hops().size(), 2u) << tr.summary();
  EXPECT_EQ(tr.hops()[0].probes[0].from, ip("203.0.113.5"));
  EXPECT_TRUE(tr.reached());
  // Every flow is the private address inside and the public one outside, whichever side started it.
  const auto translations = nat1.translations();
  EXPECT_EQ(translations.size(), 4u);  // two pings, the UDP flow, the probe that reached vm
  for (const auto& t : translations) {
    const bool outbound = t.original.src == ip("10.0.0.10") && t.reply.dst == ip("203.0.113.5");
    const bool inbound = t.original.dst == ip("203.0.113.5") && t.reply.src == ip("10.0.0.10");
    EXPECT_TRUE(outbound || inbound) << t.original.src.to_string() << " > " << t.original.dst.to_string();
  }
}

}  // namespace
}  // namespace vpcsim
