// A router with no route answers ICMP net unreachable; an `unreachable` route answers host unreachable;
// a `blackhole` route drops without a word. The topology is scenarios/private_to_internet_no_nat.yaml's
// (tests/oracle/topologies.py reads it from there; tests/python/test_scenario_files.py holds the two
// byte for byte).
#include <gtest/gtest.h>

#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "support/frame_log.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using wire::Ipv4Address;

TEST(OracleNoRoute, NetUnreachableUnreachableAndBlackholeRoutes) {
  node::Network net(1);
  auto& h1 = net.add_host("h1");
  auto& r1 = net.add_router("r1");
  auto& h2 = net.add_host("h2");
  h1.add_interface("eth0", "10.0.1.10/24");
  h1.set_default_gateway(Ipv4Address::parse("10.0.1.1"));
  r1.add_interface("eth0", "10.0.1.1/24");
  r1.add_interface("eth1", "10.0.2.1/24");
  r1.add_special_route(wire::Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::unreachable);
  r1.add_special_route(wire::Ipv4Prefix::parse("192.0.2.0/24"), stack::RouteType::blackhole);
  h2.add_interface("eth0", "10.0.2.20/24");
  net.connect("h1.eth0", "r1.eth0");
  net.connect("r1.eth1", "h2.eth0");
  testing::ScenarioCapture pcaps(net);
  testing::FrameLog h1_log(h1.interface("eth0"));

  auto& no_route = h1.add_application<node::Ping>({Ipv4Address::parse("203.0.113.9"), 1, core::kSecond, 0, 56, 64});
  auto& unreachable = h1.add_application<node::Ping>({Ipv4Address::parse("198.51.100.7"), 1, core::kSecond, core::kSecond, 56, 64});
  auto& blackhole = h1.add_application<node::Ping>({Ipv4Address::parse("192.0.2.1"), 1, core::kSecond, 2 * core::kSecond, 56, 64});
  net.run_until(3 * core::kSecond);

  EXPECT_EQ(h1_log.lines(), (std::vector<std::string>{
      "ARP request bcast who-has 10.0.1.1 tell 10.0.1.10",
      "ARP reply 10.0.1.1 is-at",
      "IPv4 10.0.1.10>203.0.113.9 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
      "IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=0 "
      "quoting[IPv4 10.0.1.10>203.0.113.9 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1 (84 bytes)]",
      "IPv4 10.0.1.10>198.51.100.7 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
      "IPv4 10.0.1.1>10.0.1.10 ttl=64 tos=0xc0 df=0 len=112 ICMP dest-unreachable code=1 "
      "quoting[IPv4 10.0.1.10>198.51.100.7 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1 (84 bytes)]",
      "IPv4 10.0.1.10>192.0.2.1 ttl=64 tos=0x00 df=1 len=84 ICMP echo-request seq=1",
  }));
  ASSERT_EQ(no_route.errors().size(), 1u);
  EXPECT_EQ(no_route.errors()[0].text, "Destination Net Unreachable");
  EXPECT_EQ(no_route.outcome(), node::Outcome::unreachable);
  ASSERT_EQ(unreachable.errors().size(), 1u);
  EXPECT_EQ(unreachable.errors()[0].text, "Destination Host Unreachable");
  EXPECT_EQ(net.trace().drop_count(r1.id(), trace::DropReason::no_route), 1u);
  EXPECT_EQ(net.trace().drop_count(r1.id(), trace::DropReason::unreachable_route), 1u);
  EXPECT_TRUE(blackhole.errors().empty());
  EXPECT_EQ(net.trace().drop_count(r1.id(), trace::DropReason::blackhole_route), 1u);
  bool named = false;
  for (const auto& e : net.trace().events())
    if (e.kind == trace::TraceKind::dropped && e.detail == "no route to 203.0.113.9 at r1") named = true;
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace vpcsim
