// IpNode (Host and Router) against Linux (net/ipv4/icmp.c, route.c, neighbour.c): ICMP error rate
// limiting, an ARP failure at a router, and route configuration errors. The receive path has its own
// tests (ip_input_test.cpp); fixture and topology: ip_node_fixture.h.
#include "libnet/node/ip_node.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "libnet/core/error.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_apps.h"
#include "ip_node_fixture.h"

namespace vpcsim::node {
namespace {

using namespace ip_node_fixture;

// --- rate limiting --------------------------------------------------------------------------------------

TEST_F(IpNodeTest, ErrorsAreRateLimitedPerDestinationBurstSixThenOnePerSecond) {
  for (int i = 0; i < 10; ++i) h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(8), ttl(1));
  net.run_until(kSecond);
  EXPECT_EQ(h1_rx_icmp().size(), 6u);
  EXPECT_EQ(r1.ip_counters().icmp_rate_limited, 4u);
  // 1.5 s later one token has come back (and half of another).
  net.run_until(kSecond + kSecond / 2);
  for (int i = 0; i < 3; ++i) h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(8), ttl(1));
  net.run_until(2 * kSecond);
  EXPECT_EQ(h1_rx_icmp().size(), 7u);
  EXPECT_EQ(r1.ip_counters().icmp_rate_limited, 6u);
  // After a long pause the bucket is full again, but holds no more than the burst.
  net.run_until(100 * kSecond);
  for (int i = 0; i < 10; ++i) h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(8), ttl(1));
  net.run_until(101 * kSecond);
  EXPECT_EQ(h1_rx_icmp().size(), 13u);
}

TEST_F(IpNodeTest, RateLimitIsPerDestination) {
  for (int i = 0; i < 10; ++i) h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(8), ttl(1));
  for (int i = 0; i < 10; ++i)
    inj.send(to_r1(ipv4({inj.address, ip("10.0.2.20"), wire::kIpProtoUdp, 1},
                        udp(inj.address, ip("10.0.2.20"), 1, 2, {}))));
  net.run_until(kSecond);
  EXPECT_EQ(h1_rx_icmp().size(), 6u);
  EXPECT_EQ(inj.received_icmp().size(), 6u);
}

TEST_F(IpNodeTest, FragmentationNeededIsNotRateLimited) {
  r1.interface("eth1").set_mtu(576);
  for (int i = 0; i < 10; ++i) h1.send_udp(40000, ip("10.0.2.20"), 9, pattern(1000), ttl(64, true));
  net.run_until(kSecond);
  EXPECT_EQ(h1_rx_icmp().size(), 10u);
  EXPECT_EQ(r1.ip_counters().icmp_rate_limited, 0u);
}

// --- ARP failure at a router ----------------------------------------------------------------------------

TEST_F(IpNodeTest, ArpFailureAtARouterSendsHostUnreachableToTheSender) {
  auto& ping = h1.add_application<Ping>({ip("10.0.2.99"), 1, kSecond, 0, 56, 64});
  net.run_until(10 * kSecond);
  ASSERT_EQ(ping.errors().size(), 1u);
  EXPECT_EQ(ping.errors()[0].from, ip("10.0.1.1"));
  EXPECT_EQ(ping.errors()[0].text, "Destination Host Unreachable");
  EXPECT_EQ(drops(r1, trace::DropReason::arp_failed), 1u);
  const auto errors = h1_rx_icmp();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].icmp_code(), wire::kIcmpCodeHostUnreachable);
  const Bytes body = errors[0].icmp_body();
  const auto quoted = wire::Ipv4View::parse(body);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->ttl(), 63) << "Linux quotes the packet as it waited in the neighbour queue, TTL decremented";
  // ~3 s of ARP at r1, plus the links.
  const auto& lines = h1_log->lines();
  const auto at = std::find_if(lines.begin(), lines.end(),
                               [](const std::string& l) { return l.find("dest-unreachable") != std::string::npos; });
  ASSERT_NE(at, lines.end());
  const Time when = h1_log->times()[static_cast<std::size_t>(at - lines.begin())];
  EXPECT_GE(when, 3 * kSecond);
  EXPECT_LT(when, 3 * kSecond + kSecond / 1000);
}

// --- configuration ------------------------------------------------------------------------------------

