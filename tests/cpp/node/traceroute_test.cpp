// Traceroute over a chain of routers, as Linux traceroute's default UDP probes behave:
//
//   h1 10.0.1.10 ─ .1 [r1] .1 ─ 10.0.12.0/24 ─ .2 [r2] .2 ─ 10.0.23.0/24 ─ .3 [r3] .3 ─ 10.0.3.20 h2
//
// Each router answers from its interface toward h1; the destination answers port unreachable; ports
// count up from 33434 across every probe; a blackholing hop shows as '*'.
#include "libnet/node/traceroute.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libnet/node/network.h"
#include "libnet/wire/icmp.h"
#include "support/frame_log.h"

namespace vpcsim::node {
namespace {

using core::kSecond;
using wire::Ipv4Address;
using wire::Ipv4Prefix;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

class TracerouteTest : public ::testing::Test {
 protected:
  Network net{1};
  Host& h1 = net.add_host("h1");
  Router& r1 = net.add_router("r1");
  Router& r2 = net.add_router("r2");
  Router& r3 = net.add_router("r3");
  Host& h2 = net.add_host("h2");

  TracerouteTest() {
    h1.add_interface("eth0", "10.0.1.10/24");
    h1.set_default_gateway(ip("10.0.1.1"));
    r1.add_interface("eth0", "10.0.1.1/24");
    r1.add_interface("eth1", "10.0.12.1/24");
    r1.set_default_gateway(ip("10.0.12.2"));
    r2.add_interface("eth0", "10.0.12.2/24");
    r2.add_interface("eth1", "10.0.23.2/24");
    r2.add_route(Ipv4Prefix::parse("10.0.1.0/24"), ip("10.0.12.1"));
    r2.add_route(Ipv4Prefix::parse("10.0.3.0/24"), ip("10.0.23.3"));
    r3.add_interface("eth0", "10.0.23.3/24");
    r3.add_interface("eth1", "10.0.3.3/24");
    r3.set_default_gateway(ip("10.0.23.2"));
    h2.add_interface("eth0", "10.0.3.20/24");
    h2.set_default_gateway(ip("10.0.3.3"));
    net.connect("h1.eth0", "r1.eth0");
    net.connect("r1.eth1", "r2.eth0");
    net.connect("r2.eth1", "r3.eth0");
    net.connect("r3.eth1", "h2.eth0");
  }
  TracerouteConfig to(const char* destination) {
    TracerouteConfig config;
    config.destination = ip(destination);
    return config;
  }
};

TEST_F(TracerouteTest, HopsAreTheRoutersInterfacesTowardTheSourceThenTheDestination) {
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  ASSERT_TRUE(tr.finished());
  EXPECT_TRUE(tr.reached());
  EXPECT_EQ(tr.outcome(), Outcome::reply);
  const std::vector<Ipv4Address> expected = {ip("10.0.1.1"), ip("10.0.12.2"), ip("10.0.23.3"), ip("10.0.3.20")};
  ASSERT_EQ(tr.hops().size(), expected.size()) << tr.summary();
  for (std::size_t h = 0; h < expected.size(); ++h) {
    const TracerouteHop& hop = tr.hops()[h];
    EXPECT_EQ(hop.ttl, h + 1);
    ASSERT_EQ(hop.probes.size(), 3u);
    for (const auto& probe : hop.probes) {
      EXPECT_TRUE(probe.answered) << "hop " << h + 1;
      EXPECT_EQ(probe.from, expected[h]) << "hop " << h + 1;
      EXPECT_GT(probe.rtt, 0);
      if (h + 1 < expected.size()) {
        EXPECT_EQ(probe.type, wire::kIcmpTimeExceeded);
        EXPECT_EQ(probe.code, wire::kIcmpCodeTtlExceeded);
      } else {
        EXPECT_EQ(probe.type, wire::kIcmpDestUnreachable);
        EXPECT_EQ(probe.code, wire::kIcmpCodePortUnreachable);
      }
    }
  }
}

TEST_F(TracerouteTest, PortsCountUpFrom33434AcrossEveryProbe) {
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  std::uint16_t port = 33434;
  for (const auto& hop : tr.hops())
    for (const auto& probe : hop.probes) EXPECT_EQ(probe.port, port++);
  EXPECT_EQ(port, 33434 + 12);
}

TEST_F(TracerouteTest, ProbesOnTheWireAreSixtyByteUdpWithTheHopTtl) {
  testing::FrameLog log(h1.interface("eth0"));
  h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  std::vector<std::vector<std::uint8_t>> probes;
  for (std::size_t i = 0; i < log.frames().size(); ++i)
    if (log.directions()[i] == link::Direction::tx && log.lines()[i].find(" UDP ") != std::string::npos)
      probes.push_back(log.frames()[i]);
  ASSERT_EQ(probes.size(), 12u);
  for (std::size_t i = 0; i < probes.size(); ++i) {
    auto eth = wire::EthernetView::parse(probes[i]);
    ASSERT_TRUE(eth);
    auto v = wire::Ipv4View::parse(eth->payload());
    ASSERT_TRUE(v);
    EXPECT_EQ(v->total_len(), 60);
    EXPECT_EQ(v->ttl(), i / 3 + 1);
    EXPECT_FALSE(v->dont_fragment()) << "traceroute does not set DF unless -F";
    EXPECT_EQ(v->protocol(), wire::kIpProtoUdp);
    const auto udp = v->payload();
    EXPECT_EQ(wire::load_be16(udp.data() + 2), 33434 + i);
    EXPECT_EQ(udp[8], '@');
    EXPECT_EQ(udp[9], 'A');
  }
}

// traceroute 2.1's default UDP method opens a socket per probe: every probe has its own ephemeral source
// port (a NAT in between sees each probe as a flow of its own; tests/oracle nat_masquerade shows it).
TEST_F(TracerouteTest, EachProbeLeavesFromItsOwnEphemeralPort) {
  testing::FrameLog log(h1.interface("eth0"));
  h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  std::vector<std::uint16_t> ports;
  for (std::size_t i = 0; i < log.frames().size(); ++i) {
    if (log.directions()[i] != link::Direction::tx || log.lines()[i].find(" UDP ") == std::string::npos) continue;
    auto eth = wire::EthernetView::parse(log.frames()[i]);
    ASSERT_TRUE(eth);
    auto v = wire::Ipv4View::parse(eth->payload());
    ASSERT_TRUE(v);
    ports.push_back(wire::load_be16(v->payload().data()));
  }
  ASSERT_EQ(ports.size(), 12u);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    EXPECT_GE(ports[i], 32768) << "probe " << i;
    EXPECT_LE(ports[i], 60999) << "probe " << i;
    if (i > 0) {
      EXPECT_NE(ports[i], ports[i - 1]) << "probes " << i - 1 << " and " << i;
    }
  }
}

TEST_F(TracerouteTest, StopsAtTheDestination) {
  auto config = to("10.0.3.20");
  config.max_hops = 30;
  auto& tr = h1.add_application<Traceroute>(config);
  net.run();
  EXPECT_EQ(tr.hops().size(), 4u);
  EXPECT_EQ(tr.hops().back().ttl, 4);
}

TEST_F(TracerouteTest, ProbesGoOneAtATime) {
  testing::FrameLog log(h2.interface("eth0"));
  h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  // Each probe that reaches h2 is answered before the next is sent: request, answer, request, ...
  std::vector<std::string> at_h2;
  for (const auto& line : log.lines())
    if (line.rfind("IPv4", 0) == 0) at_h2.push_back(line);
  ASSERT_EQ(at_h2.size(), 6u);
  for (std::size_t i = 0; i < at_h2.size(); i += 2) {
    EXPECT_NE(at_h2[i].find(" UDP "), std::string::npos) << at_h2[i];
    EXPECT_NE(at_h2[i + 1].find("dest-unreachable code=3"), std::string::npos) << at_h2[i + 1];
  }
}

TEST_F(TracerouteTest, SummaryLooksLikeTraceroute) {
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  const std::string text = tr.summary();
  EXPECT_EQ(text.rfind("traceroute to 10.0.3.20\n", 0), 0u) << text;
  EXPECT_NE(text.find(" 1  10.0.1.1  "), std::string::npos) << text;
  EXPECT_NE(text.find(" 4  10.0.3.20  "), std::string::npos) << text;
}

TEST_F(TracerouteTest, ABlackholingHopShowsStarsUntilMaxHops) {
  r2.add_special_route(Ipv4Prefix::parse("10.0.3.0/25"), stack::RouteType::blackhole);
  auto config = to("10.0.3.20");
  config.max_hops = 4;
  config.wait = kSecond;
  auto& tr = h1.add_application<Traceroute>(config);
  net.run();
  ASSERT_TRUE(tr.finished());
  EXPECT_FALSE(tr.reached());
  EXPECT_EQ(tr.outcome(), Outcome::timeout);
  ASSERT_EQ(tr.hops().size(), 4u);
  for (const auto& probe : tr.hops()[0].probes) {
    EXPECT_TRUE(probe.answered);
    EXPECT_EQ(probe.from, ip("10.0.1.1"));
  }
  for (std::size_t h = 1; h < 4; ++h)
    for (const auto& probe : tr.hops()[h].probes) EXPECT_FALSE(probe.answered) << "hop " << h + 1;
  EXPECT_NE(tr.summary().find(" 2  * * *"), std::string::npos) << tr.summary();
  EXPECT_EQ(net.trace().drop_count(r2.id(), trace::DropReason::blackhole_route), 9u);
}

TEST_F(TracerouteTest, EachSilentProbeWaitsTheFullWait) {
  r2.add_special_route(Ipv4Prefix::parse("10.0.3.0/25"), stack::RouteType::blackhole);
  auto config = to("10.0.3.20");
  config.max_hops = 2;
  config.wait = 2 * kSecond;
  auto& tr = h1.add_application<Traceroute>(config);
  // Hop 1 answers within a millisecond (ARP included); hop 2's three probes each wait 2 s.
  net.run_until(6 * kSecond - core::kMillisecond);
  EXPECT_FALSE(tr.finished());
  net.run_until(6 * kSecond + core::kMillisecond);
  EXPECT_TRUE(tr.finished());
}

TEST_F(TracerouteTest, UnreachableNetworkStopsAfterThatHop) {
  auto& tr = h1.add_application<Traceroute>(to("10.0.99.1"));  // r1 sends it to r2, which has no route
  net.run();
  ASSERT_EQ(tr.hops().size(), 2u) << tr.summary();
  const auto& probe = tr.hops()[1].probes[0];
  EXPECT_EQ(probe.from, ip("10.0.12.2"));
  EXPECT_EQ(probe.type, wire::kIcmpDestUnreachable);
  EXPECT_EQ(probe.code, wire::kIcmpCodeNetUnreachable);
  EXPECT_FALSE(tr.reached());
  EXPECT_EQ(tr.outcome(), Outcome::unreachable);
}

TEST_F(TracerouteTest, FirstTtlAndQueriesAreHonoured) {
  auto config = to("10.0.3.20");
  config.first_ttl = 2;
  config.queries = 1;
  auto& tr = h1.add_application<Traceroute>(config);
  net.run();
  ASSERT_EQ(tr.hops().size(), 3u);
  EXPECT_EQ(tr.hops()[0].ttl, 2);
  EXPECT_EQ(tr.hops()[0].probes.size(), 1u);
  EXPECT_EQ(tr.hops()[0].probes[0].from, ip("10.0.12.2"));
  EXPECT_EQ(tr.hops()[0].probes[0].port, 33434);
}

TEST_F(TracerouteTest, ReleasesItsPortWhenFinished) {
  testing::FrameLog log(h1.interface("eth0"));
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  ASSERT_TRUE(tr.finished());
  std::uint16_t source_port = 0;
  for (std::size_t i = 0; i < log.frames().size() && source_port == 0; ++i)
    if (log.directions()[i] == link::Direction::tx && log.lines()[i].find(" UDP ") != std::string::npos)
      source_port = wire::load_be16(log.frames()[i].data() + 14 + 20);
  ASSERT_GE(source_port, 32768) << "an ephemeral port";
  ASSERT_LE(source_port, 60999);
  struct Sink final : UdpHandler {
    void on_datagram(IpNode&, const ReceivedDatagram&) override {}
    void on_icmp_error(IpNode&, const IcmpErrorReport&) override {}
  } sink;
  EXPECT_NO_THROW(h1.bind_udp(source_port, sink)) << "the probing socket was closed";
  h1.unbind_udp(source_port);
}

TEST_F(TracerouteTest, TwoTraceroutesFromOneHostDoNotMixTheirAnswers) {
  auto& a = h1.add_application<Traceroute>(to("10.0.3.20"));
  auto& b = h1.add_application<Traceroute>(to("10.0.23.3"));
  net.run();
  EXPECT_TRUE(a.reached());
  EXPECT_TRUE(b.reached());
  EXPECT_EQ(a.hops().size(), 4u);
  EXPECT_EQ(b.hops().size(), 3u);
  EXPECT_EQ(b.hops().back().probes[0].from, ip("10.0.23.3"));
}

// A first probe that cannot leave at all (no route on the source) makes the run `unreachable`, not `timeout`.
TEST_F(TracerouteTest, NoLocalRouteIsUnreachableNotTimeout) {
  h1.remove_route(Ipv4Prefix());
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  EXPECT_TRUE(tr.finished());
  EXPECT_EQ(tr.outcome(), Outcome::unreachable);
}

TEST_F(TracerouteTest, NoLocalRouteFinishesAtOnce) {
  h1.remove_route(Ipv4Prefix());
  auto& tr = h1.add_application<Traceroute>(to("10.0.3.20"));
  net.run();
  EXPECT_TRUE(tr.finished());
  EXPECT_FALSE(tr.reached());
  EXPECT_EQ(net.trace().total_drops(), 0u);
}

}  // namespace
}  // namespace vpcsim::node
