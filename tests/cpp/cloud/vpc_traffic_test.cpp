// Traffic through the classic public/private VPC, end to end on the simulated wire: what AWS lets
// through and what it stops.
#include <gtest/gtest.h>

#include "classic_vpc.h"
#include "libnet/node/ping.h"
#include "libnet/node/tcp_apps.h"
#include "libnet/node/udp_apps.h"

namespace vpcsim::cloud {
namespace {

using testing::A;
using testing::ClassicVpc;

node::PingConfig ping_to(std::string_view to) {
  node::PingConfig config;
  config.destination = A(to);
  config.count = 1;
  return config;
}

TEST(VpcTraffic, InternetHostPingsWebAtItsPublicAddress) {
  ClassicVpc c;
  node::Ping& ping = c.ext->add_application<node::Ping>(ping_to("198.51.100.10"));
  c.net.run_for(2 * core::kSecond);
  EXPECT_EQ(ping.replies().size(), 1u);
}

TEST(VpcTraffic, DbReachesTheInternetThroughTheNatGatewayButNotTheOtherWay) {
  ClassicVpc c;
  node::Ping& out = c.db->add_application<node::Ping>(ping_to("203.0.113.10"));
  c.net.run_for(2 * core::kSecond);
  EXPECT_EQ(out.replies().size(), 1u);
  ASSERT_EQ(c.nat.translations().size(), 1u);
  EXPECT_EQ(c.nat.translations()[0].original.src, A("10.0.2.10"));
  EXPECT_EQ(c.nat.translations()[0].reply.dst, c.nat.private_ip());

  node::Ping& in = c.ext->add_application<node::Ping>(ping_to("198.51.100.20"));  // the NAT gateway's Elastic IP
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(in.replies().empty());
  EXPECT_GT(c.net.trace().drop_count(c.nat.id(), trace::DropReason::nat_gateway_refused), 0u);
}

TEST(VpcTraffic, InstanceWithoutPublicAddressHasNoInternetEvenInAPublicSubnet) {
  ClassicVpc c;
  Instance& lonely = c.vpc.add_instance("lonely", c.pub, {.security_groups = {"web-sg"}});
  EXPECT_EQ(lonely.private_ip(), A("10.0.1.5"));  // .4 is the NAT gateway: the first free after the reserved four
  node::Ping& ping = lonely.add_application<node::Ping>(ping_to("203.0.113.10"));
  c.net.run_for(2 * core::kSecond);
  EXPECT_TRUE(ping.replies().empty());
  EXPECT_EQ(c.net.trace().drop_count(c.igw.id(), trace::DropReason::no_public_address), 1u);
}

TEST(VpcTraffic, SecurityGroupsAreStatefulAndAllowOnly) {
  ClassicVpc c;
  // web-sg admits tcp 80; db-sg admits 5432 from web-sg members only.
  c.web->add_application<node::TcpServer>({80, "hello"});
  c.db->add_application<node::TcpServer>({5432, "db"});
  node::TcpClientConfig to_web;
  to_web.destination = A("198.51.100.10");
  to_web.dst_port = 80;
  to_web.data = "GET /";
  node::TcpClient& fetch = c.ext->add_application<node::TcpClient>(to_web);
  node::TcpClientConfig to_db;
  to_db.destination = A("10.0.2.10");
  to_db.dst_port = 5432;
  to_db.data = "SELECT 1";
  node::TcpClient& query = c.web->add_application<node::TcpClient>(to_db);
  c.net.run_for(5 * core::kSecond);
  EXPECT_EQ(fetch.reply(), "hello");
  EXPECT_EQ(query.reply(), "db");
  // The db's own connection out to web's port 22 is refused by web-sg (no rule), silently.
  node::TcpClientConfig ssh;
  ssh.destination = A("10.0.1.10");
  ssh.dst_port = 22;
  node::TcpClient& denied = c.db->add_application<node::TcpClient>(ssh);
  c.net.run_for(3 * core::kSecond);
  EXPECT_FALSE(denied.connected());
  EXPECT_GT(c.net.trace().drop_count(c.web->id(), trace::DropReason::security_group_denied), 0u);
}

}  // namespace
}  // namespace vpcsim::cloud

namespace vpcsim::cloud {
namespace {

TEST(VpcTraffic, NetworkAclsApplyAtTheSubnetBoundaryNotWithin) {
  ClassicVpc c;
  NetworkAcl& closed = c.vpc.add_network_acl("closed");  // a new ACL denies everything both ways
  c.pub.set_network_acl(closed);
  c.web_sg.add_ingress(testing::from_cidr(testing::traffic("all"), "10.0.0.0/16"));
  Instance& neighbour = c.vpc.add_instance("neighbour", c.pub, {.security_groups = {"web-sg"}});
  node::PingConfig to_web;
  to_web.destination = A("10.0.1.10");
  node::Ping& within = neighbour.add_application<node::Ping>(to_web);
  node::Ping& across = c.db->add_application<node::Ping>(to_web);
  c.net.run_for(2 * core::kSecond);
  EXPECT_EQ(within.replies().size(), 1u);  // same subnet: the ACL is not consulted
  EXPECT_TRUE(across.replies().empty());
  EXPECT_EQ(c.net.trace().drop_count(c.vpc.router().id(), trace::DropReason::acl_denied), 1u);
}

}  // namespace
}  // namespace vpcsim::cloud
