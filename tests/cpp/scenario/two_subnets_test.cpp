// Two subnets joined by a router: ping, UDP to an open port and to a closed one, on every link. The
// topology is scenarios/two_subnets.yaml's (tests/oracle/topologies.py reads it from there;
// tests/python/test_scenario_files.py holds the two byte for byte).
#include <gtest/gtest.h>

#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_apps.h"
#include "support/frame_log.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using wire::Ipv4Address;

TEST(OracleTwoSubnets, PingAndUdpThroughOneRouter) {
  node::Network net(1);
  auto& h1 = net.add_host("h1");
  auto& r1 = net.add_router("r1");
  auto& h2 = net.add_host("h2");
  h1.add_interface("eth0", "10.0.1.10/24");
  h1.set_default_gateway(Ipv4Address::parse("10.0.1.1"));
  r1.add_interface("eth0", "10.0.1.1/24");
  r1.add_interface("eth1", "10.0.2.1/24");
  h2.add_interface("eth0", "10.0.2.20/24");
  h2.set_default_gateway(Ipv4Address::parse("10.0.2.1"));
  net.connect("h1.eth0", "r1.eth0");
  net.connect("r1.eth1", "h2.eth0");
  testing::ScenarioCapture pcaps(net);
  testing::FrameLog h1_log(h1.interface("eth0")), r1_eth1_log(r1.interface("eth1"));

  auto& responder = h2.add_application<node::UdpResponder>({9000, "pong"});
  auto& ping = h1.add_application<node::Ping>({Ipv4Address::parse("10.0.2.20"), 1, core::kSecond, 0, 56, 64});
  auto& open = h1.add_application<node::UdpClient>({Ipv4Address::parse("10.0.2.20"), 9000, 40000, "hi", core::kSecond, 1, core::kSecond});
  auto& closed = h1.add_application<node::UdpClient>({Ipv4Address::parse("10.0.2.20"), 9999, 40001, "hi", 2 * core::kSecond, 1, core::kSecond});
  net.run_until(4 * core::kSecond);

  EXPECT_EQ(h1_log.lines(), (std::vector<std::string>{
      "ARP request bcast who-has 10.0.1.1 tell 10.0.1.10",
      "ARP reply 10.0.1.1 is-at",
      "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
      "IPv4 10.0.2.20>10.0.1.10 ttl=63 tos=0x00 df=0 len=84 ICMP echo-reply seq=1",
      "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=30 UDP 40000>9000 len=10",
      "IPv4 10.0.2.20>10.0.1.10 ttl=63 tos=0x00 df=1 len=32 UDP 9000>40000 len=12",
      "IPv4 10.0.1.10>10.0.2.20 ttl=64 tos=0x00 df=1 len=30 UDP 40001>9999 len=10",
      "IPv4 10.0.2.20>10.0.1.10 ttl=63 tos=0xc0 df=0 len=58 ICMP dest-unreachable code=3 "
      "quoting[IPv4 10.0.1.10>10.0.2.20 ttl=63 tos=0x00 df=1 len=30 UDP 40001>9999 len=10 (30 bytes)]",
  }));
  EXPECT_EQ(r1_eth1_log.lines(), (std::vector<std::string>{
      "ARP request bcast who-has 10.0.2.20 tell 10.0.2.1",
      "ARP reply 10.0.2.20 is-at",
      "IPv4 10.0.1.10>10.0.2.20 ttl=63 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
      "IPv4 10.0.2.20>10.0.1.10 ttl=64 tos=0x00 df=0 len=84 ICMP echo-reply seq=1",
      "IPv4 10.0.1.10>10.0.2.20 ttl=63 tos=0x00 df=1 len=30 UDP 40000>9000 len=10",
      "IPv4 10.0.2.20>10.0.1.10 ttl=64 tos=0x00 df=1 len=32 UDP 9000>40000 len=12",
      "IPv4 10.0.1.10>10.0.2.20 ttl=63 tos=0x00 df=1 len=30 UDP 40001>9999 len=10",
      "IPv4 10.0.2.20>10.0.1.10 ttl=64 tos=0xc0 df=0 len=58 ICMP dest-unreachable code=3 "
      "quoting[IPv4 10.0.1.10>10.0.2.20 ttl=63 tos=0x00 df=1 len=30 UDP 40001>9999 len=10 (30 bytes)]",
  }));
  EXPECT_EQ(ping.outcome(), node::Outcome::reply);
  EXPECT_EQ(open.outcome(), node::Outcome::reply);
  ASSERT_EQ(open.replies().size(), 1u);
  EXPECT_EQ(open.replies()[0], "pong");
  EXPECT_EQ(responder.received(), 1u);
  EXPECT_EQ(closed.outcome(), node::Outcome::unreachable);
  ASSERT_EQ(closed.errors().size(), 1u);
  EXPECT_EQ(closed.errors()[0].from, Ipv4Address::parse("10.0.2.20"));
  EXPECT_EQ(net.trace().drop_count(h2.id(), trace::DropReason::port_unreachable), 1u);
}

}  // namespace
}  // namespace vpcsim