TEST_F(IpNodeTest, GatewayMustBeOnAConnectedSubnet) {
  try {
    h1.add_route(Ipv4Prefix::parse("10.9.0.0/16"), ip("10.0.5.1"));
    FAIL() << "accepted";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.object(), "h1");
    const std::string what = e.what();
    EXPECT_NE(what.find("10.0.5.1 is not on a connected subnet"), std::string::npos) << what;
    EXPECT_NE(what.find("route 10.9.0.0/16 via 10.0.5.1"), std::string::npos) << what;
  }
  EXPECT_EQ(h1.routing_table().find_exact(Ipv4Prefix::parse("10.9.0.0/16")), nullptr);
}

TEST_F(IpNodeTest, GatewayCannotBeTheNodesOwnAddress) {
  EXPECT_THROW(h1.add_route(Ipv4Prefix::parse("10.9.0.0/16"), ip("10.0.1.10")), core::ConfigError);
}

TEST_F(IpNodeTest, DuplicatePrefixIsAConfigError) {
  // h1 already has 0.0.0.0/0 via 10.0.1.1.
  EXPECT_THROW(h1.set_default_gateway(ip("10.0.1.2")), core::ConfigError);
  EXPECT_THROW(r1.add_special_route(Ipv4Prefix::parse("10.0.1.0/24"), stack::RouteType::blackhole), core::ConfigError)
      << "the connected route holds that prefix";
  EXPECT_EQ(h1.routing_table().lookup(ip("8.8.8.8"))->gateway, ip("10.0.1.1"));
}

TEST_F(IpNodeTest, OverlappingSubnetsOnTwoInterfacesAreAConfigErrorNamingBoth) {
  try {
    r1.add_interface("eth3", "10.0.0.1/16");
    FAIL() << "accepted";
  } catch (const core::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.object(), "r1.eth3");
    EXPECT_NE(what.find("10.0.0.1/16 overlaps 10.0.1.1/24 on r1.eth0"), std::string::npos) << what;
  }
}

TEST_F(IpNodeTest, SecondAddressInTheSameSubnetOnTheSameInterfaceIsFine) {
  r1.add_address("eth0", wire::Ipv4InterfaceAddress::parse("10.0.1.2/24"));
  EXPECT_TRUE(r1.is_local_address(ip("10.0.1.2")));
  EXPECT_EQ(r1.routing_table().find_exact(Ipv4Prefix::parse("10.0.1.0/24"))->preferred_source, ip("10.0.1.1"))
      << "the connected route keeps the first address as its source";
}

TEST_F(IpNodeTest, ConnectedRoutesAreAddedWithTheInterfaceAddressAsSource) {
  const stack::Route* route = r1.routing_table().find_exact(Ipv4Prefix::parse("10.0.2.0/24"));
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->origin, stack::RouteOrigin::connected);
  EXPECT_EQ(route->interface_name, "eth1");
  EXPECT_EQ(route->preferred_source, ip("10.0.2.1"));
  EXPECT_FALSE(route->has_gateway());
}

TEST_F(IpNodeTest, SpecialRouteMustNotBeUnicastAndInterfaceMustExist) {
  EXPECT_THROW(r1.add_special_route(Ipv4Prefix::parse("198.51.100.0/24"), stack::RouteType::unicast),
               core::ConfigError);
  try {
    r1.add_route(Ipv4Prefix::parse("198.51.100.0/24"), "eth9");
    FAIL() << "accepted";
  } catch (const core::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no interface 'eth9' (it has eth0, eth1, eth2)"), std::string::npos) << what;
  }
}

// fib_check_nh: a gateway reachable through any on-link route (a device route too) is accepted.
TEST_F(IpNodeTest, GatewayReachableThroughAnOnLinkRouteIsAccepted) {
  r1.add_route(Ipv4Prefix::parse("10.9.0.0/16"), "eth1");
  EXPECT_NO_THROW(r1.add_route(Ipv4Prefix::parse("10.8.0.0/16"), ip("10.9.0.1")));
}

TEST_F(IpNodeTest, OnLinkRouteSendsStraightToTheDestination) {
  r1.add_route(Ipv4Prefix::parse("10.0.2.128/25"), "eth1");
  // 10.0.2.20 is still reached through the connected /24; the /25 is on-link too: r1 ARPs for 10.0.2.200.
  testing::FrameLog r1_eth1(r1.interface("eth1"));
  h1.send_udp(1, ip("10.0.2.200"), 1, pattern(4));
  net.run_until(kSecond / 2);
  ASSERT_FALSE(r1_eth1.lines().empty());
  EXPECT_EQ(r1_eth1.lines()[0], "ARP request bcast who-has 10.0.2.200 tell 10.0.2.1");
}

}  // namespace
}  // namespace vpcsim::node
