// The classic public/private VPC (tests/cpp/cloud/classic_vpc.h) against the kernel: the cloud layer
// compiles it onto nodes, and tests/oracle/topologies.py VPC_PUBLIC_PRIVATE builds the same nodes,
// interfaces, addresses and links from namespaces (policy routing for the per-subnet route tables, a
// mangle TTL +1 for the router that does not decrement it, DNAT/SNAT pairs for the internet gateway,
// MASQUERADE for the NAT gateway):
//
//   web 10.0.1.10 ──┐
//   nat-a 10.0.1.4 ─┴ public-a ─ public-a [main-router] igw ─ vpc [igw-main] internet ─ igw-main [internet] ─ ext
//   db 10.0.2.10 ─── private-a ─ private-a            169.254.0.1/.2       100.64.0.2/.1            203.0.113.10
//
// ext pings web's public address 198.51.100.10, web pings ext, db pings ext through nat-a (Elastic IP
// 198.51.100.20), and db sends UDP to ext's echo server and to a closed port: the port unreachable is
// translated back twice, by the internet gateway and by the NAT gateway. Last, web pings the VPC router
// and db an address of the VPC's block in no subnet: no answer and no error, on either side.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cloud/classic_vpc.h"
#include "libnet/node/ping.h"
#include "libnet/node/udp_apps.h"
#include "support/scenario_capture.h"

namespace vpcsim {
namespace {

using cloud::testing::A;
using core::kMillisecond;
using core::kSecond;

TEST(OracleVpcPublicPrivate, PingsBothWaysAndUdpThroughTheNatGateway) {
  cloud::testing::ClassicVpc c;
  // topologies.py spells these out; the layout must not drift from it.
  ASSERT_EQ(c.nat.private_ip(), A("10.0.1.4"));
  ASSERT_EQ(c.igw.vpc_side_address(), A("169.254.0.2"));
  ASSERT_EQ(c.igw.internet_side_address(), A("100.64.0.2"));
  // The links topologies.py captures: every interface of every node that is not a switch.
  std::vector<std::string> links;
  for (const auto& node : c.net.nodes())
    if (node->kind() != node::NodeKind::switch_)
      for (const auto& iface : node->interfaces()) links.push_back(node->name() + "-" + iface->name());
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (std::vector<std::string>{"db-eth0", "ext-eth0", "igw-main-internet", "igw-main-vpc",
                                             "internet-igw-main", "internet-net-203-0-113", "main-router-igw",
                                             "main-router-private-a", "main-router-public-a", "nat-a-eth0",
                                             "web-eth0"}));
  testing::ScenarioCapture pcaps(c.net);

  const wire::Ipv4Address ext = A("203.0.113.10");
  auto& echo = c.ext->add_application<node::UdpResponder>({9000, "pong"});
  auto& in = c.ext->add_application<node::Ping>({A("198.51.100.10"), 1, kSecond, 0, 56, 64});
  auto& out = c.web->add_application<node::Ping>({ext, 1, kSecond, 500 * kMillisecond, 56, 64});
  auto& natted = c.db->add_application<node::Ping>({ext, 1, kSecond, 1000 * kMillisecond, 56, 64});
  auto& open = c.db->add_application<node::UdpClient>({ext, 9000, 5000, "hi", 1500 * kMillisecond, 1, kSecond});
  auto& closed = c.db->add_application<node::UdpClient>({ext, 9999, 5001, "hi", 2000 * kMillisecond, 1, kSecond});
  // The VPC router answers nothing but ARP, and refuses silently (no ICMP errors).
  auto& router = c.web->add_application<node::Ping>({A("10.0.1.1"), 1, kSecond, 2500 * kMillisecond, 56, 64});
  auto& nowhere = c.db->add_application<node::Ping>({A("10.0.3.5"), 1, kSecond, 2750 * kMillisecond, 56, 64});
  c.net.run_until(3500 * kMillisecond);

  EXPECT_EQ(in.outcome(), node::Outcome::reply);
  EXPECT_EQ(out.outcome(), node::Outcome::reply);
  EXPECT_EQ(natted.outcome(), node::Outcome::reply);
  EXPECT_EQ(open.outcome(), node::Outcome::reply);
  EXPECT_EQ(echo.received(), 1u);
  ASSERT_EQ(closed.errors().size(), 1u);
  EXPECT_EQ(closed.errors()[0].from, ext);  // translated back by igw-main, then by nat-a
  EXPECT_TRUE(router.replies().empty());
  EXPECT_TRUE(router.errors().empty());
  EXPECT_TRUE(nowhere.replies().empty());
  EXPECT_TRUE(nowhere.errors().empty());
}

}  // namespace
}  // namespace vpcsim
