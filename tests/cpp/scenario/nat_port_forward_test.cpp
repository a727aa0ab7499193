// docker run -p 8080:80/udp, as tests/oracle/topologies.py NAT_PORT_FORWARD builds it from namespaces
// (DNAT of UDP 8080 arriving on eth1 to 172.17.0.2:80, masquerade of 172.17.0.0/16 out of eth1):
//
//   web 172.17.0.2 ─ eth0 172.17.0.1 [nat1] eth1 203.0.113.1 ─ client 203.0.113.50
//
// The client reaches web through the published port, gets a port unreachable from nat1 itself for an
// unmapped port and one from web (translated on its way out) for a port published to a closed one; web's
// own ping to the client is masqueraded, and web's try of the published port from inside (hairpin) is
// answered by nat1 itself, because the rule is for eth1 only (as docker's -i ! docker0 ... rules).
#include <gtest/gtest.h>

#include "libnet/node/nat_router.h"
#include "libnet/node/network.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_apps.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using core::kMillisecond;
using core::kSecond;
using wire::Ipv4Address;

Ipv4Address ip(const char* text) { return Ipv4Address::parse(text); }

TEST(OracleNatPortForward, PublishedPortsUnmappedPortPingOutAndHairpin) {
  node::Network net(1);
  auto& web = net.add_host("web");
  auto& nat1 = net.add_nat("nat1");
  auto& client = net.add_host("client");
  web.add_interface("eth0", "172.17.0.2/16");
  web.set_default_gateway(ip("172.17.0.1"));
  nat1.add_interface("eth0", "172.17.0.1/16");
  nat1.add_interface("eth1", "203.0.113.1/24");
  nat1.add_dnat(stack::DnatRule{wire::kIpProtoUdp, 8080, "eth1", ip("172.17.0.2"), 80});
  nat1.add_dnat(stack::DnatRule{wire::kIpProtoUdp, 8081, "eth1", ip("172.17.0.2"), 81});
  nat1.add_snat(stack::SnatRule{wire::Ipv4Prefix::parse("172.17.0.0/16"), "eth1", {}, {}});
  client.add_interface("eth0", "203.0.113.50/24");
  net.connect("web.eth0", "nat1.eth0");
  net.connect("nat1.eth1", "client.eth0");
  testing::ScenarioCapture pcaps(net);

  const Ipv4Address published = ip("203.0.113.1");
  auto& server = web.add_application<node::UdpResponder>({80, "pong"});
  auto& mapped = client.add_application<node::UdpClient>({published, 8080, 5000, "hi", 0, 1, kSecond});
  auto& unmapped = client.add_application<node::UdpClient>({published, 9999, 5001, "hi", 500 * kMillisecond, 1, kSecond});
  auto& closed = client.add_application<node::UdpClient>({published, 8081, 5002, "hi", kSecond, 1, kSecond});
  auto& ping = web.add_application<node::Ping>({ip("203.0.113.50"), 1, kSecond, 1500 * kMillisecond, 56, 64});
  auto& hairpin = web.add_application<node::UdpClient>({published, 8080, 5003, "hi", 2 * kSecond, 1, kSecond});
  net.run_until(3500 * kMillisecond);

  EXPECT_EQ(mapped.outcome(), node::Outcome::reply);
  ASSERT_EQ(mapped.replies().size(), 1u);
  EXPECT_EQ(mapped.replies()[0], "pong");
  EXPECT_EQ(server.received(), 1u);
  EXPECT_EQ(unmapped.outcome(), node::Outcome::unreachable);
  ASSERT_EQ(unmapped.errors().size(), 1u);
  EXPECT_EQ(unmapped.errors()[0].from, published);  // the box itself answers
  ASSERT_EQ(closed.errors().size(), 1u);
  EXPECT_EQ(closed.errors()[0].from, published);  // web's port unreachable, its source translated
  EXPECT_EQ(ping.outcome(), node::Outcome::reply);
  ASSERT_EQ(hairpin.errors().size(), 1u);
  EXPECT_EQ(hairpin.errors()[0].from, published);
  EXPECT_EQ(server.received(), 1u);  // the hairpin datagram never reached web

}

}  // namespace
}  // namespace vpcsim
