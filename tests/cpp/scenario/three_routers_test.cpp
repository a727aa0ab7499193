// A chain of three routers: traceroute from h1 to h2 names each router in turn.
#include <gtest/gtest.h>

#include "libnet/node/network.h"
#include "libnet/node/traceroute.h"
#include "support/frame_log.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using wire::Ipv4Address;
using wire::Ipv4Prefix;

TEST(OracleThreeRouters, TracerouteNamesEveryHop) {
  node::Network net(1);
  auto& h1 = net.add_host("h1");
  auto& r1 = net.add_router("r1");
  auto& r2 = net.add_router("r2");
  auto& r3 = net.add_router("r3");
  auto& h2 = net.add_host("h2");
  h1.add_interface("eth0", "10.0.1.10/24");
  h1.set_default_gateway(Ipv4Address::parse("10.0.1.1"));
  r1.add_interface("eth0", "10.0.1.1/24");
  r1.add_interface("eth1", "10.0.12.1/24");
  r1.set_default_gateway(Ipv4Address::parse("10.0.12.2"));
  r2.add_interface("eth0", "10.0.12.2/24");
  r2.add_interface("eth1", "10.0.23.2/24");
  r2.add_route(Ipv4Prefix::parse("10.0.1.0/24"), Ipv4Address::parse("10.0.12.1"));
  r2.add_route(Ipv4Prefix::parse("10.0.3.0/24"), Ipv4Address::parse("10.0.23.3"));
  r3.add_interface("eth0", "10.0.23.3/24");
  r3.add_interface("eth1", "10.0.3.1/24");
  r3.set_default_gateway(Ipv4Address::parse("10.0.23.2"));
  h2.add_interface("eth0", "10.0.3.20/24");
  h2.set_default_gateway(Ipv4Address::parse("10.0.3.1"));
  net.connect("h1.eth0", "r1.eth0");
  net.connect("r1.eth1", "r2.eth0");
  net.connect("r2.eth1", "r3.eth0");
  net.connect("r3.eth1", "h2.eth0");
  testing::ScenarioCapture pcaps(net);
  testing::FrameLog h1_log(h1.interface("eth0"));

  node::TracerouteConfig config;
  config.destination = Ipv4Address::parse("10.0.3.20");
  config.max_hops = 8;
  config.wait = core::kSecond;
  auto& tr = h1.add_application<node::Traceroute>(config);
  net.run_until(4 * core::kSecond);

  ASSERT_TRUE(tr.finished());
  EXPECT_TRUE(tr.reached());
  ASSERT_EQ(tr.hops().size(), 4u);
  const char* expected_hops[] = {"10.0.1.1", "10.0.12.2", "10.0.23.3", "10.0.3.20"};
  std::uint16_t port = 33434;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(tr.hops()[i].ttl, i + 1);
    ASSERT_EQ(tr.hops()[i].probes.size(), 3u);
    for (const auto& probe : tr.hops()[i].probes) {
      EXPECT_TRUE(probe.answered);
      EXPECT_EQ(probe.from, Ipv4Address::parse(expected_hops[i]));
      EXPECT_EQ(probe.port, port++);
    }
  }
  // On h1's link: ARP, then for each probe the UDP datagram and its ICMP answer.
  ASSERT_EQ(h1_log.lines().size(), 2u + 2u * 12u);
  EXPECT_EQ(h1_log.lines()[2].substr(0, 52), "IPv4 10.0.1.10>10.0.3.20 ttl=1 tos=0x00 df=0 len=60 ");
  EXPECT_EQ(h1_log.lines()[3],
            "IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=88 ICMP time-exceeded code=0 "
            "quoting[IPv4 10.0.1.10>10.0.3.20 ttl=1 tos=0x00 df=0 len=60 UDP " +
                h1_log.lines()[2].substr(56, h1_log.lines()[2].find(">", 56) - 56) + ">33434 len=40 (60 bytes)]");
  // Probe k (from 0) is line 2 + 2k and its answer line 3 + 2k.
  EXPECT_EQ(h1_log.lines()[9].rfind("IPv4 10.0.12.2>10.0.1.10 ttl=63 tos=0xc0 df=0 len=88 ICMP time-exceeded", 0), 0u);
  EXPECT_EQ(h1_log.lines()[15].rfind("IPv4 10.0.23.3>10.0.1.10 ttl=62 tos=0xc0 df=0 len=88 ICMP time-exceeded", 0), 0u);
  EXPECT_EQ(h1_log.lines()[25].rfind("IPv4 10.0.3.20>10.0.1.10 ttl=61 tos=0xc0 df=0 len=88 ICMP dest-unreachable code=3", 0), 0u);
}

}  // namespace
}  // namespace vpcsim
